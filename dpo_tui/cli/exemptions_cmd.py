"""`dpo-tui exemption`: the per-case exemption log from the shell (issue 15)."""

from __future__ import annotations

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework
from dpo_tui.domain.dates import parse_date
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.text import clean


@click.group("exemption")
def exemption() -> None:
    """The exemption log of a case: items withheld or redacted, the exemption relied on, the reasoning."""


@exemption.command("list")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@clean_errors
def list_(ctx: click.Context, ref: str, as_json: bool) -> None:
    """The case's log, then the exemptions its regime offers."""
    from dpo_tui.domain.exemptions import exemptions_for

    work = open_casework(ctx)
    detail = work.get(ref, with_events=False)
    log = DecisionRecord.from_json(detail.decision).exemptions
    offered = exemptions_for(detail.regime)
    if as_json:
        emit_json({"ref": detail.ref, "regime": detail.regime, "log": [e.to_json() for e in log],
                   "available": [{"key": e.key, "citation": e.citation, "label": e.label, "ncnd": e.ncnd,
                                  "needs_law": e.needs_law} for e in offered]})  # fmt: skip
        return
    click.echo(f"{detail.ref} [{detail.regime}]: {len(log)} exemption log entr{'y' if len(log) == 1 else 'ies'}")
    for e in log:
        ncnd = ", neither confirm nor deny" if e.ncnd else ""
        click.echo(f"  {e.id}. {clean(e.item)} ({e.action}) under {clean(e.citation)}{ncnd}: {clean(e.reasoning)}")
    click.echo("Available under this regime:")
    for e in offered:
        extra = " (may neither confirm nor deny)" if e.ncnd else ""
        click.echo(f"  {e.key:<24} {e.citation}: {e.label}{extra}")


@exemption.command("add")
@click.argument("ref")
@click.option("--item", required=True, help="What is withheld or redacted.")
@click.option("--action", type=click.Choice(["withheld", "redacted"]), default="withheld", show_default=True)
@click.option("--exemption", "key", required=True, help="An exemption key (see `dpo-tui exemption list REF`).")
@click.option("--reasoning", required=True, help="Why the exemption applies to this item.")
@click.option("--law", default="", help="The law and provision relied on, where the exemption needs it (EU Art 23).")
@click.option("--ncnd", is_flag=True, help="Neither confirm nor deny that such data is held (where allowed).")
@click.option("--on", "on_s", default=None, metavar="DATE", help="Date of the decision (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@click.pass_context
@clean_errors
def add(ctx: click.Context, ref: str, item: str, action: str, key: str, reasoning: str, law: str, ncnd: bool,
        on_s: str | None, as_json: bool) -> None:  # fmt: skip
    """Log an item withheld or redacted under an exemption."""
    from dpo_tui.services.case_json import case_to_json
    from dpo_tui.services.decisions import add_exemption

    work = open_casework(ctx)
    on = parse_date(on_s, "--on") if on_s else work.today()
    detail = work.get(ref, with_events=False)
    detail = add_exemption(work, detail.ref, item=item, action=action, exemption=key, reasoning=reasoning, on=on,
                           law=law, ncnd=ncnd, version=detail.version)  # fmt: skip
    if as_json:
        emit_json(case_to_json(detail))
    else:
        entry = DecisionRecord.from_json(detail.decision).exemptions[-1]
        click.echo(f"{detail.ref}: exemption {entry.id} logged ({entry.citation})")


@exemption.command("remove")
@click.argument("ref")
@click.argument("entry_id", type=int)
@click.option("--reason", required=True, help="Why the exemption no longer applies.")
@click.pass_context
@clean_errors
def remove(ctx: click.Context, ref: str, entry_id: int, reason: str) -> None:
    """Take an entry out of the log (the audit trail keeps it)."""
    from dpo_tui.services.decisions import remove_exemption

    work = open_casework(ctx)
    detail = work.get(ref, with_events=False)
    remove_exemption(work, detail.ref, entry_id=entry_id, reason=reason, version=detail.version)
    click.echo(f"{detail.ref}: exemption {entry_id} removed")
