"""`due_report` (issue 19): overdue, due soon, extension cut-offs, waits past policy; every date from the engine."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY, new_request
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.services import identity as idv
from dpo_tui.services.due import Urgency, due_report, to_text


def _cases(work):  # type: ignore[no-untyped-def]
    # TODAY is Wed 25 Nov 2026.
    overdue = work.log_request(new_request(received=date(2026, 10, 1), email="o@example.org")).ref  # due Mon 2 Nov
    soon = work.log_request(new_request(received=date(2026, 11, 2), email="s@example.org")).ref  # due Wed 2 Dec
    later = work.log_request(new_request(received=date(2026, 11, 20), email="l@example.org")).ref  # due Mon 21 Dec
    waiting = work.log_request(new_request(received=date(2026, 10, 5), email="w@example.org")).ref
    idv.request_identity(work, waiting, requester_kind="self", what="a copy of a utility bill", on=date(2026, 10, 6),
                         version=work.get(waiting).version)
    return overdue, soon, later, waiting


def test_report_lists_what_needs_action_with_engine_dates(work) -> None:  # type: ignore[no-untyped-def]
    overdue, soon, later, waiting = _cases(work)
    work.assign("Sam Patel", versions={soon: work.version_of(soon)})
    rep = due_report(work, within=7)
    kinds = [(i.ref, i.kind) for i in rep.items]
    assert kinds[0] == (overdue, "overdue")
    assert (soon, "due") in kinds and (soon, "extension_notice") in kinds
    assert (waiting, "awaiting_id") in kinds
    assert all(ref != later for ref, _ in kinds)
    assert rep.urgency is Urgency.OVERDUE

    detail = work.get(soon)
    item = next(i for i in rep.items if i.ref == soon and i.kind == "due")
    assert item.on == detail.deadline.effective_due == date(2026, 12, 2)
    assert item.days == 7 and item.assignee == "Sam Patel"
    # The explanation is the engine's own wording for that date.
    assert all(line in detail.deadline.explanation for line in item.explanation)
    assert item.explanation[-1].endswith(fmt(date(2026, 12, 2)))
    notice = next(i for i in rep.items if i.ref == soon and i.kind == "extension_notice")
    assert notice.on == detail.deadline.extension_notice_by
    assert notice.explanation[-1].startswith("extension notice by")
    wait = next(i for i in rep.items if i.kind == "awaiting_id")
    assert wait.on == date(2026, 10, 6) and wait.days == 50 and "id_no_response_days = 28" in wait.explanation[0]


def test_window_assignee_and_exit_levels(work) -> None:  # type: ignore[no-untyped-def]
    assert due_report(work).urgency is Urgency.NONE
    soon = work.log_request(new_request(received=date(2026, 11, 2))).ref
    assert due_report(work, within=6).items == ()
    assert due_report(work, within=7).urgency is Urgency.SOON
    assert due_report(work, within=7, assignee="Nobody").items == ()
    work.assign("Alex Morgan", versions={soon: work.version_of(soon)})
    assert {i.ref for i in due_report(work, within=7, assignee="Alex Morgan").items} == {soon}
    with pytest.raises(InvalidInput):
        due_report(work, within=-1)


def test_extended_case_shows_its_extended_date_and_no_cut_off(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.decisions import extend

    ref = work.log_request(new_request(received=date(2026, 9, 28))).ref  # due Wed 28 Oct; extended: end of Dec
    extend(work, ref, "complex", date(2026, 10, 20), "many systems to search", version=work.get(ref).version)
    detail = work.get(ref)
    assert detail.deadline.extended
    items = [i for i in due_report(work, within=40).items if i.ref == ref]
    assert [i.kind for i in items] == ["due"]
    assert items[0].on == detail.deadline.extended_due and items[0].urgency is Urgency.SOON
    assert items[0].explanation[-1].startswith("extended due:")


def test_text_leaves_requester_text_out(work) -> None:  # type: ignore[no-untyped-def]
    work.log_request(new_request(name="Eve \x1b[31m<script>", received=date(2026, 10, 1)))
    text = to_text(due_report(work))
    assert "Eve" not in text and "\x1b" not in text and "Overdue (1):" in text
    assert "Nothing needs action in the next 7 days" in to_text(due_report(work, assignee="x"))
