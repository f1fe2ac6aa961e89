"""`dpo-tui deadline`: the quick calculator for a DPO on the phone with a requester.

It imports only the pure domain (plus `holidays`): no Textual, no SQLAlchemy, so it answers in a blink.
"""

from __future__ import annotations

import json
from datetime import date

import click

from dpo_tui.domain.clock import ClockEvent, ClockEventKind, ClockState, Deadline, compute_deadline
from dpo_tui.domain.dates import fmt, parse_date, relative_days
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.regimes import RESTART_KINDS, Regime
from dpo_tui.loaders import get_regime, user_regimes_dir
from dpo_tui.domain.workdays import WorkCalendar


def _parse_date(value: str, what: str) -> date:
    return parse_date(value, what, example="2026-03-02")  # InvalidInput: one line, via the command's handler


def _parse_pause(value: str, received: date) -> tuple[date, date]:
    start_s, sep, end_s = value.partition(":")
    if not sep:
        raise click.ClickException(f"--paused {value!r}: use FROM:TO, e.g. 2026-03-10:2026-03-14")
    start, end = _parse_date(start_s, "--paused FROM"), _parse_date(end_s, "--paused TO")
    if end < start:
        raise click.ClickException(f"--paused {value}: the pause ends ({fmt(end)}) before it starts ({fmt(start)})")
    if start < received:
        raise click.ClickException(
            f"--paused {value}: the pause starts ({fmt(start)}) before the request was received ({fmt(received)})"
        )
    return start, end


def _calendar(regime: Regime, country: str | None, subdivision: str | None) -> WorkCalendar:
    if country is None and not regime.country:
        raise click.ClickException(
            f"--country: {regime.key} has no default holiday calendar; give the member state concerned, e.g. "
            "--country DE (its public holidays end the period: Regulation 1182/71 Art 3(4))"
        )
    if country is None:
        country = regime.country
        subdivision = subdivision or regime.subdivision
    elif subdivision is None and country.strip().upper() == regime.country:
        subdivision = regime.subdivision  # `--country GB` under uk-gdpr still means England and Wales
    return WorkCalendar(country, subdivision)


def _events(
    regime: Regime, received: date, clock_start: date | None, pauses: list[tuple[date, date]]
) -> list[ClockEvent]:
    events = [ClockEvent(ClockEventKind.RECEIVED, received)]
    if clock_start is not None:
        if clock_start < received:
            raise click.ClickException(
                f"--clock-start {clock_start.isoformat()} is before the request was received ({fmt(received)})"
            )
        kinds = [k for k in RESTART_KINDS if k in regime.restart_kinds]
        if not kinds:
            raise click.ClickException(
                f"--clock-start: under {regime.key} the clock runs from receipt; ID, authority or fee do not restart it"
            )
        # Which of ID / authority / fee arrived does not change the date; the explanation names the first. No
        # *_REQUESTED event: the calculator does not know when it was asked for, and the engine does not need it.
        events.append(ClockEvent(ClockEventKind(f"{kinds[0]}_received"), clock_start))
    if pauses:
        if "clarification" not in regime.stop_clock_on:
            raise click.ClickException(f"--paused: {regime.key} has no stop-the-clock for clarification")
        ordered = sorted(pauses)
        for (_, prev_end), (next_start, _) in zip(ordered, ordered[1:]):
            if next_start <= prev_end:
                raise click.ClickException(f"--paused: pauses overlap around {fmt(next_start)}")
        for start, end in ordered:
            events += [
                ClockEvent(ClockEventKind.CLARIFICATION_ASKED, start),
                ClockEvent(ClockEventKind.CLARIFICATION_ANSWERED, end),
            ]
    return events


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _headline(dl: Deadline, extended: bool, today: date) -> str:
    if dl.state is ClockState.NOT_STARTED:
        return "Clock not started"
    due = dl.extended_due if extended else dl.due
    assert due is not None
    label = "Due (extended)" if extended else "Due"
    return f"{label}: {fmt(due)} ({relative_days((due - today).days)})"


@click.command("deadline")
@click.argument("received", metavar="RECEIVED")
@click.option("--regime", "regime_key", default="uk-gdpr", show_default=True, help="uk-gdpr, eu-gdpr, ccpa, or yours.")
@click.option("--country", help="Holiday calendar country (ISO code); default: the regime's (eu-gdpr: none, required).")
@click.option("--subdivision", help="UK nation (ENG, SCT, NIR, WLS), German state, US state...")
@click.option("--clock-start", "clock_start_s", metavar="DATE", help="Day the ID / authority / fee arrived.")
@click.option("--paused", "paused_s", multiple=True, metavar="FROM:TO", help="Clarification stop, both days inclusive.")
@click.option("--rights", "rights_s", default="access", show_default=True,
              help="Rights of the request, comma-separated: each keeps its own date (stop-the-clock: access only).")
@click.option("--extended", is_flag=True, help="Show the extended due date as the headline.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (ISO dates) instead of text.")
def deadline(
    received: str,
    regime_key: str,
    country: str | None,
    subdivision: str | None,
    clock_start_s: str | None,
    paused_s: tuple[str, ...],
    rights_s: str,
    extended: bool,
    as_json: bool,
) -> None:
    """Compute the legal due date of a request RECEIVED on YYYY-MM-DD, and explain it step by step."""
    try:
        received_d = _parse_date(received, "RECEIVED")
        regime = get_regime(regime_key, user_regimes_dir())
        calendar = _calendar(regime, country, subdivision)
        clock_start = _parse_date(clock_start_s, "--clock-start") if clock_start_s else None
        pauses = [_parse_pause(p, received_d) for p in paused_s]
        if extended and not regime.has_extension:
            raise click.ClickException(f"--extended: {regime.key} has no extension")
        rights = [r.strip().lower().replace("-", "_") for r in rights_s.split(",") if r.strip()] or ["access"]
        dl = compute_deadline(regime, calendar, _events(regime, received_d, clock_start, pauses), rights=rights)
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from None

    if as_json:
        out = {
            "regime": dl.regime,
            "received": _iso(dl.received),
            "clock_start": _iso(dl.clock_start),
            "due": _iso(dl.due),
            "extension_notice_by": _iso(dl.extension_notice_by),
            "extended_due": _iso(dl.extended_due),
            "paused_days": dl.paused_days,
            "explanation": list(dl.explanation),
            # Beyond the keys issue 3 asks for:
            "calendar": calendar.code,
            "acknowledge_by": _iso(dl.acknowledge_by),
            "extended": extended,
            # issue 15: each right's own (effective) due date; "due" above is the earliest
            "per_right": {
                rd.right: _iso(rd.deadline.extended_due if extended else rd.deadline.due) for rd in dl.per_right
            },
            "lapsed_due": _iso(dl.lapsed_due),
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    click.echo(_headline(dl, extended, date.today()))
    for line in dl.explanation:
        click.echo(f"  {line}")
