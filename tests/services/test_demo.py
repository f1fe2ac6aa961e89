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
