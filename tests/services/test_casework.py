"""Logging and moving cases: one transaction each, optimistic locking, clear refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from dpo_tui.domain.errors import DomainError, InvalidInput, InvalidTransition
from dpo_tui.domain.rights import Right
from dpo_tui.services.casework import StaleCase
from dpo_tui.store.models import AuditEvent, Case
from tests.conftest import make_work, new_request


def _counts(work) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with work.db.reader() as s:
        return (
            s.execute(select(func.count()).select_from(Case)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        )


def test_log_request_issues_reference_and_due_date(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request(rights=(Right.ACCESS, Right.ERASURE)))
    assert detail.ref == "DSAR-2026-0001"
    assert detail.status == "new"
    assert detail.rights == ("access", "erasure")
    assert detail.deadline.due == date(2026, 12, 2)
    assert detail.days_left == 7
    assert detail.checklist, "the checklist is expanded from the organisation's systems"


def test_references_are_never_reused(work) -> None:  # type: ignore[no-untyped-def]
    refs = [work.log_request(new_request(email=f"p{i}@example.org")).ref for i in range(3)]
    assert refs == ["DSAR-2026-0001", "DSAR-2026-0002", "DSAR-2026-0003"]
    old = work.log_request(new_request(received=date(2025, 12, 30)))
    assert old.ref == "DSAR-2025-0001"


@pytest.mark.parametrize(
    "overrides,field",
    [
        (dict(name="  "), "name"),
        (dict(email=""), "email"),
        (dict(email="not-an-email"), "email"),
        (dict(received=date(2026, 11, 26)), "received"),
        (dict(rights=()), "rights"),
        (dict(channel="fax"), "channel"),
    ],
)
def test_bad_request_is_refused_and_nothing_saved(work, overrides, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        work.log_request(new_request(**overrides))
    assert _counts(work) == (0, 0)


def test_disallowed_transition_is_refused_and_nothing_changes(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    work.change_status(ref, "completed", reason="answered before the checklist was worked", version=work.version_of(ref))
    before = _counts(work)
    with pytest.raises(InvalidTransition, match="cannot become awaiting ID"):
        work.change_status(ref, "awaiting_id", version=work.version_of(ref))
    assert work.get(ref).status == "completed"
    assert _counts(work) == before


def test_closing_records_final_response_and_reopen_clears_closure(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    closed = work.change_status(ref, "completed", reason="answered before the checklist was worked", version=work.version_of(ref))
    assert closed.closed_at is not None and closed.final_response_on == date(2026, 11, 25)
    assert closed.deadline.state.value == "ended"
    reopened = work.change_status(ref, "in_progress", reason="complaint: response incomplete", version=work.version_of(ref))
    assert reopened.closed_at is None and reopened.deadline.state.value == "running"


def test_stale_version_is_refused(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    work.change_status(detail.ref, "in_progress", version=detail.version)
    with pytest.raises(StaleCase) as caught:
        work.change_status(detail.ref, "completed", reason="answered before the checklist was worked", version=detail.version)
    assert work.get(detail.ref).status == "in_progress"
    # Typed, with who and when (the newest event): the TUI and CLI need no message parsing.
    who = work.get(detail.ref).events[-1].actor  # as the timeline names them (PostgreSQL: "login (name)")
    assert (caught.value.ref, caught.value.who) == (detail.ref, who) and caught.value.when is not None
    assert re.fullmatch(
        rf"{detail.ref}: changed by {re.escape(who)} at \d{{4}}-\d\d-\d\d \d\d:\d\d: reopen it and try again", str(caught.value)
    )


def test_concurrent_writers_cannot_both_win(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    """Two windows (two engines) read the same version; the second write is refused."""
    first, second = make_work(db_url, settings), make_work(db_url, settings)
    try:
        detail = first.log_request(new_request())
        seen_by_both = detail.version
        first.change_status(detail.ref, "in_progress", version=seen_by_both)
        with pytest.raises(StaleCase):
            second.change_status(detail.ref, "awaiting_id", version=seen_by_both)
    finally:
        first.db.dispose()
        second.db.dispose()


def test_bulk_status_is_all_or_nothing(work) -> None:  # type: ignore[no-untyped-def]
    a = work.log_request(new_request(email="a@example.org")).ref
    b = work.log_request(new_request(email="b@example.org")).ref
    work.change_status(b, "withdrawn", version=work.version_of(b))
    with pytest.raises(DomainError, match=f"{b}: .*no case was changed"):
        work.bulk_status("awaiting_id", versions={a: work.version_of(a), b: work.version_of(b)})
    assert work.get(a).status == "new"


def test_duplicate_email_is_found_case_insensitively(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(email="Ada@Example.org")).ref
    assert [r for r, _, _ in work.find_by_email("ada@example.ORG")] == [ref]


def test_stored_due_date_matches_engine(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request(received=date(2026, 1, 31)))
    with work.db.reader() as s:
        case = s.execute(select(Case).where(Case.ref == detail.ref)).scalar_one()
    assert case.due == detail.deadline.effective_due == date(2026, 3, 2)


def test_objection_to_direct_marketing_can_never_be_refused(work) -> None:  # type: ignore[no-untyped-def]
    """Art 21(3): every path to `refused` (status change, bulk change, refusal decision) is blocked."""
    from dpo_tui.services import decisions

    ref = work.log_request(new_request(rights=(Right.OBJECTION,), description="Stop the marketing emails.")).ref
    with pytest.raises(InvalidTransition, match="direct marketing can never be refused"):
        work.change_status(ref, "refused", version=work.version_of(ref))
    with pytest.raises(DomainError, match="direct marketing"):
        work.bulk_status("refused", versions={ref: work.version_of(ref)})
    with pytest.raises(DomainError, match="direct marketing|manifestly"):
        decisions.refuse(work, ref, "whole", [], "We do not agree.", date(2026, 11, 20), version=work.version_of(ref))
    assert work.get(ref).status == "new"


def test_internal_target_is_shown_beside_the_legal_date(db_url) -> None:  # type: ignore[no-untyped-def]
    """Policy `internal_target_days` (default off) adds a target; the legal due date never changes."""

    from dpo_tui.settings import Policy, load_settings
    from dpo_tui.tui.widgets.badge import deadline_badge_text

    off = make_work(db_url, load_settings())
    try:
        legal = off.log_request(new_request())
        assert legal.deadline.internal_target is None
        settings = load_settings()._replace(policy=Policy(internal_target_days=28))
        on = make_work(db_url, settings)
        detail = on.get(legal.ref)
        assert detail.deadline.internal_target == date(2026, 11, 29)
        assert detail.deadline.due == legal.deadline.due == date(2026, 12, 2)
        assert "internal target Sun 29 Nov 2026" in deadline_badge_text(detail, date(2026, 11, 25)).plain
        on.db.dispose()
    finally:
        off.db.dispose()
