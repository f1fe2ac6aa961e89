"""The audit trail is tamper-evident: altering, removing or reordering any event is detected and named."""

from __future__ import annotations

from sqlalchemy import text

from dpo_tui.store import audit
from tests.conftest import new_request


def _log_three(work) -> list[str]:  # type: ignore[no-untyped-def]
    refs = []
    for i in range(3):
        refs.append(work.log_request(new_request(email=f"p{i}@example.org")).ref)
    work.change_status(refs[0], "in_progress", version=work.version_of(refs[0]))
    return refs


def _verify(work):  # type: ignore[no-untyped-def]
    with work.db.reader() as s:
        return audit.verify(s)


def test_intact_chain_verifies(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    result = _verify(work)
    assert result.ok and result.events == 4


def test_altered_payload_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET payload = '{\"rights\":\"erasure\"}' WHERE seq = 2"))
    result = _verify(work)
    assert not result.ok and "#2" in result.problem and "altered" in result.problem


def test_altered_actor_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = 1"))
    assert "#1" in _verify(work).problem


def test_removed_event_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    result = _verify(work)
    assert not result.ok and "#2" in result.problem


def test_removed_newest_event_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    result = _verify(work)
    assert not result.ok and "newest" in result.problem


def test_reordered_events_are_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log_three(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET seq = 100 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 100"))
    assert not _verify(work).ok


def test_purged_payload_keeps_chain_verifiable(work) -> None:  # type: ignore[no-untyped-def]
    """Retention purges blank personal data but must leave the chain provable (the purge is itself an event)."""
    refs = _log_three(work)
    case = work.get(refs[1])
    with work.db.write() as s:
        case_id = s.execute(text("SELECT id FROM cases WHERE ref = :r"), {"r": case.ref}).scalar_one()
        assert audit.purge_case_payloads(s, case_id=case_id, case_ref=case.ref, actor="DPO", reason="retention") == 1
    with work.db.engine.connect() as conn:
        assert conn.execute(text("SELECT payload FROM audit_events WHERE seq = 2")).scalar() is None
    result = _verify(work)
    assert result.ok and result.events == 5, result.problem


def test_every_service_call_appends_one_event(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    work.add_note(detail.ref, "Called the requester to confirm scope.", version=work.version_of(detail.ref))
    work.assign("Sam Patel", versions={detail.ref: work.version_of(detail.ref)})
    kinds = [e.kind for e in work.get(detail.ref).events]
    assert kinds == ["case.logged", "note.added", "case.assigned"]
