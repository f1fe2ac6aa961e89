"""The queue markers cached on the case (migration 0016), on SQLite and PostgreSQL: the earliest open follow-up,
unread mail and chasers, kept by the services that change them and read by the queue without joins."""

from __future__ import annotations

from datetime import date

import pytest

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.services.casework import StaleCase
from dpo_tui.services.follow_ups import complete_follow_ups, set_follow_up
from dpo_tui.services.intake import Intake
from dpo_tui.store.queue import QueueQuery, QueueReader, View
from tests.conftest import TODAY, new_request


def _reply(ref: str, mid: str) -> bytes:
    return (
        f"Received: from mx by mail; Mon, 23 Nov 2026 09:00:05 +0000\nFrom: Ada <ada@example.org>\nSubject: Re: {ref}\n"
        f"Date: Mon, 23 Nov 2026 09:00:00 +0000\nMessage-ID: <{mid}>\n\nAny news?\n"
    ).encode()


def _rows(url: str, view: View = View.ALL) -> dict[str, object]:
    reader = QueueReader.open(url)
    try:
        return {r.ref: r for r in reader.page_at(QueueQuery(view=view, today=TODAY), 0, 50)}
    finally:
        reader.close()


def test_follow_up_date_is_cached_and_the_view_lists_those_due(work) -> None:  # type: ignore[no-untyped-def]
    a = work.log_request(new_request()).ref
    b = work.log_request(new_request(email="b@example.org")).ref
    set_follow_up(work, a, date(2026, 12, 9), "later", version=work.version_of(a))
    set_follow_up(work, a, TODAY, "today", version=work.version_of(a))
    set_follow_up(work, b, date(2026, 12, 1), "next week", version=work.version_of(b))
    rows = _rows(work.db.url)
    assert rows[a].follow_up_on == TODAY and rows[b].follow_up_on == date(2026, 12, 1)  # the earliest open one
    assert rows[a].follow_up_due(TODAY) and not rows[b].follow_up_due(TODAY)
    assert list(_rows(work.db.url, View.FOLLOW_UPS)) == [a]
    complete_follow_ups(work, a, version=work.version_of(a))
    assert _rows(work.db.url)[a].follow_up_on is None and _rows(work.db.url, View.FOLLOW_UPS) == {}


def test_unread_mail_and_chasers_until_the_dpo_reads_them(work) -> None:  # type: ignore[no-untyped-def]
    overdue = work.log_request(new_request(received=date(2026, 9, 1))).ref
    cfg = IntakeSettings()
    Intake(work).run([parse_email(_reply(overdue, "a@x"), "a.eml", cfg), parse_email(_reply(overdue, "b@x"), "b.eml", cfg)])
    row = _rows(work.db.url)[overdue]
    assert (row.unread, row.chaser) == (2, True)
    version = work.version_of(overdue)
    with pytest.raises(StaleCase):
        Intake(work).mark_read(overdue, version=version - 1)
    detail = Intake(work).mark_read(overdue, version=version)
    assert detail.events[-1].kind == "correspondence.read" and detail.events[-1].payload == {"messages": 2, "chaser": True}
    row = _rows(work.db.url)[overdue]
    assert (row.unread, row.chaser) == (0, False)
    again = Intake(work).mark_read(overdue, version=detail.version)  # nothing unread: nothing recorded
    assert again.version == detail.version and len(again.events) == len(detail.events)


def test_an_item_attached_in_triage_counts_as_unread(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(received=TODAY))
    raw = _reply("no reference", "c@x").replace(b"Re: no reference", b"hello")
    Intake(work).run([parse_email(raw, "c.eml", IntakeSettings())])
    [item] = Intake(work).triage_items()
    Intake(work).attach_pending(item.id, case.ref, version=item.version, case_version=work.version_of(case.ref))
    row = _rows(work.db.url)[case.ref]
    assert (row.unread, row.chaser) == (1, False)
