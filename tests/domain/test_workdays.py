"""WorkCalendar over the holidays package, and the shared date wording."""

from __future__ import annotations

from datetime import date

import pytest

from dpo_tui.domain.dates import fmt, relative_days
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.workdays import WorkCalendar


def test_fmt_and_relative_days() -> None:
    assert fmt(date(2026, 3, 2)) == "Mon 2 Mar 2026"
    assert fmt(date(2026, 12, 25), weekday=False) == "25 Dec 2026"
    assert [relative_days(n) for n in (0, 1, 3, -1, -2)] == [
        "due today", "in 1 day", "in 3 days", "1 day overdue", "2 days overdue",
    ]  # fmt: skip


def test_weekends_and_bank_holidays() -> None:
    eng = WorkCalendar("GB", "ENG")
    assert eng.is_working_day(date(2026, 3, 2))
    assert not eng.is_working_day(date(2026, 2, 28))  # Saturday
    assert not eng.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert eng.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert eng.non_working_reason(date(2026, 12, 28)) == "Boxing Day (substitute bank holiday)"
    assert eng.non_working_reason(date(2026, 12, 25)) == "Christmas Day (bank holiday)"
    assert eng.non_working_reason(date(2026, 12, 26)) == "Saturday (Boxing Day)"
    assert eng.non_working_reason(date(2026, 3, 2)) is None
    assert WorkCalendar("IE").non_working_reason(date(2026, 3, 17)) == "Saint Patrick's Day (public holiday)"


def test_next_working_day_and_roll_forward() -> None:
    eng = WorkCalendar("GB", "ENG")
    assert eng.next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # over Easter
    assert eng.roll_forward(date(2026, 3, 2)) == (date(2026, 3, 2), ())
    assert eng.roll_forward(date(2026, 4, 3))[0] == date(2026, 4, 7)


def test_add_business_days() -> None:
    eng = WorkCalendar("GB", "ENG")
    assert eng.add_business_days(date(2026, 3, 2), 10) == date(2026, 3, 16)
    assert eng.add_business_days(date(2026, 3, 30), 5) == date(2026, 4, 8)  # Good Friday and Easter Monday skipped
    assert eng.add_business_days(date(2026, 4, 8), -5) == date(2026, 3, 30)
    assert eng.add_business_days(date(2026, 3, 1), 0) == date(2026, 3, 1)


def test_scotland_and_northern_ireland_differ_from_england() -> None:
    eng, sct, nir = WorkCalendar("GB", "ENG"), WorkCalendar("GB", "SCT"), WorkCalendar("GB", "NIR")
    assert not sct.is_working_day(date(2026, 1, 2)) and eng.is_working_day(date(2026, 1, 2))
    assert not sct.is_working_day(date(2026, 11, 30)) and eng.is_working_day(date(2026, 11, 30))
    assert not nir.is_working_day(date(2026, 3, 17)) and eng.is_working_day(date(2026, 3, 17))
    assert not nir.is_working_day(date(2027, 7, 12)) and eng.is_working_day(date(2027, 7, 12))
    assert sct.is_working_day(date(2026, 4, 6))  # no Easter Monday in Scotland


def test_codes_are_normalised_and_objects_cached() -> None:
    a, b = WorkCalendar("gb", "eng"), WorkCalendar("GB", "ENG")
    assert (a.country, a.subdivision, a.code) == ("GB", "ENG", "GB-ENG")
    assert a == b and a._holidays is b._holidays
    assert WorkCalendar("GB", "ENG").description == "bank holidays of England and Wales (GB-ENG)"


def test_unknown_country() -> None:
    with pytest.raises(InvalidInput, match="unknown holiday country 'XX'"):
        WorkCalendar("XX")


def test_unknown_subdivision_lists_valid_ones() -> None:
    with pytest.raises(InvalidInput, match="unknown subdivision 'XYZ' for GB; valid: ENG, NIR, SCT, WLS"):
        WorkCalendar("GB", "XYZ")
    with pytest.raises(InvalidInput, match="IE has no holiday subdivisions"):
        WorkCalendar("IE", "D")
