"""`new`, `cases`, `show`: casework from the shell, scriptable with --json."""

from __future__ import annotations

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework, parse_date
from dpo_tui.text import clean

CHANNEL_CHOICES = ["email", "web", "post", "phone", "in_person", "social"]


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

    work = open_casework(ctx)
    rows = work.list_cases(status=status, overdue=overdue, due_within=due_within)
    today = work.today()
    if as_json:
        emit_json(
            [
                {
                    "ref": c.ref,
                    "status": c.status,
                    "rights": c.rights.split(","),
                    "requester": {"name": c.requester_name, "email": c.requester_email},
                    "received": c.received.isoformat(),
                    "due": c.due.isoformat() if c.due else None,
                    "days_left": (c.due - today).days if c.due and c.is_open else None,
                    "clock_state": c.clock_state,
                    "assignee": c.assignee,
                }
                for c in rows
            ]
        )
        return
    if not rows:
        click.echo("No cases match.")
        return
    for c in rows:
        due = fmt(c.due) if c.due else "clock not started"
        left = relative_days((c.due - today).days) if c.due and c.is_open else ""
        click.echo(f"{c.ref}  {c.status:<22}  due {due:<16} {left:<16} {clean(c.requester_name)}")


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
