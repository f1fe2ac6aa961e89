"""`letter REF KIND --send` and `digest`: outbound mail from the shell and from cron."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dpo_tui.cli.common import clean_errors, open_casework


def send_letter_command(work: Any, ref: str, kind: str, *, to: str | None, yes: bool, attachments: tuple[Path, ...],
                        pack: Path | None = None) -> None:
    """Preview the message exactly as it will go out; with --yes send it, and record it only once accepted."""
    from dpo_tui.services.outbound import prepare_letter, send_letter

    letter = prepare_letter(work, ref, kind, to=to, attachments=attachments, pack=pack)
    if not yes:
        click.echo(letter.preview(), nl=False)
        click.echo(f"\nnot sent: this is a preview; add --yes to send it to {letter.to}", err=True)
        return
    send_letter(work, letter, version=letter.version)
    click.echo(f"sent {letter.kind} for {letter.ref} to {letter.to} as {letter.message_id}; recorded on the case", err=True)
    if letter.pack:
        click.echo(f"attached pack #{letter.pack.pack_id} ({letter.pack.file_name}); give the passphrase by another channel", err=True)


@click.command()
@click.option("--to", "to", default=None, metavar="ADDRESS", help="Send one digest to ADDRESS (default: per assignee in team mode, else [smtp] digest_to).")
@click.option("--assignee", default=None, metavar="NAME", help="Only NAME's cases.")
@click.option("--within", type=click.IntRange(min=0), default=7, show_default=True, metavar="DAYS", help="Look this many days ahead.")
@click.option("--attach-report", is_flag=True, help="Attach the management report (report.html, with charts), e.g. monthly.")
@click.option("--dry-run", is_flag=True, help="Print the digests instead of sending them.")
@click.pass_context
@clean_errors
def digest(ctx: click.Context, to: str | None, assignee: str | None, within: int, attach_report: bool, dry_run: bool) -> None:
    """Mail what `dpo-tui due` shows (text and HTML); nothing is sent when nothing needs action."""
    from dpo_tui.text import clean
    from dpo_tui.services.digest import build_digests
    from dpo_tui.mail.send import deliver
    from dpo_tui.services.due import due_report
    from dpo_tui.services.outbound import smtp_settings

    work = open_casework(ctx)
    smtp = smtp_settings(work)
    report = due_report(work, within=within)
    files: tuple[tuple[str, bytes, str], ...] = ()
    if attach_report:
        from dpo_tui.exports.report_html import report_html

        page = report_html(work.db, today=work.today(), year=None, org=work.settings.organisation.name)
        files = ((f"dpo-report-{work.today().isoformat()}.html", page.encode("utf-8"), "text/html"),)
    digests = build_digests(work, report, smtp, to=to, assignee=assignee, files=files)
    if not digests:
        click.echo("nothing needs action: no digest sent", err=True)
        return
    for d in digests:
        if dry_run:
            body = d.message.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            names = ", ".join(str(p.get_filename()) for p in d.message.iter_attachments())
            extra = f"Attachments: {names}\n" if names else ""
            click.echo(clean(f"To: {d.message['To']}\nSubject: {d.message['Subject']}\n{extra}\n{text}"))
            continue
        deliver(smtp, d.message)
        click.echo(f"digest sent to {d.to} ({len(d.report.items)} items)", err=True)
