"""Follow-ups (issue 19): set with a note (one transaction + audit event, refused on a stale version), shown by
`due` once come due and by the calendar; done ones disappear."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar

from tests.conftest import TODAY, new_request
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.services.calendar import build_calendar
from dpo_tui.services.casework import StaleCase
from dpo_tui.services.due import Urgency, due_report
from dpo_tui.services.follow_ups import complete_follow_ups, open_follow_ups, set_follow_up


def test_follow_ups_feed_due_and_calendar(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(received=date(2026, 11, 20))).ref  # due 21 Dec: nothing else in the window
    v = work.get(ref).version
    detail = set_follow_up(work, ref, TODAY, "chase the payroll team <b>", version=v)
    assert detail.events[-1].kind == "follow_up.set" and detail.version > v
    set_follow_up(work, ref, date(2026, 12, 10), "second look", version=detail.version)
    assert [f.note for f in open_follow_ups(work, ref)] == ["chase the payroll team <b>", "second look"]

    items = due_report(work, within=7).items
    assert [(i.kind, i.on, i.urgency) for i in items] == [("follow_up", TODAY, Urgency.SOON)]
    assert "chase the payroll team <b>" in items[0].summary

    cal = Calendar.from_ical(build_calendar(work)[0])
    follow = [e for e in cal.walk("VEVENT") if "follow-up" in str(e["UID"])]
    assert sorted(e.decoded("DTSTART") for e in follow) == [TODAY, date(2026, 12, 10)]
    assert len({str(e["UID"]) for e in follow}) == 2

    n = complete_follow_ups(work, ref, version=work.get(ref).version)
    assert n == 2 and open_follow_ups(work, ref) == [] and due_report(work, within=7).items == ()
    assert work.get(ref).events[-1].kind == "follow_up.done"


def test_bad_follow_ups_record_nothing(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    before = work.get(ref)
    with pytest.raises(InvalidInput, match="in the past"):
        set_follow_up(work, ref, date(2026, 11, 24), "late", version=before.version)
    with pytest.raises(InvalidInput, match="say what to follow up"):
        set_follow_up(work, ref, TODAY, "   ", version=before.version)
    with pytest.raises(StaleCase):
        set_follow_up(work, ref, TODAY, "x", version=before.version - 1)
    with pytest.raises(InvalidInput, match="no open follow-up"):
        complete_follow_ups(work, ref, version=before.version)
    after = work.get(ref)
    assert (after.version, len(after.events)) == (before.version, len(before.events)) and open_follow_ups(work) == []
    work.change_status(ref, "withdrawn", reason="asked to stop", version=work.get(ref).version)
    with pytest.raises(InvalidInput, match="is closed"):
        set_follow_up(work, ref, TODAY, "x", version=work.get(ref).version)
