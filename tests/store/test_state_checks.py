"""Migration 0009: the database itself refuses a state outside its vocabulary, an older database with unknown
states is not upgraded half-way, and downgrading removes the constraints without losing a row or the search index."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dpo_tui.domain.states import CHECKED_COLUMNS, check_name
from dpo_tui.store.schema import MigrationRefused

_0009 = importlib.import_module("dpo_tui.store.migrations.versions.0009_state_checks")
_0017 = importlib.import_module("dpo_tui.store.migrations.versions.0017_outcome_check")


def _populate(work):  # type: ignore[no-untyped-def]
    from dpo_tui.services.letters import save_letter
    from tests.conftest import new_request

    ref = work.log_request(new_request(name="Zebedee Quartermaine", email="zq@example.org")).ref
    save_letter(work, ref, "acknowledgement", "Your request", "Dear Zebedee", channel="post", version=work.version_of(ref))
    return ref


def _migrate(engine, action: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    from tests.store.test_migrations import _migrate as run

    run(engine, action, revision)


def test_the_migration_holds_the_same_vocabularies_as_the_enums() -> None:
    """A member added to an enum without a new migration would be refused by the database: this fails first."""
    from dpo_tui.store.intake_models import PendingIntake
    from dpo_tui.store.models import Case, ChecklistItem, ClockEventRow, Letter

    assert [(t, c, tuple(m.value for m in enum)) for t, c, enum, _ in CHECKED_COLUMNS] == [*_0009.CHECKS, *_0017.CHECKS]
    declared = {ck.name for model in (Case, ClockEventRow, ChecklistItem, Letter, PendingIntake)
                for ck in model.__table__.constraints if ck.name and str(ck.name).startswith("ck_")}  # fmt: skip
    assert declared == {check_name(t, c) for t, c, _, _ in CHECKED_COLUMNS}


def test_every_state_column_refuses_an_unknown_word(work) -> None:  # type: ignore[no-untyped-def]
    """Not only the app: SQL written by hand (or a future bug) cannot store a state the code does not know."""
    _populate(work)
    from dpo_tui.store.intake_models import PendingIntake  # noqa: F401  (the table exists at head)

    tried = set()
    for table, column, _, _ in CHECKED_COLUMNS:
        with work.db.engine.connect() as conn:
            if not conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one():
                continue
        with pytest.raises(IntegrityError), work.db.engine.begin() as conn:
            conn.execute(text(f'UPDATE "{table}" SET {column} = :v'), {"v": "bogus"})
        tried.add(table)
    assert {"cases", "clock_events", "checklist_items", "letters"} <= tried


def test_upgrade_stops_with_a_clear_message_on_an_unknown_state_and_changes_nothing(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = _populate(sqlite_work)
    engine = sqlite_work.db.engine
    _migrate(engine, "downgrade", "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE checklist_items SET state = 'skipped' WHERE id = (SELECT min(id) FROM checklist_items)"))
        conn.execute(text("UPDATE cases SET channel = 'fax'"))
    from dpo_tui.store.database import Database

    with pytest.raises(MigrationRefused) as raised:  # what `dpo-tui` meets on opening it: a DatabaseError, one line
        Database.open(sqlite_work.db.url)
    message = str(raised.value)
    assert "\n" not in message
    assert "nothing was changed" in message
    assert "cases.channel holds 'fax' (1 row)" in message
    assert "checklist_items.state holds 'skipped' (1 row)" in message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0004"
        assert conn.execute(text("SELECT channel FROM cases WHERE ref = :r"), {"r": ref}).scalar_one() == "fax"
        schema = " ".join(sql for (sql,) in conn.execute(text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")))
    assert "ck_cases" not in schema


def test_round_trip_keeps_rows_search_and_foreign_keys(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    """Down to 0004 (constraints gone: an unknown word is accepted again), up to head (back, and every row, the
    search index's triggers and the children's foreign keys still work)."""
    from dpo_tui.store.queue import QueueQuery, QueueReader, View
    from tests.conftest import TODAY, make_work
    from tests.store.test_migrations import _row_counts

    work = make_work(db_url, settings)
    ref = _populate(work)
    engine = work.db.engine
    before = _row_counts(engine)
    _migrate(engine, "downgrade", "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE letters SET direction = 'sideways'"))
        conn.execute(text("UPDATE letters SET direction = 'out'"))
    _migrate(engine, "upgrade", "head")
    assert _row_counts(engine) == before
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE letters SET direction = 'sideways'"))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # a case with children cannot be deleted
        conn.execute(text("DELETE FROM cases WHERE ref = :r"), {"r": ref})
    work.add_note(ref, "after the round trip", version=work.version_of(ref))
    assert len(work.get(ref).notes) == 1
    if db_url.startswith("sqlite"):
        with engine.begin() as conn:  # the search-index triggers survived the rebuild
            conn.execute(text("UPDATE cases SET search_text = :t WHERE ref = :r"), {"t": f"{ref} xanthippe", "r": ref})
        reader = QueueReader.open(db_url)
        try:
            assert [r.ref for r in reader.page_at(QueueQuery(view=View.ALL, search="xanthip", today=TODAY), 0, 5)] == [ref]
            assert reader.count(QueueQuery(view=View.ALL, search="quarterm", today=TODAY)) == 0
        finally:
            reader.close()
    work.db.dispose()
