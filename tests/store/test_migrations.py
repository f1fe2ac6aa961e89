"""Schema changes go through Alembic; the code's expected revision is the scripts' head."""

from __future__ import annotations

from sqlalchemy import inspect

from dpo_tui.store.database import Database
from dpo_tui.store.migrate import head_revision, known_revisions
from dpo_tui.store.schema import HEAD_REVISION


def test_expected_revision_is_the_head_of_the_scripts() -> None:
    assert HEAD_REVISION == head_revision()
    assert HEAD_REVISION in known_revisions()


def test_open_creates_schema_at_head_on_each_backend(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        assert db.revision() == HEAD_REVISION
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert {"cases", "clock_events", "audit_events", "audit_head", "checklist_items", "letters", "notes"} <= tables
    finally:
        db.dispose()


def test_reopening_keeps_data(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_work, new_request

    first = make_work(db_url, settings)
    ref = first.log_request(new_request()).ref
    first.db.dispose()
    second = make_work(db_url, settings)
    try:
        assert second.get(ref).ref == ref
    finally:
        second.db.dispose()


def test_search_index_follows_every_change(sqlite_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """The queue's trigram index (SQLite) is kept in step by triggers: new, changed and searched cases agree."""
    from dpo_tui.store.queue import QueueQuery, QueueReader, View
    from tests.conftest import TODAY, make_work, new_request

    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(name="Zebedee Quartermaine", email="zq@example.org")).ref
    reader = QueueReader.open(sqlite_url)
    try:
        found = reader.page_at(QueueQuery(view=View.ALL, search="quarterm", today=TODAY), 0, 10)
        assert [r.ref for r in found] == [ref]
        assert reader.count(QueueQuery(view=View.ALL, search="zq@exam", today=TODAY)) == 1
        assert reader.count(QueueQuery(view=View.ALL, search="nobody-like-this", today=TODAY)) == 0
    finally:
        reader.close()
        work.db.dispose()
