"""`due` and `calendar`: what needs action soon, for cron, scripts and calendar programs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework

F = TypeVar("F", bound=Callable[..., Any])

ERROR_EXIT = 3  # 1 and 2 carry meaning for `due`; an error must not read as "something due soon"


class _DueError(click.ClickException):
    exit_code = ERROR_EXIT


def _errors_exit_3(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except click.ClickException as exc:
            raise _DueError(exc.format_message()) from None

    return wrapper  # type: ignore[return-value]


@click.command(
    epilog=(
        "Exit status: 0 nothing needs action; 1 something needs action within the window (a due date, an extension "
        "cut-off, a wait on the requester past the policy days, a follow-up); 2 a legal due date has passed; "
        "3 an error (one line on stderr)."
    )
)
@click.option("--within", type=int, default=7, show_default=True, metavar="DAYS", help="Look this many days ahead.")
@click.option("--assignee", default=None, metavar="NAME", help="Only cases assigned to NAME.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON (with each date's explanation).")
@click.option("--brief", is_flag=True, help="One line per item, without the explanations.")
@click.pass_context
@_errors_exit_3
@clean_errors
def due(ctx: click.Context, within: int, assignee: str | None, as_json: bool, brief: bool) -> None:
    """Overdue cases, due dates and extension cut-offs within DAYS, waits on the requester past policy, follow-ups."""
    from dpo_tui.text import clean
    from dpo_tui.services.due import due_report, to_text

    work = open_casework(ctx)
    report = due_report(work, within=within, assignee=assignee)
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(clean(to_text(report, explain=not brief)), nl=False)
    ctx.exit(int(report.urgency))


@click.command()
@click.option("-o", "--output", type=str, metavar="FILE", required=True, help="The .ics file to write (0600).")
@click.option("--assignee", default=None, metavar="NAME", help="Only cases assigned to NAME.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (re-export for your calendar program).")
@click.pass_context
@clean_errors
def calendar(ctx: click.Context, output: str, assignee: str | None, force: bool) -> None:
    """An iCalendar file: one all-day event per due date, extension cut-off and follow-up, with stable UIDs."""
    from dpo_tui.cli.common import check_target
    from dpo_tui.paths import shown
    from dpo_tui.services.calendar import build_calendar, write_calendar

    check_target(ctx, output, force=force)  # before any work: a bad path fails first, in one line
    work = open_casework(ctx)
    data, n = build_calendar(work, assignee=assignee)
    write_calendar(output, data, force=force)
    click.echo(f"wrote {n} event{'s' * (n != 1)} to {shown(output)}", err=True)


@click.command("follow-up")
@click.argument("ref")
@click.argument("on", metavar="DATE", required=False)
@click.option("--note", default=None, help="What to follow up (shown in due, the digest and the calendar).")
@click.option("--done", is_flag=True, help="Mark the case's open follow-ups done instead.")
@click.pass_context
@clean_errors
def follow_up(ctx: click.Context, ref: str, on: str | None, note: str | None, done: bool) -> None:
    """Set a follow-up on a case for DATE (YYYY-MM-DD) with a note; --done marks its follow-ups done."""
    from dpo_tui.domain.dates import parse_date
    from dpo_tui.text import clean
    from dpo_tui.services.follow_ups import complete_follow_ups, open_follow_ups, set_follow_up

    work = open_casework(ctx)
    version = work.get(ref, with_events=False).version  # the case as this command saw it
    if done:
        if on is not None or note is not None:
            raise click.ClickException("--done takes no DATE or --note")
        n = complete_follow_ups(work, ref, version=version)
        click.echo(f"{n} follow-up{'s' * (n != 1)} marked done", err=True)
        return
    if on is None or note is None:
        raise click.ClickException("give DATE and --note TEXT (or --done)")
    detail = set_follow_up(work, ref, parse_date(on, "DATE"), note, version=version)
    for f in open_follow_ups(work, detail.ref):
        click.echo(clean(f"{f.on.isoformat()}  {f.note}"))
