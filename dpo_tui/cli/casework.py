"""`new`, `cases`, `show`: casework from the shell, scriptable with --json."""

from __future__ import annotations

import json
import json.encoder
import sys
from collections.abc import Iterable
from typing import Any

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework
from dpo_tui.domain.dates import parse_date
from dpo_tui.domain.states import Channel
from dpo_tui.text import clean

CHANNEL_CHOICES = [c.value for c in Channel]


@click.command()
@click.option("--name", required=True, help="Full name of the person whose data is asked for.")
@click.option("--email", default="", help="Their email address. A postal or telephone request gives --address or --phone instead: at least one of the three.")
@click.option("--address", default=None, help="Their postal address (a request by post).")
@click.option("--phone", default=None, help="Their telephone number (a request by phone).")
@click.option("--agent", "agent_name", default=None, help="Who made the request for them (a solicitor, relative, agent...).")
@click.option("--agent-kind", type=click.Choice(["solicitor", "relative", "agent", "portal", "parent"]), default=None, help="What the agent is to them. Default with --agent: agent.")
@click.option("--agent-contact", default=None, help="How to reach the agent: email, phone or postal address.")
@click.option("--rights", required=True, help="Comma-separated rights: access,rectification,erasure,restriction,portability,objection,automated_decision,withdraw_consent (CCPA: know,delete,correct,opt-out,limit).")
@click.option("--received", required=True, help="Date the request was received (YYYY-MM-DD).")
@click.option("--channel", type=click.Choice(CHANNEL_CHOICES), default="email", show_default=True)
@click.option("--description", default="", help="The request as the person wrote it.")
@click.option("--regime", type=click.Choice(["uk-gdpr", "eu-gdpr", "ccpa"]), default=None, help="Default: the organisation's regime.")
@click.option("--member-state", default=None, help="eu-gdpr: the EU/EEA member state concerned (DE, or DE-BY); sets its holidays and authority.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON (schema dpo-tui/case/1).")
@click.pass_context
@clean_errors
def new(ctx: click.Context, name: str, email: str, address: str | None, phone: str | None, agent_name: str | None, agent_kind: str | None, agent_contact: str | None, rights: str, received: str, channel: str, description: str, regime: str | None, member_state: str | None, as_json: bool) -> None:  # noqa: PLR0913
    """Log a rights request and print its reference."""
    from dpo_tui.domain.rights import parse_rights
    from dpo_tui.services.casework import NewRequest
    from dpo_tui.services.case_json import case_to_json

    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings

    day = parse_date(received, "--received")
    settings = load_settings()
    if (regime or settings.organisation.regime) == "ccpa":
        # Issue 15: a CCPA case takes the CCPA's own rights (know, delete, correct, opt-out, limit).
        from dpo_tui.domain.ccpa import ccpa_rights
        from dpo_tui.domain.rights import Right

        chosen = tuple(Right(k) for k in ccpa_rights(rights))
    else:
        chosen = parse_rights(rights)
    req = NewRequest(
        name=name, email=email, rights=chosen, received=day, channel=channel, description=description, regime=regime,
        member_state=member_state, address=address, phone=phone, agent_name=agent_name, agent_kind=agent_kind,
        agent_contact=agent_contact,
    )  # fmt: skip
    # Bad input is refused before the database is opened: a failed `new` creates nothing, not even the database.
    checker = Casework(None, settings)  # type: ignore[arg-type]  # validation reads settings and regimes only
    checker.regime(req.regime or settings.organisation.regime)
    checker.validate_new(req)
    work = open_casework(ctx, create=True)  # the first request may create the database (said on stderr)
    detail = work.log_request(req)
    if as_json:
        emit_json(case_to_json(detail))
    else:
        click.echo(detail.ref)


@click.command()
@click.option("--status", default=None, help="Only cases with this status (new, awaiting_id, ..., completed).")
@click.option("--overdue", is_flag=True, help="Only open cases past their due date.")
@click.option("--due-within", type=click.IntRange(min=0, max=36500), default=None, metavar="DAYS", help="Only open cases due within DAYS days.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@clean_errors
def cases(ctx: click.Context, status: str | None, overdue: bool, due_within: int | None, as_json: bool) -> None:
    """List cases, soonest due first."""
    from dpo_tui.domain.dates import fmt, relative_days
    from dpo_tui.services.case_list import iter_cases

    work = open_casework(ctx)
    # Streamed: one row at a time from the database to stdout, so 1,000,000 cases take constant memory.
    rows = iter_cases(work.db, work.today(), status=status, overdue=overdue, due_within=due_within)
    today = work.today()
    if as_json:
        _emit_json_array(_case_json(c, today) for c in rows)
        return
    out = sys.stdout
    lines: list[str] = []
    shown = 0
    for c in rows:
        due = fmt(c.due) if c.due else "clock not started"
        n = _days_left(c, today)
        left = "" if n is None else relative_days(n) + (", clock stopped" if c.clock_state == "stopped" else "")
        lines.append(f"{c.ref}  {c.status:<22}  due {due:<16} {left:<16} {clean(c.requester_name)}\n")
        shown += 1
        if len(lines) >= 1000:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))
    if not shown:
        click.echo("No cases match.")


def _case_json(c: Any, today: Any) -> str:
    """One listed case exactly as `json.dumps([...], indent=2, ensure_ascii=False)` prints it inside the array,
    built from a template: the indenting encoder is pure Python and was most of the time of `cases --json`."""
    s = _JSON_STR
    rights = ",\n      ".join(s(r) for r in c.rights.split(","))
    days_left = _days_left(c, today)
    return (
        f'  {{\n    "ref": {s(c.ref)},\n    "status": {s(c.status)},\n    "rights": [\n      {rights}\n    ],\n'
        f'    "requester": {{\n      "name": {s(c.requester_name)},\n      "email": {s(c.requester_email)}\n    }},\n'
        f'    "received": {s(c.received.isoformat())},\n'
        f'    "due": {s(c.due.isoformat()) if c.due else "null"},\n'
        f'    "days_left": {"null" if days_left is None else days_left},\n'
        f'    "clock_state": {s(c.clock_state)},\n'
        f'    "assignee": {"null" if c.assignee is None else s(c.assignee)}\n  }}'
    )


def _days_left(c: Any, today: Any) -> int | None:
    """The case header's days left (`domain.days_left`): frozen while the clock is stopped."""
    from dpo_tui.domain.days_left import days_left

    return days_left(c.due, today, state=c.clock_state, stopped_since=c.stopped_since) if c.is_open else None


_JSON_STR = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for a str (C)


def _emit_json_array(items: Iterable[str]) -> None:
    """What `emit_json(list)` prints (json.dumps(indent=2) and a newline), written as the items come; `items`
    are the elements already encoded and indented by two spaces."""
    out = sys.stdout
    chunk: list[str] = []
    first = True
    for item in items:
        chunk.append(("[\n" if first else ",\n") + item)
        first = False
        if len(chunk) >= 500:
            out.write("".join(chunk))
            chunk.clear()
    chunk.append("[]\n" if first else "\n]\n")
    out.write("".join(chunk))
    out.flush()


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON (schema dpo-tui/case/1).")
@click.pass_context
@clean_errors
def show(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Show one case, with its deadline explained."""
    from dpo_tui.services.case_json import case_to_json, case_to_text

    work = open_casework(ctx)
    detail = work.get(ref)
    if as_json:
        emit_json(case_to_json(detail))
    else:
        click.echo(case_to_text(detail, today=work.today()))


@click.command()
@click.argument("ref")
@click.argument("to", metavar="STATUS")
@click.option("--reason", default=None, help="Why (recorded in the audit trail). Required to complete a case with open "
              "checklist items (the override) and to reopen a closed case.")  # fmt: skip
@click.pass_context
@clean_errors
def status(ctx: click.Context, ref: str, to: str, reason: str | None) -> None:
    """Move a case to STATUS (new, awaiting_id, ..., completed, refused, withdrawn), under the same rules as the
    queue's S and the case screen's C and R."""
    from dpo_tui.domain.lifecycle import CLOSED, Status, parse_status

    target = parse_status(to)
    work = open_casework(ctx)
    version = work.version_of(ref)
    current = Status(work.get(ref, with_events=False).status)
    try:
        if current in CLOSED and target is Status.IN_PROGRESS:
            detail = work.reopen(ref, reason, version=version)  # a reopen always records why
        else:
            detail = work.change_status(ref, target, reason=reason, version=version)
    except Exception as exc:
        from dpo_tui.domain.checklist import OpenItems

        if isinstance(exc, OpenItems):
            labels = "; ".join(label for _, label in exc.items)
            raise click.ClickException(
                f"{exc.ref} has {len(exc.items)} open checklist item(s) ({labels}): tick them or mark them not "
                "applicable, or give --reason to complete with an override"
            ) from None
        raise
    click.echo(f"{detail.ref}: {Status(detail.status).label}" + (f" (outcome {detail.outcome})" if detail.outcome else ""))
