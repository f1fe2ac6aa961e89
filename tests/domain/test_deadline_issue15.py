"""Issue 15, deadlines: pauses after the deadline, one deadline per right, late ID, checked against an independent
computation (the `holidays` package and calendar arithmetic, not the engine's own helpers)."""

from __future__ import annotations

import calendar as pycal
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings, strategies as st

from dpo_tui.domain.clock import ClockEvent, ClockEventKind as K, ClockState, Deadline, compute_deadline
from dpo_tui.loaders import load_regimes
from dpo_tui.domain.workdays import WorkCalendar

REGIMES = load_regimes()
UK = REGIMES["uk-gdpr"]
ENG = WorkCalendar("GB", "ENG")
SCT = WorkCalendar("GB", "SCT")


def uk(received: date, *events: ClockEvent, cal: WorkCalendar = ENG, rights: tuple[str, ...] = ("access",)) -> Deadline:
    return compute_deadline(UK, cal, [ClockEvent(K.RECEIVED, received), *events], rights=rights)


def pause(asked: date, answered: date) -> tuple[ClockEvent, ClockEvent]:
    return ClockEvent(K.CLARIFICATION_ASKED, asked), ClockEvent(K.CLARIFICATION_ANSWERED, answered)


# --- the issue's examples, verbatim --------------------------------------------------------------------------------


def test_issue_question_after_the_deadline_does_not_revive_it() -> None:
    # "received 27 Jun 2025 (due 28 Jul); question on 26 Aug, answer 5 Sep; the tool moves the due date to 7 Aug"
    d = uk(date(2025, 6, 27), *pause(date(2025, 8, 26), date(2025, 9, 5)))
    assert d.due == date(2025, 7, 28) and d.paused_days == 0
    assert d.days_left(date(2025, 9, 6)) is not None and d.days_left(date(2025, 9, 6)) < 0  # still overdue
    assert any("after the due date Mon 28 Jul 2025" in line and "cannot be paused" in line for line in d.explanation)


def test_issue_open_question_after_the_deadline_does_not_stop_the_clock() -> None:
    d = uk(date(2025, 6, 27), ClockEvent(K.CLARIFICATION_ASKED, date(2025, 8, 26)))
    assert d.state is ClockState.RUNNING and d.due == date(2025, 7, 28)
    assert d.days_left(date(2025, 9, 1)) == -35


def test_issue_erasure_keeps_its_own_date_when_access_is_clarified() -> None:
    # "an access + erasure request with a clarification on the access part pauses the erasure part too
    #  (erasure due 2 Apr shown as 20 Apr)"
    d = uk(date(2026, 3, 2), *pause(date(2026, 3, 5), date(2026, 3, 22)), rights=("access", "erasure"))
    assert d.for_right("erasure").due == date(2026, 4, 2)
    assert d.for_right("access").due == date(2026, 4, 20) and d.for_right("access").paused_days == 18
    assert d.due == date(2026, 4, 2)  # the case's headline: the earliest
    assert [r.right for r in d.per_right] == ["access", "erasure"]
    assert "  access: due Mon 20 Apr 2026 (18 paused days)" in d.explanation
    assert "  erasure: due Thu 2 Apr 2026" in d.explanation


def test_issue_late_id_restarts_but_keeps_the_lapse() -> None:
    # "received 5 Jan, ID asked 20 Feb, received 25 Feb, new due 25 Mar"
    d = uk(date(2026, 1, 5), ClockEvent(K.ID_REQUESTED, date(2026, 2, 20)), ClockEvent(K.ID_RECEIVED, date(2026, 2, 25)))
    assert d.due == date(2026, 3, 25)
    assert d.lapsed_due == date(2026, 2, 5) and d.late_request == date(2026, 2, 20)
    assert any("lapsed on Thu 5 Feb 2026" in line for line in d.explanation)


def test_prompt_id_request_is_not_a_lapse() -> None:
    d = uk(date(2026, 1, 5), ClockEvent(K.ID_REQUESTED, date(2026, 2, 5)), ClockEvent(K.ID_RECEIVED, date(2026, 2, 9)))
    assert d.lapsed_due is None and d.due == date(2026, 3, 9)


def test_late_id_while_still_awaiting_shows_the_lapse() -> None:
    d = uk(date(2026, 1, 5), ClockEvent(K.ID_REQUESTED, date(2026, 2, 20)))
    assert d.state is ClockState.NOT_STARTED and d.lapsed_due == date(2026, 2, 5)


def test_question_on_the_due_date_itself_still_pauses() -> None:
    d = uk(date(2025, 6, 27), *pause(date(2025, 7, 28), date(2025, 7, 30)))
    assert d.paused_days == 3 and d.due == date(2025, 7, 30)  # 27 Jul + 3 = 30 Jul (Wed)


def test_pause_during_a_notified_extension_moves_the_extended_date() -> None:
    told = ClockEvent(K.EXTENDED, date(2026, 3, 20), "complex")
    d = uk(date(2026, 3, 2), told, *pause(date(2026, 5, 11), date(2026, 5, 15)))
    # un-extended 2 Apr has passed, but the extended period (2 Jun) runs: the 5 paused days move it.
    assert d.extended and d.paused_days == 5 and d.extended_due == date(2026, 6, 8)  # 2 Jun + 5 = 7 Jun (Sun) → 8 Jun


def test_pause_after_the_extended_date_does_not_count() -> None:
    told = ClockEvent(K.EXTENDED, date(2026, 3, 20), "complex")
    d = uk(date(2026, 3, 2), told, *pause(date(2026, 6, 3), date(2026, 6, 5)))
    assert d.paused_days == 0 and d.extended_due == date(2026, 6, 2)
    assert any("after the extended due date" in line for line in d.explanation)


def test_second_question_judged_against_the_date_moved_by_the_first() -> None:
    # first pause moves 28 Jul 2025 to 7 Aug; a question on 5 Aug is inside that period and counts too
    d = uk(date(2025, 6, 27), *pause(date(2025, 7, 20), date(2025, 7, 30)), *pause(date(2025, 8, 5), date(2025, 8, 6)))
    assert d.paused_days == 13 and d.due == date(2025, 8, 11)  # 27 Jul + 13 = 9 Aug (Sat) → Mon 11 Aug


# --- an independent computation ------------------------------------------------------------------------------------


def _add_months(d: date, n: int) -> date:
    y, m0 = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m0 + 1
    return date(year, month, min(d.day, pycal.monthrange(year, month)[1]))


def _roll(d: date, hol: holidays.HolidayBase) -> date:
    while d.weekday() >= 5 or d in hol:
        d += timedelta(days=1)
    return d


def oracle(received: date, pauses: list[tuple[date, date]], told: date | None, subdiv: str) -> tuple[date, date, int]:
    """(due, extended due, paused days) by rights-requests.md 2.1 rules 2-7 read literally."""
    hol = holidays.country_holidays("GB", subdiv=subdiv)
    paused = 0
    for asked, answered in sorted(pauses):
        due_now = _roll(_add_months(received, 1) + timedelta(days=paused), hol)
        end = due_now
        if told is not None and told <= due_now:
            end = _roll(_add_months(received, 3) + timedelta(days=paused), hol)
        if asked > end:
            continue
        paused += (answered - asked).days + 1
    due = _roll(_add_months(received, 1) + timedelta(days=paused), hol)
    ext = _roll(_add_months(received, 3) + timedelta(days=paused), hol)
    return due, ext, paused


def _vectors() -> list[tuple[date, int, int, int | None, str]]:
    out = []
    for i, received in enumerate(date(2025, 1, 3) + timedelta(days=17 * k) for k in range(44)):
        for ask_offset in (-5, 0, 1, 3, 20, 40, 70):  # relative to the plain due date
            for length in (0, 4, 12):
                told = 10 if (i + ask_offset) % 3 == 0 else None
                out.append((received, ask_offset, length, told, ("ENG", "SCT", "NIR")[i % 3]))
    return out


VECTORS = _vectors()


def test_vector_count() -> None:
    assert len(VECTORS) >= 900


@pytest.mark.parametrize(("received", "ask_offset", "length", "told_after", "subdiv"), VECTORS[::1])
def test_engine_agrees_with_the_independent_computation(
    received: date, ask_offset: int, length: int, told_after: int | None, subdiv: str
) -> None:
    cal = WorkCalendar("GB", subdiv)
    plain_due = _roll(_add_months(received, 1), holidays.country_holidays("GB", subdiv=subdiv))
    asked = max(received, plain_due + timedelta(days=ask_offset))
    answered = asked + timedelta(days=length)
    told = received + timedelta(days=told_after) if told_after is not None else None
    events = [*pause(asked, answered)]
    if told is not None:
        events.append(ClockEvent(K.EXTENDED, told, "complex"))
    d = uk(received, *events, cal=cal)
    due, ext, paused = oracle(received, [(asked, answered)], told, subdiv)
    assert (d.due, d.extended_due, d.paused_days) == (due, ext, paused)


# --- properties ----------------------------------------------------------------------------------------------------

fast = settings(max_examples=120, deadline=None)
days = st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31))
cals = st.sampled_from([ENG, SCT, WorkCalendar("GB", "NIR")])


@fast
@given(cals, days, st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=30))
def test_a_question_after_the_due_date_never_moves_any_date(cal: WorkCalendar, received: date, after: int, n: int) -> None:
    plain = uk(received, cal=cal)
    assert plain.due is not None
    asked = plain.due + timedelta(days=after)
    d = uk(received, *pause(asked, asked + timedelta(days=n)), cal=cal)
    assert (d.due, d.extended_due, d.extension_notice_by, d.paused_days) == (
        plain.due, plain.extended_due, plain.extension_notice_by, 0,
    )  # fmt: skip


@fast
@given(
    cals, days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30),
    st.lists(st.sampled_from(["erasure", "rectification", "objection", "portability"]), min_size=1, unique=True),
)  # fmt: skip
def test_only_access_is_paused_and_the_headline_is_the_earliest(
    cal: WorkCalendar, received: date, ask: int, n: int, others: list[str]
) -> None:
    asked = received + timedelta(days=ask)
    rights = ("access", *others)
    d = uk(received, *pause(asked, asked + timedelta(days=n)), cal=cal, rights=rights)
    plain = uk(received, cal=cal, rights=tuple(others))
    for r in others:
        assert d.for_right(r).due == plain.due and d.for_right(r).paused_days == 0
    dues = [rd.deadline.effective_due for rd in d.per_right]
    assert d.effective_due == min(dues)  # type: ignore[type-var]
    assert d.for_right("access").effective_due >= d.effective_due  # type: ignore[operator]


@fast
@given(cals, days, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=20))
def test_late_id_keeps_the_lapse_and_restarts_from_the_answer(
    cal: WorkCalendar, received: date, asked_after: int, answer_after: int
) -> None:
    asked = received + timedelta(days=asked_after)
    got = asked + timedelta(days=answer_after)
    plain = uk(received, cal=cal)
    d = uk(received, ClockEvent(K.ID_REQUESTED, asked), ClockEvent(K.ID_RECEIVED, got), cal=cal)
    assert d.clock_start == got
    if asked > plain.due:  # type: ignore[operator]
        assert d.lapsed_due == plain.due and d.late_request == asked
    else:
        assert d.lapsed_due is None
