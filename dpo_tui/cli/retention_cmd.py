"""`retention`, `hold`, `undo`, `person`: the case database's own data protection (issue 20).

Exit status: 0 done (or nothing to do), 1 an error or a refusal (one line on stderr, nothing changed), 2 a usage error.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework
from dpo_tui.domain.dates import parse_date


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise click.ClickException(f"{question.rstrip('?')}: confirm with --yes when not at a terminal; nothing was changed")
    if not click.confirm(question, default=False, err=True):
        raise click.ClickException("cancelled; nothing was changed")


@click.command(epilog="Exit status: 0 listed or applied, 1 an error (nothing changed for the case that failed).")
@click.option("--apply", "do_apply", is_flag=True, help="Purge or anonymise (policy) the cases listed as due, after a confirmation.")
@click.option("--yes", is_flag=True, help="With --apply: do not ask (for scripts).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="List what will be due on that date (not with --apply).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan (or what was done) as JSON.")
@click.pass_context
@clean_errors
def retention(ctx: click.Context, do_apply: bool, yes: bool, as_of: str | None, as_json: bool) -> None:
    """Closed cases past their retention period, what legal holds block, and (--apply) their removal.

    Policy: [policy] retention_years (default 2) after closure, [policy.retention_by_right] per right (a case keeps
    the longest of its rights'), retention_action "anonymise" (default) or "purge". Each case is one transaction;
    its audit events keep their digests, so `audit verify` still passes and counts the purge."""
    from dpo_tui.domain.dates import fmt
    from dpo_tui.domain.retention_actions import ACTIONS
    from dpo_tui.services import retention as ret
    from dpo_tui.text import clean

    work = open_casework(ctx)
    today = work.today()
    if as_of is not None:
        if do_apply:
            raise click.ClickException("--as-of only lists; --apply always uses today")
        today = parse_date(as_of, "--as-of")
    plan = ret.plan(work, today=today)
    if not do_apply:
        if as_json:
            emit_json(plan.to_json())
            return
        click.echo(clean(_plan_text(plan, fmt)), nl=False)
        return
    if not plan.due:
        if as_json:
            emit_json({"schema": "dpo-tui/retention-applied/1", "action": plan.action, "cases": []})
        else:
            click.echo("nothing is past its retention period" + (f" ({len(plan.blocked)} held)" if plan.blocked else ""))
        return
    if not as_json:
        click.echo(clean(_plan_text(plan, fmt)), nl=False, err=True)
    _confirm(f"{plan.action} {len(plan.due)} case{'s' * (len(plan.due) != 1)} ({ACTIONS[plan.action]})?", yes)
    results = ret.apply(work, today=today)
    if as_json:
        emit_json(
            {
                "schema": "dpo-tui/retention-applied/1",
                "action": plan.action,
                "cases": [
                    {"ref": r.ref, "events_purged": r.events_purged, "files": r.files, "skipped": r.skipped} for r in results
                ],
            }
        )
        return
    done = [r for r in results if not r.skipped]
    for r in results:
        click.echo(f"{r.ref}: " + (f"kept ({r.skipped})" if r.skipped else f"{r.action}d, {r.events_purged} events purged, {r.files} files"))
    click.echo(f"{len(done)} case{'s' * (len(done) != 1)} {plan.action}d; `dpo-tui audit verify` checks the trail")


def _plan_text(plan: Any, fmt: Any) -> str:
    lines = [f"Retention on {fmt(plan.today)}: {plan.action} ({len(plan.due)} due, {len(plan.blocked)} held)"]
    for item in plan.due:
        lines.append(f"  {item.ref}  {item.status:<10} {item.retention.explanation}")
    if plan.blocked:
        lines.append("Held (never purged while the hold lasts):")
        for item in plan.blocked:
            lines.append(f"  {item.ref}  {item.retention.explanation}; held by " + ", ".join(f"#{h}" for h in item.holds))
    if plan.holds:
        lines.append("Legal holds:")
        for h in plan.holds:
            blocks = ", ".join(h.blocking) if h.blocking else "nothing due yet"
            lines.append(f"  {h.describe(plan.today)}; covers {len(h.covers)} case{'s' * (len(h.covers) != 1)}; blocks {blocks}")
    return "\n".join(lines) + "\n"


@click.group()
def hold() -> None:
    """Legal holds: a case (or every case of a requester) kept from retention while a claim or complaint is open."""


@hold.command("place")
@click.argument("target", metavar="REF|EMAIL")
@click.option("--reason", required=True, help="Why (litigation, a complaint to the regulator, ...).")
@click.option("--review", "review", required=True, metavar="YYYY-MM-DD", help="When to review the hold.")
@click.pass_context
@clean_errors
def hold_place(ctx: click.Context, target: str, reason: str, review: str) -> None:
    """Hold a case (REF) or a requester across all their cases (EMAIL, including cases logged later)."""
    from dpo_tui.services.retention import place_hold
    from dpo_tui.text import clean_line

    work = open_casework(ctx)
    review_on = parse_date(review, "--review")
    if "@" in target:
        view = place_hold(work, email=target, reason=reason, review_on=review_on)
    else:
        view = place_hold(work, ref=target, reason=reason, review_on=review_on, version=work.version_of(target))
    click.echo(clean_line(f"{view.describe(work.today())}; covers {', '.join(view.covers)}"))


@hold.command("release")
@click.argument("hold_id", type=int, metavar="ID")
@click.option("--reason", required=True, help="Why the hold ends.")
@click.pass_context
@clean_errors
def hold_release(ctx: click.Context, hold_id: int, reason: str) -> None:
    """Release hold ID (from `dpo-tui hold list`), saying why."""
    from dpo_tui.services.retention import release_hold
    from dpo_tui.text import clean_line

    work = open_casework(ctx)
    view = release_hold(work, hold_id, reason)
    click.echo(clean_line(view.describe(work.today())))


@hold.command("list")
@click.option("--all", "include_released", is_flag=True, help="Released holds too.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@clean_errors
def hold_list(ctx: click.Context, include_released: bool, as_json: bool) -> None:
    """Active holds, with the cases each covers."""
    from dpo_tui.services.retention import list_holds
    from dpo_tui.text import clean_line

    work = open_casework(ctx)
    views = list_holds(work, include_released=include_released)
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    if not views:
        click.echo("no legal holds")
    for v in views:
        click.echo(clean_line(f"{v.describe(work.today())}; covers {', '.join(v.covers) or 'no case'}"))


@click.command(epilog="Exit status: 0 undone, 1 refused (the reason on stderr) or an error.")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask (for scripts).")
@click.option("--dry-run", is_flag=True, help="Only say what would be undone, or why it cannot be.")
@click.pass_context
@clean_errors
def undo(ctx: click.Context, ref: str, yes: bool, dry_run: bool) -> None:
    """Undo the last action on a case with a new, audited compensating action (history is never deleted).

    Refused, with the reason, for a letter sent, a purge, an action by someone else since, and anything the rules
    do not allow to reverse."""
    from dpo_tui.services import undo as undoing
    from dpo_tui.text import clean_line

    work = open_casework(ctx)
    plan = undoing.preview(work, ref)
    if not plan.possible:
        raise click.ClickException(plan.describe())
    if dry_run:
        click.echo(clean_line(plan.describe()))
        return
    _confirm(clean_line(f"{plan.ref}: {plan.describe()} (action of {plan.actor})?"), yes)
    undoing.undo(work, plan.ref, version=plan.version, seq=plan.seq)  # type: ignore[arg-type]
    click.echo(clean_line(f"{plan.ref}: {plan.describe()}"))


@click.command(epilog="Exit status: 0 listed (or erased as far as allowed), 1 an error.")
@click.argument("query", metavar="EMAIL|NAME")
@click.option("--json", "as_json", is_flag=True)
@click.option("--erase", is_flag=True, help="Apply erasure to the tool's own records, as retention and holds allow (asks first).")
@click.option("--yes", is_flag=True, help="With --erase: do not ask.")
@click.pass_context
@clean_errors
def person(ctx: click.Context, query: str, as_json: bool, erase: bool, yes: bool) -> None:
    """Everything in the case database that concerns a person: cases (as requester, agent or named), events, letters,
    notes, checklist records, attachments, intake items and holds."""
    from dpo_tui.services import person as people
    from dpo_tui.text import clean

    work = open_casework(ctx)
    report = people.find_person(work, query)
    if not erase:
        if as_json:
            emit_json(report.to_json())
        else:
            click.echo(clean(_person_text(report)), nl=False)
        return
    if not as_json:
        click.echo(clean(_person_text(report)), nl=False, err=True)
    _confirm("apply erasure to these records, as retention and legal holds allow?", yes)
    outcomes = people.erase(work, query)
    if as_json:
        emit_json({"schema": "dpo-tui/person-erasure/1", "outcomes": [o.__dict__ for o in outcomes]})
        return
    for o in outcomes:
        click.echo(clean(f"{o.ref or 'intake'}: {o.what}\n"), nl=False)
    if not outcomes:
        click.echo("nothing to erase: the person is not the requester of any case")


def _person_text(report: Any) -> str:
    n = len(report.cases)
    lines = [f"{n} case{'s' * (n != 1)} concern{'s' * (n == 1)} {report.query!r}" + (":" if n else "")]
    for c in report.cases:
        state = "purged" if c.purged else c.status.replace("_", " ")
        keep = f", kept until {c.retain_until.isoformat()}" if c.retain_until and not c.purged else ""
        lines.append(f"  {c.ref}  {state}{keep}: {', '.join(c.roles)}")
    kinds = [
        ("event", "audit events"), ("letter", "letters"), ("note", "notes"), ("attachment", "attachments"),
        ("checklist", "checklist records"), ("clock", "clock events"), ("follow_up", "follow-ups"),
        ("triage", "intake items"), ("hold", "legal holds"),
    ]  # fmt: skip
    for kind, title in kinds:
        found = report.of(kind)
        if not found:
            continue
        lines.append(f"{title} ({len(found)}):")
        for m in found:
            lines.append(f"  {m.ref or '-'}  {m.label} [{', '.join(m.fields)}]")
    return "\n".join(lines) + "\n"
