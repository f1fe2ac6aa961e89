"""Issue 20: audited undo. Each member of the undoable set is reversed by a new `case.undo` event (history kept), and
each refusal says why. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dpo_tui.domain.retention import REFUSED, UNDOABLE, undo_refusal
from dpo_tui.services import retention, undo
from dpo_tui.services.casework import StaleCase
from dpo_tui.services.checklist_work import mark_not_applicable, tick
from dpo_tui.services.follow_ups import complete_follow_ups, open_follow_ups, set_follow_up
from dpo_tui.services.letters import render_letter, save_letter
from dpo_tui.store import audit
from tests.conftest import TODAY, make_work, new_request


def _undo(work, ref):  # type: ignore[no-untyped-def]
    plan = undo.preview(work, ref)
    assert plan.possible, plan.refusal
    detail = undo.undo(work, ref, version=plan.version, seq=plan.seq)  # type: ignore[arg-type]
    last = detail.events[-1]
    assert last.kind == "case.undo" and last.payload["undoes"] == plan.seq and last.payload["summary"] == plan.will
    return plan, detail


def _refused(work, ref, match):  # type: ignore[no-untyped-def]
    plan = undo.preview(work, ref)
    assert not plan.possible and match in plan.refusal, plan.refusal
    with pytest.raises(undo.UndoRefused, match="cannot undo"):
        undo.undo(work, ref, version=plan.version, seq=plan.seq or 0)


def test_the_undoable_set_is_written_once() -> None:
    assert set(UNDOABLE).isdisjoint(REFUSED)
    assert all(undo_refusal(k) is None for k in UNDOABLE)
    assert all(undo_refusal(k) == REFUSED[k] for k in REFUSED)
    assert "not an action an undo can reverse" in (undo_refusal("something.new") or "")
    assert undo_refusal("decision.refused") and undo_refusal("identity.received")


def test_status_moves_back_and_forth_exactly(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    d = work.change_status(ref, "in_progress", version=work.version_of(ref))
    d = work.change_status(ref, "completed", outcome="completed", reason="searched outside the checklist", version=d.version)
    closed_at, final = d.closed_at, d.final_response_on
    plan, d = _undo(work, ref)
    assert plan.describe() == f"undo of #{plan.seq}: status back to in progress"
    assert (d.status, d.closed_at, d.final_response_on, d.outcome) == ("in_progress", None, None, None)
    assert len([e for e in d.events if e.kind == "case.status"]) == 2  # history kept
    # A reopening undone restores the original closure (retention counts from it).
    d = work.change_status(ref, "completed", reason="searched outside the checklist", version=d.version)
    closed_at = d.closed_at
    d = work.change_status(ref, "in_progress", reason="complaint", version=d.version)
    _, d = _undo(work, ref)
    assert d.status == "completed" and d.closed_at == closed_at and not d.is_open


def test_assignment_note_follow_ups_and_checklist_are_undone(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    work.assign("Sam", versions={ref: work.version_of(ref)})
    work.assign("Kim", versions={ref: work.version_of(ref)})
    _, d = _undo(work, ref)
    assert d.assignee == "Sam"

    d = work.add_note(ref, "wrong case", version=d.version)
    plan, d = _undo(work, ref)
    assert d.notes == () and plan.will == "note of 10 characters withdrawn"

    d = set_follow_up(work, ref, TODAY + timedelta(days=3), "chase", version=d.version)
    _, d = _undo(work, ref)
    assert open_follow_ups(work, ref) == []
    d = set_follow_up(work, ref, TODAY + timedelta(days=3), "chase", version=d.version)
    complete_follow_ups(work, ref, version=d.version)
    plan, d = _undo(work, ref)
    assert [f.note for f in open_follow_ups(work, ref)] == ["chase"] and plan.will == "1 follow-up open again"

    key = d.checklist[0].key
    d = tick(work, ref, key, search_terms="ada@example.org", found="nothing_found", version=d.version)
    _, d = _undo(work, ref)
    item = next(i for i in d.checklist if i.key == key)
    assert (item.state, item.search_terms, item.done_by) == ("open", None, None)
    d = mark_not_applicable(work, ref, key, "not used", version=d.version)
    _, d = _undo(work, ref)
    assert next(i for i in d.checklist if i.key == key).state == "open"
    with work.db.reader() as s:
        assert audit.verify(s).ok


def test_refusals_say_why(work, settings) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    _refused(work, ref, "logging a request cannot be undone")
    d = work.change_status(ref, "in_progress", version=work.version_of(ref))
    _refused(work, ref, "the rules do not allow it")  # nothing goes back to "new"
    work.assign("Sam", versions={ref: d.version})
    _undo(work, ref)
    _refused(work, ref, "an undo cannot itself be undone")

    draft = render_letter(work, ref, "acknowledgement")
    save_letter(work, ref, draft.kind, draft.subject, draft.body, "post", TODAY, version=work.version_of(ref))
    _refused(work, ref, "cannot be taken back")

    # Someone else acted since.
    other = make_work(work.db.url, settings._replace(user_name="Sam Patel"))
    other.add_note(ref, "my note", version=other.version_of(ref))
    plan = undo.preview(work, ref)
    assert not plan.possible and "acted on this case since" in plan.refusal
    assert undo.preview(other, ref).possible  # their own last action
    other.db.dispose()

    # The domain rules forbid the reversal: a case withdrawn while awaiting ID never goes back to waiting.
    r2 = work.log_request(new_request(email="b@example.org")).ref
    d = work.change_status(r2, "awaiting_id", version=work.version_of(r2))
    work.change_status(r2, "withdrawn", version=d.version)
    _refused(work, r2, "the rules do not allow it")

    # Stale: the confirmation showed an event that is no longer the last.
    r3 = work.log_request(new_request(email="c@example.org")).ref
    work.assign("Sam", versions={r3: work.version_of(r3)})
    plan = undo.preview(work, r3)
    work.assign("Kim", versions={r3: plan.version})
    with pytest.raises(StaleCase):
        undo.undo(work, r3, version=plan.version, seq=plan.seq)  # type: ignore[arg-type]

    # Holds are released, not undone; a purged case cannot be undone.
    hold = retention.place_hold(work, ref=r2, reason="claim", review_on=date(2027, 6, 1), version=work.version_of(r2))
    _refused(work, r2, "released with its own reason")
    retention.release_hold(work, hold.id, "settled")
    later = make_work(work.db.url, settings, today=date(2030, 1, 1))
    assert retention.purge_case(later, r2).skipped is None
    _refused(later, r2, "a retention purge cannot be undone")
    later.db.dispose()
