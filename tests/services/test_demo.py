"""`dpo-tui demo`: same seed and day, same data; every status, right and regime present; the record verifies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from dpo_tui.demo import generate
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.rights import Right
from dpo_tui.store import audit
from dpo_tui.store.database import Database
from dpo_tui.store.models import Case
from tests.conftest import TODAY


def _cases(url: str) -> list[tuple]:  # type: ignore[type-arg]
    db = Database.open(url)
    try:
        with db.reader() as s:
            rows = s.execute(
                select(Case.ref, Case.requester_name, Case.requester_email, Case.rights, Case.status, Case.regime,
                       Case.received, Case.due, Case.checklist_done).order_by(Case.ref)
            )  # fmt: skip
            return [tuple(r) for r in rows]
    finally:
        db.dispose()


def test_same_seed_same_data_and_every_path_present(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    generate(first, 160, 11, None, today=TODAY, settings=settings)
    generate(second, 160, 11, None, today=TODAY, settings=settings)
    a, b = _cases(first), _cases(second)
    assert len(a) == 160 and a == b

    statuses = {row[4] for row in a}
    assert statuses == {s.value for s in Status}
    assert {r for row in a for r in row[3].split(",")} == {r.value for r in Right}
    assert {row[5] for row in a} == {"uk-gdpr", "eu-gdpr", "ccpa"}
    db = Database.open(first)
    try:
        with db.reader() as s:
            assert audit.verify(s).ok
    finally:
        db.dispose()


def test_bulk_cases_carry_the_deadline_engines_dates(db_url: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The bulk generator memoises deadlines and binds rows for the driver in a planner process; every date it
    stores must still be what the engine says for that case's own clock events, its counters and search text
    what the services would have written, and the audit trail must verify (both databases)."""
    import importlib

    from dpo_tui.services.casework import search_words
    from dpo_tui.store.models import ChecklistItem, ClockEventRow
    from tests.conftest import make_work

    gen = importlib.import_module("dpo_tui.demo.generate")
    monkeypatch.setattr(gen, "CHUNK", 40)  # several batches, planned in the forked process as at 1M
    generate(db_url, 400, 5, None, today=TODAY, settings=settings)
    work = make_work(db_url, settings)
    try:
        with work.db.reader() as s:
            bulk_ids = set(s.execute(select(audit.AuditEvent.case_id).where(audit.AuditEvent.kind == "demo.case_generated")).scalars())
            assert len(bulk_ids) > 300
            cases = s.execute(select(Case).where(Case.id.in_(sorted(bulk_ids)[::7]))).scalars().all()  # type: ignore[union-attr]
            assert len(cases) > 40 and any(c.extended for c in s.execute(select(Case).where(Case.id.in_(bulk_ids))).scalars())
            for case in cases:
                rows = s.execute(select(ClockEventRow).where(ClockEventRow.case_id == case.id).order_by(ClockEventRow.id)).scalars().all()
                dl = work.deadline_of(case, rows)
                got = (case.clock_state, case.clock_start, case.legal_due, case.due, case.due_sort, case.extension_notice_by,
                       case.extended, case.paused_days)  # fmt: skip
                want = (dl.state.value, dl.clock_start, dl.due, dl.effective_due, dl.effective_due or gen.NO_DUE,
                        dl.extension_notice_by, dl.extended, dl.paused_days)  # fmt: skip
                assert got == want, case.ref
                assert case.search_text == search_words(case.ref, case.requester_name, case.requester_email, case.description)
                items = s.execute(select(ChecklistItem).where(ChecklistItem.case_id == case.id)).scalars().all()
                assert len(items) == case.checklist_total
                assert sum(i.state == "done" for i in items) == case.checklist_done
            assert audit.verify(s).ok
        refs = [r for r in _cases(db_url)]
        assert len({r[0] for r in refs}) == 400  # references unique
    finally:
        work.db.dispose()
