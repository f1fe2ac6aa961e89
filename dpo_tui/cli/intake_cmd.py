"""`import` and `fetch`: messages and web-form exports become cases, replies join their case, the rest waits
for the DPO's triage. Requester text printed here passes through `clean` (no terminal escape sequences)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework
from dpo_tui.exports.escape import clean

_LABEL = {"created": "created", "attached": "attached", "needs_triage": "triage", "skipped": "skipped", "rejected": "rejected"}


def _line(r: Any) -> str:
    who = r.ref or (f"#{r.pending_id}" if r.pending_id else "")
    return f"{_LABEL[r.outcome]:<9} {who:<15} {clean(r.source)}: {clean(r.detail)}"


def _progress(total: int, enabled: bool) -> tuple[Any, Any]:
    """A progress bar on stderr for a terminal; nothing for pipes, scripts and --json."""
    if not enabled or total <= 0:
        return None, lambda n: None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True
    )
    task = bar.add_task("import", total=total)
    return bar, lambda n: bar.advance(task, n)


def run_import(ctx: click.Context, items_for: Any, total: int, *, dry_run: bool, as_json: bool, skip_bad: bool, log_confident: bool) -> Any:
    from dpo_tui.services.intake import Intake

    work = open_casework(ctx, create=not dry_run)  # importing logs new requests, like `new`: it may create the database
    intake = Intake(work)
    bar, tick = _progress(total, sys.stderr.isatty() and not as_json)
    if bar is not None:
        bar.start()
    try:
        summary = intake.run(items_for(tick), dry_run=dry_run, skip_bad=skip_bad, log_confident=log_confident)
    finally:
        if bar is not None:
            bar.stop()
    counts = summary.counts
    if as_json:
        emit_json({"schema": "dpo-tui/import/1", "applied": summary.applied, "dry_run": dry_run, "counts": counts,
                   "items": [r.as_json() for r in summary.results]})
    else:
        for r in summary.results:
            if r.outcome == "rejected":
                click.echo(f"{'skipped' if skip_bad else 'rejected'}: {clean(r.source)}: {clean(r.detail)}", err=True)
            else:
                click.echo(_line(r))
        words = f"{counts['created']} created, {counts['attached']} attached, {counts['needs_triage']} need triage, " \
                f"{counts['skipped']} already imported, {counts['rejected']} rejected"
        if dry_run:
            words += " (dry run: nothing saved)"
        elif not summary.applied:
            words += " (nothing saved)"
        click.echo(words)
        if counts["needs_triage"]:
            click.echo("Items needing triage are kept for the DPO; none was logged as a case on a guess.")
    if summary.rejected and not skip_bad:
        raise click.ClickException(
            f"nothing imported: {len(summary.rejected)} bad input(s) listed above; fix them or use --skip-bad"
        )
    return summary


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Do everything but save: print what would happen.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (schema dpo-tui/import/1).")
@click.option("--skip-bad", is_flag=True, help="Import the good items and list the bad ones (default: import nothing if any is bad).")
@click.option("--log-confident", is_flag=True, help="Log confident items as cases now; the rest still wait for triage.")
@click.pass_context
@clean_errors
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], dry_run: bool, as_json: bool, skip_bad: bool, log_confident: bool) -> None:
    """Import .eml, .msg, mbox files, Maildir folders and web-form CSV/JSON exports.

    Replies join their case (reference in the subject, In-Reply-To/References); a second import of the same message
    does nothing; items that are not confident wait as "needs triage" for the DPO.
    """
    from dpo_tui.intake.sources import iter_items, total_bytes
    from dpo_tui.settings import load_settings

    cfg = load_settings().intake
    files = list(paths)

    def items_for(tick: Any) -> Iterator[Any]:
        return iter_items(files, cfg, tick)

    run_import(ctx, items_for, total_bytes(files), dry_run=dry_run, as_json=as_json, skip_bad=skip_bad, log_confident=log_confident)


@click.command()
@click.option("--dry-run", is_flag=True, help="Read and report, save nothing, leave the mailbox as it is.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (schema dpo-tui/import/1).")
@click.option("--skip-bad", is_flag=True, help="Import the good messages and list the bad ones (they stay in the mailbox).")
@click.option("--log-confident", is_flag=True, help="Log confident items as cases now; the rest still wait for triage.")
@click.pass_context
@clean_errors
def fetch(ctx: click.Context, dry_run: bool, as_json: bool, skip_bad: bool, log_confident: bool) -> None:
    """Read new messages from the IMAP mailbox in the settings ([intake.imap]) and import them.

    Processed messages are moved to `move_to` (or marked read) after the import is saved."""
    from dpo_tui.intake.imap import ImapMailbox
    from dpo_tui.intake.model import IntakeError
    from dpo_tui.settings import load_settings

    cfg = load_settings().intake
    try:
        with ImapMailbox(cfg) as box:
            summary = run_import(
                ctx, box.items, 0, dry_run=dry_run, as_json=as_json, skip_bad=skip_bad, log_confident=log_confident
            )
            if summary.applied:
                bad = {r.source for r in summary.rejected}
                box.settle([uid for uid, source in box.taken if source not in bad])
    except IntakeError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("mail-answers")
@click.argument("ref")
@click.option("--record", "file_id", type=int, default=None, help="Record the step from this message (its # in the list).")
@click.option("--seen", default=None, help="Identity: what was seen (e.g. 'passport sighted'), never the document or its number.")
@click.option("--matched", default=None, help="Identity: which details matched.")
@click.option("--checked-by", default=None, help="Identity: who checked (default: you).")
@click.option("--copy-deleted", is_flag=True, help="Identity: any copy received has been deleted.")
@click.option("--authority-evidence", default=None, help="Identity: the evidence of authority that arrived (when asked for).")
@click.option("--amount", default=None, help="Fee: the amount received (default: the fee asked for).")
@click.option("--answer", default=None, help="Clarification: the answer, or a summary (default: a line naming the message).")
@click.option("--json", "as_json", is_flag=True, help="Print the messages offered as JSON (schema dpo-tui/mail-answers/1).")
@click.pass_context
@clean_errors
def mail_answers(
    ctx: click.Context, ref: str, file_id: int | None, seen: str | None, matched: str | None, checked_by: str | None,
    copy_deleted: bool, authority_evidence: str | None, amount: str | None, answer: str | None, as_json: bool,
) -> None:
    """Messages on case REF that may answer the step it awaits (ID document, fee payment, clarification answer).

    Without --record, lists them. With --record ID, records that step from message ID, dated by its day of receipt,
    through the same verb as a manual entry; the audit event names the message (id and SHA-256)."""
    from dpo_tui.services.mail_answers import offers, record_from_message

    work = open_casework(ctx)
    if file_id is None:
        found = offers(work, ref)
        if as_json:
            emit_json({"schema": "dpo-tui/mail-answers/1", "ref": ref.upper(), "offers": [
                {"file_id": o.file_id, "step": o.step, "record_as": o.label, "received": o.received.isoformat(),
                 "sha256": o.sha256, "unread": o.unread} for o in found]})  # fmt: skip
            return
        for o in found:
            click.echo(f"#{o.file_id:<6} {o.received.isoformat()}  record as {o.label}{'  (unread)' if o.unread else ''}  {clean(' '.join(o.subject.split()))}")
        if not found:
            click.echo(f"No message on {ref.upper()} answers a step it awaits.")
        else:
            click.echo(f"Record one with: dpo-tui mail-answers {ref.upper()} --record ID" + (" --seen ... --matched ..." if found[-1].step == "identity" else ""))
        return
    version = work.version_of(ref)
    detail = record_from_message(
        work, ref, file_id, version=version, seen=seen, matched=matched, checked_by=checked_by, copy_deleted=copy_deleted,
        authority_evidence=authority_evidence, amount=amount, answer=answer,
    )  # fmt: skip
    click.echo(f"{detail.ref}: recorded from message #{file_id}; now {detail.status.replace('_', ' ')}, due {detail.deadline.effective_due or 'not running'}")
