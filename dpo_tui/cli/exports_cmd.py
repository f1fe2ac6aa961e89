"""`letter`, `export`, `register`, `report`: what the DPO sends, files and reports, from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dpo_tui.cli.common import add_warning, check_target, clean_errors, open_casework
from dpo_tui.domain.dates import parse_date
from dpo_tui.paths import shown


@click.command()
@click.argument("ref")
@click.argument("kind", required=False)
@click.option("-o", "--output", type=str, metavar="FILE", default=None, help="Write the letter to FILE (.md, .txt, .docx or .pdf; 0600) instead of printing it.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--format", "fmt", type=click.Choice(["md", "txt", "docx", "pdf"]), default=None, help="md, txt, docx (on the letterhead) or pdf (default: from the file name, else md).")
@click.option("--save", is_flag=True, help="Also keep it on the case as correspondence (with an audit event).")
@click.option("--channel", default="email", show_default=True, help="How it was sent, with --save.")
@click.option("--sent-on", default=None, help="Date sent (YYYY-MM-DD), with --save; default: the date of the step it belongs to (the ID request, the question, the extension, the refusal, the response), else today.")
@click.option("--send", is_flag=True, help="Email it through the [smtp] server: previews unless --yes; recorded on the case only once the server accepts it.")
@click.option("--to", "to", default=None, metavar="ADDRESS", help="With --send: the recipient (default: the requester's email).")
@click.option("--yes", is_flag=True, help="With --send: send without showing the preview.")
@click.option("--attach", "attach", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="With --send: attach FILE (repeatable).")
@click.option("--pack", "pack", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="ARCHIVE", help="With --send and a response letter: attach the case's response pack (checked against the recorded archive hash; the passphrase never goes in the mail).")
@click.pass_context
@clean_errors
def letter(ctx: click.Context, ref: str, kind: str | None, output: str | None, force: bool, fmt: str | None, save: bool, channel: str, sent_on: str | None,
           send: bool, to: str | None, yes: bool, attach: tuple[Path, ...], pack: Path | None) -> None:  # fmt: skip
    """Draft a letter for a case from its template. Without KIND, list the kinds and whether each applies."""
    from dpo_tui.services.letters import format_for, letter_choices, open_letter_file, render_letter, save_letter

    if output is not None:
        check_target(ctx, output, force=force)  # before the database is opened: a bad path changes nothing
    day = parse_date(sent_on, "--sent-on") if save and sent_on else None
    if pack is not None and not send:
        raise click.ClickException("--pack goes with --send (the pack is attached to the email)")
    work = open_casework(ctx)
    if send:
        if kind is None or save or output is not None:
            raise click.ClickException("--send needs KIND and goes without --save and -o (sending records the letter itself)")
        from dpo_tui.cli.mail_cmd import send_letter_command

        send_letter_command(work, ref, kind, to=to, yes=yes, attachments=attach, pack=pack)
        return
    if kind is None:
        for c in letter_choices(work, ref):
            mark = "yes" if c.applies else "no "
            click.echo(f"{mark}  {c.kind:<24} {c.title}" + (f"  ({c.reason})" if c.reason else ""))
        return
    # A command has no screen the user looked at: it reads the case's current version first, renders the letter
    # from that state and then saves against it, so a change made in between is reported as a conflict.
    version = work.version_of(ref) if save else None
    draft = render_letter(work, ref, kind)
    if work.settings.is_demo:  # on stderr once the command has succeeded: the letter itself stays as drafted
        add_warning(ctx, "warning: " + work.settings.demo_notice)
    chosen = fmt or (format_for(output) if output else "md")
    if chosen in ("docx", "pdf") and output is None:
        raise click.ClickException(f"--format {chosen}: a document goes to a file: add -o FILE")
    # The file is written to a temporary name first and put in place only after the save commits: a letter is
    # saved and written both or neither.
    pending = open_letter_file(draft, output, chosen, force=force, work=work) if output is not None else None
    try:
        if save:
            assert version is not None
            save_letter(work, ref, draft.kind, draft.subject, draft.body, channel=channel, sent_on=day, version=version)
        if pending is not None:
            path = pending.publish()
            click.echo(f"wrote {shown(path)}", err=True)
    finally:
        if pending is not None:
            pending.discard()
    if pending is None:
        click.echo(draft.as_text(chosen), nl=False)


@click.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output-dir", "out_dir", type=str, metavar="DIR", default=".", show_default=True, help="Folder for <REF>.<format> files (each 0600); '-' prints one case to standard output.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.pass_context
@clean_errors
def export(ctx: click.Context, refs: tuple[str, ...], fmt: str, out_dir: str, force: bool) -> None:
    """Export case summaries: facts, deadline ledger, identity, decisions, checklist, letters, verified audit trail."""
    from dpo_tui.exports.case_summary import export_case_text, export_cases

    if out_dir == "-":  # standard output, never a folder named "-"
        if len(refs) != 1:
            raise click.ClickException(f"-o - prints one case to standard output; {len(refs)} were named (give a folder for several)")
        work = open_casework(ctx)
        click.echo(export_case_text(work, refs[0], fmt), nl=False)
        return
    work = open_casework(ctx)
    total = len(refs)
    show = total > 1 and sys.stderr.isatty() or total >= 20

    def progress(n: int, of: int, ref: str) -> None:
        if show and (n == of or n % max(1, of // 100) == 0):
            click.echo(f"\rexported {n}/{of} ({ref})", err=True, nl=n == of)

    paths = export_cases(work, list(refs), fmt, out_dir, progress=progress, force=force)
    for p in paths:
        click.echo(shown(p))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=str, metavar="FILE", default=None, help="Write to FILE (0600) instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--from", "date_from", default=None, help="Only cases received on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Only cases received on or before this date (YYYY-MM-DD).")
@click.pass_context
@clean_errors
def register(ctx: click.Context, fmt: str, output: str | None, force: bool, date_from: str | None, date_to: str | None) -> None:
    """The register of requests: one row per case, as regulators expect (CSV cells are formula-safe)."""
    from dpo_tui.exports.register import write_register

    start = parse_date(date_from, "--from") if date_from else None
    end = parse_date(date_to, "--to") if date_to else None
    if output is not None:
        check_target(ctx, output, force=force)
    work = open_casework(ctx)

    def progress(n: int) -> None:
        if output is not None:
            click.echo(f"\r{n} rows", err=True, nl=False)

    out = sys.stdout if output is None else None
    n = write_register(work.db, output, fmt, today=work.today(), date_from=start, date_to=end, out=out, progress=progress, force=force)
    if output is not None:
        click.echo(f"\rwrote {n} rows to {shown(output)}", err=True)


@click.command()
@click.option("--year", type=click.IntRange(2000, 9999), default=None, help="Only cases received in this year.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True, help="html: one page with SVG charts, no scripts.")
@click.option("-o", "--output", type=str, metavar="FILE", default=None, help="Write to FILE (0600) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
@clean_errors
def report(ctx: click.Context, year: int | None, as_json: bool, fmt: str, output: str | None, force: bool) -> None:
    """Open, overdue, due this week, awaiting requester; share on time; days to respond; by right and month."""
    import json

    from dpo_tui.exports.register import build_report

    if output is not None:
        check_target(ctx, output, force=force)  # before any work: a bad path fails first, in one line
    work = open_casework(ctx)
    fmt = "json" if as_json else fmt
    if fmt == "html":
        from dpo_tui.exports.report_html import report_html

        text = report_html(work.db, today=work.today(), year=year, org=work.settings.organisation.name)
    else:
        rep = build_report(work.db, today=work.today(), year=year)
        text = json.dumps(rep.to_json(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else rep.to_text() + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    from dpo_tui.output import write_output

    write_output(output, text.encode("utf-8"), force=force)
    click.echo(f"wrote {shown(output)}", err=True)
