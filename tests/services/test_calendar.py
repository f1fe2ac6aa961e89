"""`dpo-tui calendar` (issue 19): one event per date, stable UIDs, minimal and escaped personal data, safe output."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import make_work, new_request
from dpo_tui.services.calendar import OutputRefused, build_calendar, write_calendar
from dpo_tui.settings import CalendarSettings

HOSTILE = "Eve\r\nBEGIN:VEVENT\r\nUID:evil; x,y \\ \x1b[31m<script>"


def _events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_event_per_date_with_stable_uids(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.decisions import extend

    ref = work.log_request(new_request(received=date(2026, 11, 2), name=HOSTILE)).ref
    data, n = build_calendar(work)
    events = _events(data)
    assert n == 2 and set(events) == {f"{ref.lower()}-due@altostack.io", f"{ref.lower()}-extension-notice@altostack.io"}
    due = events[f"{ref.lower()}-due@altostack.io"]
    detail = work.get(ref)
    assert due.decoded("DTSTART") == detail.deadline.effective_due == date(2026, 12, 2)
    assert str(due["SUMMARY"]) == f"{ref} access: response due"
    assert "→" in str(due["DESCRIPTION"]) and data.split(b"\r\n").count(b"BEGIN:VEVENT") == 2
    assert b"Eve" not in data  # no requester name unless the settings say so

    # The same file again: same UIDs (re-import updates). After an extension: same UID, a later SEQUENCE.
    again, _ = build_calendar(work)
    assert set(_events(again)) == set(events)
    extend(work, ref, "complex", date(2026, 11, 20), "several systems", version=work.get(ref).version)
    later = _events(build_calendar(work)[0])
    assert set(later) == {f"{ref.lower()}-due@altostack.io"}
    moved = later[f"{ref.lower()}-due@altostack.io"]
    assert moved.decoded("DTSTART") == work.get(ref).deadline.extended_due
    assert int(moved["SEQUENCE"]) > int(due["SEQUENCE"])
    assert "extended" in str(moved["SUMMARY"])


def test_requester_name_only_by_setting_and_escaped(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings._replace(calendar=CalendarSettings(include_requester_name=True)))
    try:
        ref = work.log_request(new_request(received=date(2026, 11, 2), name=HOSTILE)).ref
        data, n = build_calendar(work)
    finally:
        work.db.dispose()
    lines = data.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == n == 2  # the name's text did not start an event or a property
    assert not any(line.startswith(b"UID:evil") for line in lines) and b"\x1b" not in data
    summary = str(_events(data)[f"{ref.lower()}-due@altostack.io"]["SUMMARY"])
    assert summary.startswith(f"{ref} access (Eve") and "\\x1b" in summary and "<script>" in summary


def test_closed_stopped_and_assignee_filter(work) -> None:  # type: ignore[no-untyped-def]
    a = work.log_request(new_request(received=date(2026, 11, 2), email="a@example.org")).ref
    b = work.log_request(new_request(received=date(2026, 11, 3), email="b@example.org")).ref
    work.assign("Sam Patel", versions={a: work.version_of(a)})
    work.change_status(b, "withdrawn", reason="asked to stop", version=work.get(b).version)
    uids = set(_events(build_calendar(work)[0]))
    assert all(u.startswith(a.lower()) for u in uids)
    assert set(_events(build_calendar(work, assignee="Sam Patel")[0])) == uids
    assert build_calendar(work, assignee="Alex Morgan")[1] == 0


def test_write_refuses_symlinks_and_existing_files(tmp_path: Path) -> None:
    target = tmp_path / "d.ics"
    write_calendar(target, b"one")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(OutputRefused, match="exists; use --force"):
        write_calendar(target, b"two")
    write_calendar(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    link = tmp_path / "link.ics"
    os.symlink(victim, link)
    with pytest.raises(OutputRefused, match="symbolic link"):
        write_calendar(link, b"x", force=True)
    assert victim.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.ics", "link.ics", "victim"]  # no temporary left
