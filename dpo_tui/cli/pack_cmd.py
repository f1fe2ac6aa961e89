"""`attach`, `attachments`, `redact`, `withhold`, `pack`, `pack verify`, `deliver`: the response pack (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dpo_tui.cli.common import OneLineError, clean_errors, emit_json, open_casework
from dpo_tui.domain.dates import parse_date
from dpo_tui.text import clean

VERIFY_FAILED = 2


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@click.command()
@click.argument("ref")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--item", default=None, metavar="N", help="The checklist item that found them: its number in `show`, or its key.")
@click.option("--json", "as_json", is_flag=True, help="Print the attachments added as JSON.")
@click.pass_context
@clean_errors
def attach(ctx: click.Context, ref: str, files: tuple[Path, ...], item: str | None, as_json: bool) -> None:
    """Attach files to a case (kept inside the database, SHA-256 in the audit trail). All or none."""
    from dpo_tui.services.attachments import attach as attach_files

    work = open_casework(ctx)
    added = attach_files(work, ref, list(files), item=item, version=work.version_of(ref))
    if as_json:
        emit_json([a.as_json() for a in added])
        return
    for a in added:
        where = f" (item: {clean(a.item_label)})" if a.item_label else ""
        click.echo(f"#{a.id} {clean(a.name)}  {_size(a.size)}  sha256 {a.sha256}{where}")


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: attachments, the redaction log, packs and deliveries.")
@click.option("--save", "save_id", type=int, default=None, metavar="ID", help="Write attachment ID into --output-dir (0600).")
@click.option("-o", "--output-dir", "out_dir", default=".", show_default=True, help="Folder for --save.")
@click.pass_context
@clean_errors
def attachments(ctx: click.Context, ref: str, as_json: bool, save_id: int | None, out_dir: str) -> None:
    """A case's attachments, redaction log, packs and deliveries."""
    from dpo_tui.paths import shown, write_private
    from dpo_tui.services import attachments as att
    from dpo_tui.services.pack import deliveries, packs

    work = open_casework(ctx)
    if save_id is not None:
        name, data = att.read_content(work, ref, save_id)
        from dpo_tui.services.pack import _safe

        path = write_private(Path(out_dir) / f"{save_id}-{_safe(name, 'file')}", data)
        click.echo(f"wrote {shown(path)}")
        return
    files = att.attachments(work, ref)
    log = att.redaction_log(work, ref)
    built = packs(work, ref)
    dels = deliveries(work, ref)
    if as_json:
        emit_json({"attachments": [a.as_json() for a in files], "redaction_log": [r.as_json() for r in log],
                   "packs": [p.as_json() for p in built], "deliveries": [d.as_json() for d in dels]})  # fmt: skip
        return
    click.echo(f"{ref.upper()}: {len(files)} attachment(s)")
    for a in files:
        flags = []
        if a.kind == "received_message":
            flags.append("received")
        if a.kind == "redacted":
            flags.append(f"redacted copy of #{a.original_id}")
        if a.copy_id:
            flags.append(f"original; redacted copy #{a.copy_id} is sent")
        if a.withheld:
            flags.append("withheld")
        item = f" [{clean(a.item_label)}]" if a.item_label else ""
        click.echo(f"  #{a.id:<5} {clean(a.name)}  {_size(a.size)}  {a.sha256[:16]}…{item}" + (f"  ({'; '.join(flags)})" if flags else ""))
    if log:
        click.echo("Redaction log:")
        for r in log:
            click.echo(f"  {r.id}. {clean(r.file_name)}: {r.action}: {clean(r.what)}; {clean(r.reason_text)}; {r.by}, {r.at.date().isoformat()}")
    for p in built:
        click.echo(f"Pack #{p.id} {p.file_name}: {p.files} files, manifest sha256 {p.manifest_sha256}, built {p.built_at.date().isoformat()} by {p.built_by}")
    for d in dels:
        why = f" ({clean(d.reason)})" if d.reason else ""
        click.echo(f"Delivered {d.delivered_on.isoformat()} by {d.channel}: {clean(d.what)}{why}")


@click.command()
@click.argument("ref")
@click.argument("file_id", type=int)
@click.option("--confirm", "confirm", default=None, metavar="N,N|all", help="Redact these suggestions (numbers as listed), or all.")
@click.option("--copy", "copy", type=click.Path(path_type=Path), default=None, help="Attach a copy redacted elsewhere and link it to FILE_ID.")
@click.option("--what", default="", help="With --copy: what was redacted in it.")
@click.option("--reason", type=click.Choice(["third_party", "exemption"]), default="third_party", show_default=True)
@click.option("--exemption", "exemption_id", type=int, default=None, metavar="ID", help="With --reason exemption: the exemption log entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@click.pass_context
@clean_errors
def redact(ctx: click.Context, ref: str, file_id: int, confirm: str | None, copy: Path | None, what: str, reason: str,
           exemption_id: int | None, as_json: bool) -> None:  # fmt: skip
    """Without --confirm: list suggested redactions of a text attachment (others' emails, phones, names).
    With --confirm: make the redacted copy. With --copy: link a copy redacted elsewhere."""
    from dpo_tui.services import attachments as att

    work = open_casework(ctx)
    if copy is not None:
        a = att.link_redacted(work, ref, file_id, copy, what=what, reason=reason, exemption_id=exemption_id, version=work.version_of(ref))
        click.echo(f"#{a.id} {clean(a.name)} linked as the redacted copy of #{file_id}; the original will not be sent")
        return
    found = att.suggestions(work, ref, file_id)
    if confirm is None:
        if as_json:
            emit_json([{"n": n, "kind": s.kind, "value": s.value, "count": s.count} for n, s in enumerate(found, 1)])
            return
        if not found:
            click.echo("no third-party emails, phone numbers or names found")
        for n, s in enumerate(found, 1):
            click.echo(f"{n:>3}. {s.kind:<5} {clean(s.value)}  ({s.count}x)")
        return
    if confirm.strip().lower() == "all":
        chosen = found
    else:
        try:
            numbers = [int(x) for x in confirm.replace(" ", "").split(",") if x]
        except ValueError:
            raise OneLineError(f"--confirm: '{confirm}' is not a list of numbers (e.g. 1,3) or 'all'") from None
        bad = [n for n in numbers if not 1 <= n <= len(found)]
        if bad or not numbers:
            raise OneLineError(f"--confirm: choose from 1 to {len(found)} (the suggestions listed without --confirm)")
        chosen = [found[n - 1] for n in numbers]
    a = att.redact(work, ref, file_id, chosen, reason=reason, exemption_id=exemption_id, version=work.version_of(ref))
    click.echo(f"#{a.id} {clean(a.name)}: {len(chosen)} value(s) redacted; the original #{file_id} will not be sent")


@click.command()
@click.argument("ref")
@click.argument("file_id", type=int)
@click.option("--what", default="", help="What is withheld, for the redaction log.")
@click.option("--reason", type=click.Choice(["third_party", "exemption"]), default="third_party", show_default=True)
@click.option("--exemption", "exemption_id", type=int, default=None, metavar="ID", help="With --reason exemption: the exemption log entry.")
@click.pass_context
@clean_errors
def withhold(ctx: click.Context, ref: str, file_id: int, what: str, reason: str, exemption_id: int | None) -> None:
    """Withhold a whole attachment from the response (logged with its reason)."""
    from dpo_tui.services import attachments as att

    work = open_casework(ctx)
    att.withhold(work, ref, file_id, what=what, reason=reason, exemption_id=exemption_id, version=work.version_of(ref))
    click.echo(f"#{file_id} withheld; it will not be sent")


class _PackGroup(click.Group):
    """`pack REF -o DIR` builds; `pack verify ARCHIVE` verifies."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group("pack", cls=_PackGroup)
def pack() -> None:
    """Build the encrypted response pack of a case (`pack REF -o DIR`), or verify one (`pack verify ARCHIVE`)."""


@pack.command("build")
@click.argument("ref")
@click.option("-o", "--output-dir", "out_dir", required=True, metavar="DIR", help="Folder for REF-response.zip (0600).")
@click.option("--force", is_flag=True, help="Overwrite the pack if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the passphrase included).")
@click.pass_context
@clean_errors
def build(ctx: click.Context, ref: str, out_dir: str, force: bool, as_json: bool) -> None:
    """Cover letter, data files by system (redacted copies, nothing withheld), portability JSON+CSV, redaction log,
    manifest with every SHA-256; AES-256 zip with a passphrase shown once."""
    from dpo_tui.paths import shown
    from dpo_tui.services.pack import build_pack, check_pack_target

    check_pack_target(out_dir, ref, force=force)  # before the database is opened
    work = open_casework(ctx)
    result = build_pack(work, ref, out_dir, version=work.version_of(ref), force=force)
    if as_json:
        emit_json({"path": str(result.path), "passphrase": result.passphrase, "manifest_sha256": result.manifest_sha256,
                   "archive_sha256": result.archive_sha256, "files": result.files, "size": result.size, "pack_id": result.pack_id})  # fmt: skip
        return
    click.echo(f"wrote {shown(result.path)} ({result.files} files, {_size(result.size)})")
    click.echo(f"manifest sha256 {result.manifest_sha256}")
    click.echo(f"passphrase: {result.passphrase}")
    click.echo("The passphrase is shown once and not stored: send it by a separate channel (phone, SMS), never with the archive.", err=True)


@pack.command("verify")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--passphrase", prompt=True, hide_input=True, envvar="DPO_TUI_PACK_PASSPHRASE", help="The pack's passphrase (prompted; env DPO_TUI_PACK_PASSPHRASE).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@clean_errors
def verify(ctx: click.Context, archive: Path, passphrase: str, as_json: bool) -> None:
    """Check every file of a pack against its manifest. Exit 0: all match; 2: a file is missing, changed, added or
    damaged, or the passphrase is wrong; 1: an error."""
    from dpo_tui.services.pack import verify_archive

    report = verify_archive(archive, passphrase)
    known: Any = None
    if report.manifest_sha256 and (ctx.obj or {}).get("db") is not None:
        from dpo_tui.services.pack import find_pack

        known = find_pack(open_casework(ctx), report.manifest_sha256)
    if as_json:
        data = report.as_json()
        if known:
            data["recorded"] = {"reference": known[0], "pack": known[1].as_json(), "deliveries": [d.as_json() for d in known[2]]}
        emit_json(data)
    else:
        for problem in report.problems:
            click.echo(f"FAIL {clean(problem)}")
        if report.ok:
            click.echo(f"OK {report.checked} files match the manifest (sha256 {report.manifest_sha256}) of {clean(report.reference or '?')}")
        if known:
            ref, p, dels = known
            click.echo(f"recorded: pack #{p.id} of {ref}, built {p.built_at.date().isoformat()} by {p.built_by}")
            for d in dels:
                click.echo(f"delivered {d.delivered_on.isoformat()} by {d.channel}")
    if not report.ok:
        ctx.exit(VERIFY_FAILED)


@click.command()
@click.argument("ref")
@click.option("--channel", required=True, help="How it was delivered: email, post, web, phone, in_person, social.")
@click.option("--on", "on_s", default=None, metavar="DATE", help="The day it was delivered (default today; earlier needs --reason).")
@click.option("--reason", default=None, help="Why the day is earlier than today (recorded after the fact).")
@click.option("--pack", "pack_id", type=int, default=None, metavar="ID", help="The pack delivered (default: the newest).")
@click.option("--letter", "letter_id", type=int, default=None, metavar="ID", help="A letter delivered instead of a pack (its id in `show --json`).")
@click.pass_context
@clean_errors
def deliver(ctx: click.Context, ref: str, channel: str, on_s: str | None, reason: str | None, pack_id: int | None,
            letter_id: int | None) -> None:  # fmt: skip
    """Record the delivery of the pack (or a letter): channel, day, manifest hash. A response's delivery day is the
    case's response date."""
    from dpo_tui.services.pack import record_delivery

    if pack_id is not None and letter_id is not None:
        raise OneLineError("--pack and --letter: name one of them")
    on = parse_date(on_s, "--on") if on_s else None
    work = open_casework(ctx)
    d = record_delivery(work, ref, channel=channel, on=on, reason=reason, pack_id=pack_id, letter_id=letter_id,
                        version=work.version_of(ref))  # fmt: skip
    hash_ = f" (manifest sha256 {d.manifest_sha256})" if d.manifest_sha256 else ""
    click.echo(f"{ref.upper()}: {clean(d.what)} delivered {d.delivered_on.isoformat()} by {d.channel}{hash_}")
