"""Properties of the deadline engine (hypothesis), over uk-gdpr and eu-gdpr and several holiday calendars."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from dpo_tui.domain.clock import ClockEvent, ClockEventKind as K, Deadline, compute_deadline
from dpo_tui.domain.regimes import Regime
from dpo_tui.loaders import load_regimes
from dpo_tui.domain.workdays import WorkCalendar

REGIMES = load_regimes()
CALENDARS = [WorkCalendar(c, s) for c, s in [("GB", "ENG"), ("GB", "SCT"), ("GB", "NIR"), ("IE", None), ("DE", "BY")]]

regimes = st.sampled_from([REGIMES["uk-gdpr"], REGIMES["eu-gdpr"]])
calendars = st.sampled_from(CALENDARS)
days = st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 12, 31))
offsets = st.integers(min_value=0, max_value=40)
fast = settings(max_examples=150, deadline=None)


def compute(regime: Regime, calendar: WorkCalendar, received: date, *extra: ClockEvent) -> Deadline:
    return compute_deadline(regime, calendar, [ClockEvent(K.RECEIVED, received), *extra])


@fast
@given(regimes, calendars, days, offsets)
def test_due_dates_are_working_days_and_after_clock_start(
    regime: Regime, calendar: WorkCalendar, received: date, id_after: int
) -> None:
    restart = ClockEvent(K.ID_RECEIVED, received + timedelta(days=id_after))
    d = compute(regime, calendar, received, restart)
    assert d.due is not None and d.extended_due is not None and d.clock_start is not None
    assert calendar.is_working_day(d.due) and calendar.is_working_day(d.extended_due)
    assert d.clock_start <= d.due and d.received <= d.due
    assert d.due <= d.extended_due


@fast
@given(regimes, calendars, days, st.integers(min_value=1, max_value=60))
def test_later_receipt_never_gives_an_earlier_due_date(
    regime: Regime, calendar: WorkCalendar, received: date, later: int
) -> None:
    a = compute(regime, calendar, received)
    b = compute(regime, calendar, received + timedelta(days=later))
    assert a.due <= b.due and a.extended_due <= b.extended_due  # type: ignore[operator]


@fast
@given(calendars, days, offsets, st.integers(min_value=0, max_value=30))
def test_paused_days_never_give_an_earlier_date(
    calendar: WorkCalendar, received: date, ask_after: int, answer_after: int
) -> None:
    uk = REGIMES["uk-gdpr"]
    asked = received + timedelta(days=ask_after)
    answered = asked + timedelta(days=answer_after)
    pause = [ClockEvent(K.CLARIFICATION_ASKED, asked), ClockEvent(K.CLARIFICATION_ANSWERED, answered)]
    plain, paused = compute(uk, calendar, received), compute(uk, calendar, received, *pause)
    # A question asked after the due date pauses nothing (issue 15: a period that has ended cannot be paused).
    assert paused.paused_days == (answer_after + 1 if asked <= plain.due else 0)  # type: ignore[operator]
    assert plain.due <= paused.due  # type: ignore[operator]
    assert plain.extension_notice_by <= paused.extension_notice_by  # type: ignore[operator]
    assert plain.extended_due <= paused.extended_due  # type: ignore[operator]
    assert calendar.is_working_day(paused.due)  # type: ignore[arg-type]


@fast
@given(days, st.integers(min_value=1, max_value=120))
def test_ccpa_45_and_90_days_and_acknowledgement_on_a_working_day(received: date, later: int) -> None:
    ccpa, cal = REGIMES["ccpa"], WorkCalendar("US", "CA")
    d = compute(ccpa, cal, received)
    assert d.due == received + timedelta(days=45) and d.extended_due == received + timedelta(days=90)
    assert d.acknowledge_by is not None and cal.is_working_day(d.acknowledge_by) and d.acknowledge_by > received
    assert compute(ccpa, cal, received + timedelta(days=later)).due > d.due  # type: ignore[operator]
