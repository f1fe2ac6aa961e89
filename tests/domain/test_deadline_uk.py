"""uk-gdpr: the ICO examples of rights-requests.md 2.1 and our own vectors (checked against the holidays package)."""

from __future__ import annotations

from datetime import date

import pytest

from dpo_tui.domain.clock import ClockEvent, ClockEventKind as K, ClockState, Deadline, check_extension, compute_deadline
from dpo_tui.domain.errors import ExtensionRefused, InvalidInput
from dpo_tui.loaders import load_regimes
from dpo_tui.domain.workdays import WorkCalendar

UK = load_regimes()["uk-gdpr"]
ENG, SCT, NIR = WorkCalendar("GB", "ENG"), WorkCalendar("GB", "SCT"), WorkCalendar("GB", "NIR")


def uk(received: date, *events: ClockEvent, cal: WorkCalendar = ENG, **kw: object) -> Deadline:
    return compute_deadline(UK, cal, [ClockEvent(K.RECEIVED, received), *events], **kw)  # type: ignore[arg-type]


def ev(kind: K, on: date, reason: str | None = None) -> ClockEvent:
    return ClockEvent(kind, on, reason)


# --- ICO examples (rights-requests.md 2.1) -------------------------------------------------------------------------


def test_ico_25_nov_2019_christmas_and_boxing_day() -> None:
    d = uk(date(2019, 11, 25))
    assert d.due == date(2019, 12, 27)
    assert (
        "received Mon 25 Nov 2019 → one month → 25 Dec 2019 → Christmas Day (bank holiday), "
        "Boxing Day (bank holiday) → Fri 27 Dec 2019"
    ) in d.explanation


def test_ico_3_sep_to_3_oct() -> None:
    assert uk(date(2019, 9, 3)).due == date(2019, 10, 3)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2019, 1, 31), date(2019, 2, 28)),  # Thursday: stays
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year: 29th, a Thursday
        (date(2020, 1, 31), date(2020, 3, 2)),  # 29 Feb 2020 is a Saturday → Monday
    ],
)
def test_ico_31_jan_to_end_of_february(received: date, due: date) -> None:
    assert uk(received).due == due


def test_ico_1_jan_bank_holiday_counts_as_day_one() -> None:
    d = uk(date(2019, 1, 1))
    assert d.due == date(2019, 2, 1)
    assert d.clock_start == date(2019, 1, 1)


def test_explanation_format_of_rights_requests_2_5() -> None:
    d = uk(date(2026, 1, 31))
    assert d.due == date(2026, 3, 2)
    assert "received Sat 31 Jan 2026 → one month → 28 Feb 2026 (February has no 31st) → Saturday → Mon 2 Mar 2026" in (
        d.explanation
    )


# --- own vectors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 31), date(2026, 4, 30)),  # April has no 31st
        (date(2026, 5, 31), date(2026, 6, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 1, 30), date(2026, 3, 2)),  # 28 Feb (Sat) → Mon 2 Mar
        (date(2026, 12, 31), date(2027, 2, 1)),  # 31 Jan 2027 is a Sunday
    ],
)
def test_month_end_clamping(received: date, due: date) -> None:
    assert uk(received).due == due


def test_leap_year_31_jan_2028_to_tue_29_feb() -> None:
    d = uk(date(2028, 1, 31))
    assert d.due == date(2028, 2, 29)
    assert any("Tue 29 Feb 2028 (February has no 31st)" in line for line in d.explanation)


def test_29_feb_leap_day_receipt() -> None:
    assert uk(date(2028, 2, 29)).due == date(2028, 3, 29)


@pytest.mark.parametrize(
    ("received", "cal", "due"),
    [
        # Scotland: 2 January. 2 Jan 2026 is a Friday holiday there only.
        (date(2025, 12, 2), SCT, date(2026, 1, 5)),
        (date(2025, 12, 2), ENG, date(2026, 1, 2)),
        # Scotland: St Andrew's Day, 30 Nov 2026 is a Monday.
        (date(2026, 10, 30), SCT, date(2026, 12, 1)),
        (date(2026, 10, 30), ENG, date(2026, 11, 30)),
        # St Andrew's Day 2025 is a Sunday: substitute Monday 1 Dec in Scotland.
        (date(2025, 10, 30), SCT, date(2025, 12, 2)),
        # Northern Ireland: St Patrick's Day (Tue 17 Mar 2026) and the Twelfth (Mon 12 Jul 2027).
        (date(2026, 2, 17), NIR, date(2026, 3, 18)),
        (date(2026, 2, 17), ENG, date(2026, 3, 17)),
        (date(2027, 6, 12), NIR, date(2027, 7, 13)),
        (date(2027, 6, 12), ENG, date(2027, 7, 12)),
        # The Twelfth 2026 is a Sunday: substitute Monday 13 Jul in NIR.
        (date(2026, 6, 12), NIR, date(2026, 7, 14)),
    ],
)
def test_each_uk_nation_has_its_own_holidays(received: date, cal: WorkCalendar, due: date) -> None:
    assert uk(received, cal=cal).due == due


def test_wales_follows_england() -> None:
    wls = WorkCalendar("GB", "WLS")
    for received in (date(2019, 11, 25), date(2025, 12, 2), date(2026, 2, 17)):
        assert uk(received, cal=wls).due == uk(received, cal=ENG).due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Christmas on Saturday (2021, 2027): substitute Monday and Tuesday → Wednesday 29th.
        (date(2021, 11, 25), date(2021, 12, 29)),
        (date(2027, 11, 25), date(2027, 12, 29)),
        # Christmas on Sunday 2022: Boxing Day Monday, substitute Christmas Tuesday 27th → Wednesday 28th.
        (date(2022, 11, 25), date(2022, 12, 28)),
        # New Year's Day Saturday 2022: substitute Monday 3 Jan.
        (date(2021, 12, 1), date(2022, 1, 4)),
    ],
)
def test_substitute_bank_holidays_at_christmas(received: date, due: date) -> None:
    assert uk(received).due == due


def test_substitute_holiday_explained() -> None:
    d = uk(date(2021, 11, 25))
    assert any(
        "25 Dec 2021 → Saturday (Christmas Day), Sunday (Boxing Day), Christmas Day (substitute bank holiday), "
        "Boxing Day (substitute bank holiday) → Wed 29 Dec 2021" in line
        for line in d.explanation
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 3), date(2026, 4, 7)),  # Good Friday 3 Apr → weekend → Easter Monday → Tue 7 Apr
        (date(2026, 3, 6), date(2026, 4, 7)),  # Easter Monday 6 Apr
        (date(2027, 2, 26), date(2027, 3, 30)),  # Good Friday 26 Mar 2027
    ],
)
def test_easter(received: date, due: date) -> None:
    assert uk(received).due == due


def test_easter_monday_is_not_a_holiday_in_scotland() -> None:
    assert uk(date(2026, 3, 6), cal=SCT).due == date(2026, 4, 6)


# --- extension -----------------------------------------------------------------------------------------------------


def test_extension_from_month_end_is_three_months_from_clock_start() -> None:
    d = uk(date(2026, 1, 31))
    # Three months from 31 Jan (30 Apr), not the rolled due (2 Mar) + 2 months (2 May).
    assert d.extended_due == date(2026, 4, 30)
    assert d.extension_notice_by == d.due == date(2026, 3, 2)
    assert not d.extended and d.effective_due == d.due
    assert any("three months → Thu 30 Apr 2026 (April has no 31st)" in line for line in d.explanation)


def test_extension_applied_when_told_in_time() -> None:
    d = uk(date(2026, 1, 31), ev(K.EXTENDED, date(2026, 3, 2), "several_requests"))
    assert d.extended and d.extension_reason == "several_requests"
    assert d.effective_due == date(2026, 4, 30)
    assert d.days_left(date(2026, 4, 28)) == 2


def test_extension_recorded_too_late_is_not_applied_and_said_so() -> None:
    d = uk(date(2026, 1, 31), ev(K.EXTENDED, date(2026, 3, 3), "complex"))
    assert not d.extended
    assert any("not applied" in line and "too late" in line for line in d.explanation)


def test_check_extension_refusals() -> None:
    d = uk(date(2026, 1, 31))
    check_extension(d, date(2026, 3, 2), "complex")  # the last day of the month is still in time
    with pytest.raises(ExtensionRefused, match="Too late.*Mon 2 Mar 2026"):
        check_extension(d, date(2026, 3, 3), "complex")
    with pytest.raises(ExtensionRefused, match="reason"):
        check_extension(d, date(2026, 2, 10), "busy")
    extended = uk(date(2026, 1, 31), ev(K.EXTENDED, date(2026, 2, 10), "complex"))
    with pytest.raises(ExtensionRefused, match="already extended"):
        check_extension(extended, date(2026, 2, 11), "complex")
    waiting = uk(date(2026, 1, 31), ev(K.ID_REQUESTED, date(2026, 2, 1)))
    with pytest.raises(ExtensionRefused, match="not started"):
        check_extension(waiting, date(2026, 2, 2), "complex")
    ccpa_like = load_regimes()["ccpa"]
    no_ext = compute_deadline(
        ccpa_like.__class__(**{**ccpa_like.__dict__, "extension": 0}),
        WorkCalendar("US", "CA"),
        [ClockEvent(K.RECEIVED, date(2026, 3, 2))],
    )
    assert no_ext.extended_due is None
    with pytest.raises(ExtensionRefused, match="no extension"):
        check_extension(no_ext, date(2026, 3, 3), "complex")


# --- restart after ID / authority / fee ----------------------------------------------------------------------------


def test_not_started_while_awaiting_id() -> None:
    d = uk(date(2026, 3, 2), ev(K.ID_REQUESTED, date(2026, 3, 2)))
    assert d.state is ClockState.NOT_STARTED
    assert d.clock_start is None and d.due is None and d.extended_due is None and d.days_left(date(2026, 3, 9)) is None
    assert "clock not started: awaiting ID since Mon 2 Mar 2026" in d.explanation


def test_restart_after_id_runs_from_the_day_it_arrived() -> None:
    d = uk(date(2026, 3, 2), ev(K.ID_REQUESTED, date(2026, 3, 3)), ev(K.ID_RECEIVED, date(2026, 3, 12)))
    assert d.state is ClockState.RUNNING
    assert d.clock_start == date(2026, 3, 12)
    assert d.due == date(2026, 4, 13)  # 12 Apr 2026 is a Sunday
    assert d.extended_due == date(2026, 6, 12)
    assert any(line.startswith("clock start Thu 12 Mar 2026 (ID received) → one month") for line in d.explanation)


def test_latest_restart_wins_and_a_second_id_round_waits_again() -> None:
    events = [
        ev(K.FEE_REQUESTED, date(2026, 3, 3)),
        ev(K.FEE_RECEIVED, date(2026, 3, 20)),
        ev(K.AUTHORITY_REQUESTED, date(2026, 3, 3)),
        ev(K.AUTHORITY_RECEIVED, date(2026, 3, 10)),
    ]
    assert uk(date(2026, 3, 2), *events).clock_start == date(2026, 3, 20)
    again = uk(date(2026, 3, 2), *events, ev(K.ID_REQUESTED, date(2026, 3, 4)), ev(K.ID_RECEIVED, date(2026, 3, 6)),
               ev(K.ID_REQUESTED, date(2026, 3, 9)))  # fmt: skip
    assert again.state is ClockState.NOT_STARTED


def test_events_in_any_order_same_result() -> None:
    events = [ev(K.ID_RECEIVED, date(2026, 3, 12)), ev(K.ID_REQUESTED, date(2026, 3, 3))]
    assert uk(date(2026, 3, 2), *events) == uk(date(2026, 3, 2), *reversed(events))


# --- stop the clock ------------------------------------------------------------------------------------------------


def test_stop_the_clock_spanning_a_month_boundary() -> None:
    # Asked Fri 27 Mar, answered Thu 2 Apr 2026: 7 days paused, both days count.
    d = uk(date(2026, 3, 2), ev(K.CLARIFICATION_ASKED, date(2026, 3, 27)), ev(K.CLARIFICATION_ANSWERED, date(2026, 4, 2)))
    assert d.paused_days == 7
    # unrolled 2 Apr + 7 = 9 Apr (Thu); no roll needed.
    assert d.due == d.extension_notice_by == date(2026, 4, 9)
    assert d.extended_due == date(2026, 6, 9)  # 2 Jun + 7
    assert any("→ 2 Apr 2026 → + 7 paused days → Thu 9 Apr 2026" in line for line in d.explanation)


def test_pause_added_to_the_unrolled_date_then_rolled() -> None:
    # 31 Jan 2026 → 28 Feb (unrolled, a Saturday) + 1 paused day = Sun 1 Mar → Mon 2 Mar.
    # Adding to the rolled date (2 Mar + 1 = 3 Mar) would be wrong.
    d = uk(date(2026, 1, 31), ev(K.CLARIFICATION_ASKED, date(2026, 2, 5)), ev(K.CLARIFICATION_ANSWERED, date(2026, 2, 5)))
    assert d.paused_days == 1
    assert d.due == date(2026, 3, 2)


def test_stop_the_clock_only_for_access_requests() -> None:
    events = (ev(K.CLARIFICATION_ASKED, date(2026, 3, 10)), ev(K.CLARIFICATION_ANSWERED, date(2026, 3, 14)))
    assert uk(date(2026, 3, 2), *events, rights=("erasure",)).paused_days == 0
    both = uk(date(2026, 3, 2), *events, rights=("erasure", "access"))
    # Issue 15: each right keeps its own date; the case's headline is the earliest (erasure, unpaused).
    assert both.paused_days == 0 and both.due == date(2026, 4, 2)
    assert both.for_right("access").paused_days == 5 and both.for_right("access").due == date(2026, 4, 7)
    assert both.for_right("erasure").due == date(2026, 4, 2)


def test_open_question_stops_the_clock_and_freezes_days_left() -> None:
    d = uk(date(2026, 3, 2), ev(K.CLARIFICATION_ASKED, date(2026, 3, 10)))
    assert d.state is ClockState.STOPPED and d.stopped_since == date(2026, 3, 10)
    assert d.due == date(2026, 4, 2)
    assert d.days_left(date(2026, 3, 20)) == d.days_left(date(2026, 5, 1)) == 24
    # Answered on 20 Mar: 11 days paused; on that day the DPO has the same 24 days left.
    answered = uk(date(2026, 3, 2), ev(K.CLARIFICATION_ASKED, date(2026, 3, 10)),
                  ev(K.CLARIFICATION_ANSWERED, date(2026, 3, 20)))  # fmt: skip
    assert answered.due == date(2026, 4, 13)  # 2 Apr + 11 = Mon 13 Apr
    assert answered.days_left(date(2026, 3, 20)) == 24
    assert any("clock stopped since Tue 10 Mar 2026" in line for line in d.explanation)


def test_clarification_before_clock_start_is_ignored_or_clipped() -> None:
    before = uk(date(2026, 3, 2), ev(K.ID_REQUESTED, date(2026, 3, 2)), ev(K.ID_RECEIVED, date(2026, 3, 12)),
                ev(K.CLARIFICATION_ASKED, date(2026, 3, 3)), ev(K.CLARIFICATION_ANSWERED, date(2026, 3, 5)))  # fmt: skip
    assert before.paused_days == 0
    assert any("before the clock started, not counted" in line for line in before.explanation)
    straddling = uk(date(2026, 3, 2), ev(K.ID_REQUESTED, date(2026, 3, 2)), ev(K.ID_RECEIVED, date(2026, 3, 12)),
                    ev(K.CLARIFICATION_ASKED, date(2026, 3, 10)), ev(K.CLARIFICATION_ANSWERED, date(2026, 3, 13)))  # fmt: skip
    assert straddling.paused_days == 2  # 12 and 13 March only


def test_same_day_question_and_answer_in_reverse_order_pause_one_day() -> None:
    d = uk(date(2026, 3, 2), ev(K.CLARIFICATION_ANSWERED, date(2026, 3, 5)), ev(K.CLARIFICATION_ASKED, date(2026, 3, 5)))
    assert d.paused_days == 1


# --- end, internal target, bad input -------------------------------------------------------------------------------


def test_closed_case_has_ended() -> None:
    d = uk(date(2026, 3, 2), closed_on=date(2026, 3, 30))
    assert d.state is ClockState.ENDED
    assert d.days_left(date(2026, 12, 1)) == 3  # the margin it was closed with
    assert any("3 days before the due date" in line for line in d.explanation)


@pytest.mark.parametrize(("target", "expected"), [(28, date(2026, 2, 27)), (40, date(2026, 3, 2)), (-3, date(2026, 2, 25))])
def test_internal_target(target: int, expected: date) -> None:
    d = uk(date(2026, 1, 31), internal_target_days=target)
    assert d.internal_target == expected
    assert any(line.startswith(f"internal target ") for line in d.explanation)
    assert uk(date(2026, 1, 31)).internal_target is None


def test_every_date_is_explained() -> None:
    from dpo_tui.domain.dates import fmt

    d = uk(date(2026, 3, 2), ev(K.CLARIFICATION_ASKED, date(2026, 3, 27)),
           ev(K.CLARIFICATION_ANSWERED, date(2026, 4, 2)), internal_target_days=28)  # fmt: skip
    text = "\n".join(d.explanation)
    for value in (d.received, d.due, d.extension_notice_by, d.extended_due, d.internal_target):
        assert value is not None and fmt(value) in text


@pytest.mark.parametrize(
    "events",
    [
        [],
        [ClockEvent(K.RECEIVED, date(2026, 3, 2)), ClockEvent(K.RECEIVED, date(2026, 3, 3))],
        [ClockEvent(K.RECEIVED, date(2026, 3, 2)), ClockEvent(K.ID_RECEIVED, date(2026, 3, 1))],
        [ClockEvent(K.RECEIVED, date(2026, 3, 2)), ClockEvent(K.CLARIFICATION_ANSWERED, date(2026, 3, 4))],
    ],
)
def test_bad_events_are_invalid_input(events: list[ClockEvent]) -> None:
    with pytest.raises(InvalidInput):
        compute_deadline(UK, ENG, events)


def test_closed_before_receipt_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="before the request was received"):
        uk(date(2026, 3, 2), closed_on=date(2026, 3, 1))
