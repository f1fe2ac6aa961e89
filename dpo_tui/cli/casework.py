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
@click.option("--name", required=True, help="Requester's full name.")
@click.option("--email", required=True, help="Requester's email address.")
@click.option("--rights", required=True, help="Comma-separated rights: access,rectification,erasure,restriction,portability,objection,automated_decision,withdraw_consent (CCPA: know,delete,correct,opt-out,limit).")
@click.option("--received", required=True, help="Date the request was received (YYYY-MM-DD).")
@click.option("--channel", type=click.Choice(CHANNEL_CHOICES), default="email", show_default=True)
@click.option("--description", default="", help="The request as the person wrote it.")
@click.option("--regime", type=click.Choice(["uk-gdpr", "eu-gdpr", "ccpa"]), default=None, help="Default: the organisation's regime.")
@click.option("--member-state", default=None, help="eu-gdpr: the EU/EEA member state concerned (DE, or DE-BY); sets its holidays and authority.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON (schema dpo-tui/case/1).")
@click.pass_context
@clean_errors
def new(ctx: click.Context, name: str, email: str, rights: str, received: str, channel: str, description: str, regime: str | None, member_state: str | None, as_json: bool) -> None:
    """Log a rights request and print its reference."""
    from dpo_tui.domain.rights import parse_rights
    from dpo_tui.services.casework import NewRequest
    from dpo_tui.services.case_json import case_to_json

    day = parse_date(received, "--received")
    work = open_casework(ctx)
    if (regime or work.settings.organisation.regime) == "ccpa":
        # Issue 15: a CCPA case takes the CCPA's own rights (know, delete, correct, opt-out, limit).
        from dpo_tui.domain.ccpa import ccpa_rights
        from dpo_tui.domain.rights import Right

        chosen = tuple(Right(k) for k in ccpa_rights(rights))
    else:
        chosen = parse_rights(rights)
    req = NewRequest(name=name, email=email, rights=chosen, received=day, channel=channel, description=description, regime=regime, member_state=member_state)
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
        left = relative_days((c.due - today).days) if c.due and c.is_open else ""
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
    days_left = (c.due - today).days if c.due and c.is_open else None
    return (
        f'  {{\n    "ref": {s(c.ref)},\n    "status": {s(c.status)},\n    "rights": [\n      {rights}\n    ],\n'
        f'    "requester": {{\n      "name": {s(c.requester_name)},\n      "email": {s(c.requester_email)}\n    }},\n'
        f'    "received": {s(c.received.isoformat())},\n'
        f'    "due": {s(c.due.isoformat()) if c.due else "null"},\n'
        f'    "days_left": {"null" if days_left is None else days_left},\n'
        f'    "clock_state": {s(c.clock_state)},\n'
        f'    "assignee": {"null" if c.assignee is None else s(c.assignee)}\n  }}'
    )


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
