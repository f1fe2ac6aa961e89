"""`dpo-tui complaint` (complaints to the organisation, DPA 2018 s.164A) and `dpo-tui objection` (the Art 21(1)
balancing test): issue 15."""

from __future__ import annotations

import click

from dpo_tui.cli.common import clean_errors, emit_json, open_casework
from dpo_tui.domain.dates import parse_date
from dpo_tui.text import clean

CHANNELS = ["email", "web", "post", "phone", "in_person", "social"]


def _done(detail, as_json: bool, message: str) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.case_json import case_to_json

    if as_json:
        emit_json(case_to_json(detail))
    else:
        click.echo(message)


@click.group("complaint")
def complaint() -> None:
    """Complaints to us about how a request was handled (UK: DPA 2018 s.164A, acknowledge within 30 days)."""


@complaint.command("new")
@click.argument("about")
@click.option("--grounds", required=True, help="What the person complains about.")
@click.option("--received", "received_s", default=None, metavar="DATE", help="Day the complaint arrived (default: today).")
@click.option("--channel", type=click.Choice(CHANNELS), default="email", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the complaint case as JSON.")
@click.pass_context
@clean_errors
def new(ctx: click.Context, about: str, grounds: str, received_s: str | None, channel: str, as_json: bool) -> None:
    """Log a complaint about the request ABOUT; prints the complaint's reference and its acknowledgement date."""
    from dpo_tui.domain.dates import fmt
    from dpo_tui.services.complaints import log_complaint

    work = open_casework(ctx)
    received = parse_date(received_s, "--received") if received_s else work.today()
    detail = log_complaint(work, about, grounds=grounds, received=received, channel=channel)
    ack = detail.deadline.acknowledge_by
    _done(detail, as_json, f"{detail.ref}: complaint about {detail.about_ref}; acknowledge by {fmt(ack) if ack else '-'}")


@complaint.command("ack")
@click.argument("ref")
@click.option("--on", "on_s", default=None, metavar="DATE", help="Day it was acknowledged (default: today).")
@click.option("--how", type=click.Choice(CHANNELS), default="email", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@clean_errors
def ack(ctx: click.Context, ref: str, on_s: str | None, how: str, as_json: bool) -> None:
    """Record that the complaint was acknowledged (saving its acknowledgement letter does this too)."""
    from dpo_tui.services.complaints import acknowledge_complaint

    work = open_casework(ctx)
    on = parse_date(on_s, "--on") if on_s else work.today()
    detail = acknowledge_complaint(work, ref, on=on, how=how, version=work.version_of(ref))
    _done(detail, as_json, f"{detail.ref}: acknowledged {on.isoformat()}")


@complaint.command("outcome")
@click.argument("ref")
@click.option("--outcome", type=click.Choice(["upheld", "partly_upheld", "not_upheld"]), required=True)
@click.option("--findings", required=True, help="What the enquiries found.")
@click.option("--actions", default="", help="What was done to put it right (required when upheld in whole or part).")
@click.option("--on", "on_s", default=None, metavar="DATE", help="Day of the outcome (default: today).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@clean_errors
def outcome(ctx: click.Context, ref: str, outcome: str, findings: str, actions: str, on_s: str | None, as_json: bool) -> None:
    """Record the outcome and close the complaint; then send `dpo-tui letter REF complaint_outcome`."""
    from dpo_tui.services.complaints import record_complaint_outcome

    work = open_casework(ctx)
    on = parse_date(on_s, "--on") if on_s else work.today()
    detail = record_complaint_outcome(work, ref, outcome=outcome, findings=findings, actions=actions, on=on,
                                      version=work.version_of(ref))  # fmt: skip
    _done(detail, as_json, f"{detail.ref}: complaint {outcome.replace('_', ' ')}")


@complaint.command("list")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@clean_errors
def list_(ctx: click.Context, ref: str, as_json: bool) -> None:
    """The complaints about the request REF (or, for a complaint, the request it is about)."""
    work = open_casework(ctx)
    detail = work.get(ref, with_events=False)
    refs = list(detail.complaints)
    rows = []
    for r in refs:
        c = work.get(r, with_events=False)
        rec = (c.decision or {}).get("complaint") or {}
        rows.append({"ref": c.ref, "status": c.status, "received": c.received.isoformat(),
                     "acknowledge_by": rec.get("acknowledge_by"), "acknowledged_on": rec.get("acknowledged_on"),
                     "outcome": rec.get("outcome"), "grounds": rec.get("grounds")})  # fmt: skip
    if as_json:
        emit_json({"ref": detail.ref, "kind": detail.kind, "about": detail.about_ref, "complaints": rows})
        return
    if detail.kind == "complaint":
        click.echo(f"{detail.ref} is a complaint about {detail.about_ref}")
        return
    click.echo(f"{detail.ref}: {len(rows)} complaint{'s' * (len(rows) != 1)}")
    for r in rows:
        state = f"acknowledged {r['acknowledged_on']}" if r["acknowledged_on"] else f"acknowledge by {r['acknowledge_by']}"
        click.echo(f"  {r['ref']}  {r['status']:<12} received {r['received']}  {state}  {clean(r['grounds'] or '')}")


@click.group("objection")
def objection() -> None:
    """The Art 21(1) balancing test of an objection to processing other than direct marketing."""


@objection.command("balance")
@click.argument("ref")
@click.option("--situation", required=True, help="The person's particular situation, as they put it.")
@click.option("--outcome", type=click.Choice(["pending", "upheld", "overridden", "legal_claims"]), default="pending", show_default=True)
@click.option("--grounds", default="", help="Our compelling legitimate grounds (required for overridden / legal_claims).")
@click.option("--restrict/--no-restrict", default=False, help="Processing is restricted meanwhile (Art 18(1)(d)).")
@click.option("--on", "on_s", default=None, metavar="DATE", help="Date (default: today).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@clean_errors
def balance(ctx: click.Context, ref: str, situation: str, outcome: str, grounds: str, restrict: bool, on_s: str | None,
            as_json: bool) -> None:  # fmt: skip
    """Record or update the balancing test; the objection letter draws from it."""
    from dpo_tui.services.decisions import record_balancing_test

    work = open_casework(ctx)
    on = parse_date(on_s, "--on") if on_s else work.today()
    detail = record_balancing_test(work, ref, situation=situation, grounds=grounds, outcome=outcome,
                                   restriction=restrict, on=on, version=work.version_of(ref))  # fmt: skip
    b = detail.decision["objection"]["balancing"]
    _done(detail, as_json, f"{detail.ref}: balancing test {b['outcome_label']}" + (" (restricted meanwhile)" if b["restriction"] else ""))
