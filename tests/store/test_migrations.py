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
        def hits(term: str) -> list[str]:
            return [r.ref for r in reader.page_at(QueueQuery(view=View.ALL, search=term, today=TODAY), 0, 10)]

        # inserted: found by name and email, and nothing else
        assert hits("quarterm") == [ref]
        assert reader.count(QueueQuery(view=View.ALL, search="zq@exam", today=TODAY)) == 1
        assert reader.count(QueueQuery(view=View.ALL, search="nobody-like-this", today=TODAY)) == 0
        # changed: the old words are no longer found, the new ones are (the update trigger)
        from sqlalchemy import text

        with work.db.write() as s:
            s.exec(text("UPDATE cases SET search_text = :t WHERE ref = :r"),  # type: ignore[call-overload]
                   params={"t": f"{ref} Xanthippe Oddington xo@example.org", "r": ref})  # fmt: skip
        assert hits("quarterm") == []
        assert hits("xanthip") == [ref]
        # deleted: gone from the index too (the delete trigger); no stale row answers a search
        import sqlite3

        raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))  # foreign keys off: only the row itself goes
        with raw:
            raw.execute("DELETE FROM cases WHERE ref = ?", (ref,))
        raw.close()
        assert hits("xanthip") == []
        assert reader.count(QueueQuery(view=View.ALL, search="xo@exam", today=TODAY)) == 0
    finally:
        reader.close()
        work.db.dispose()


def _row_counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version" and not t.startswith("cases_fts")]
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}


def _migrate(engine, action: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from dpo_tui.store.migrate import _config

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def test_every_earlier_revision_upgrades_a_populated_database_keeping_every_row(sqlite_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """For each earlier revision: a populated database taken down to it (the round trip's downgrade) and upgraded
    to head again keeps every row it had at that revision, and the app reads the cases as before."""
    from alembic.script import ScriptDirectory

    from dpo_tui.store.migrate import _config
    from tests.conftest import make_work, new_request

    work = make_work(sqlite_url, settings)
    refs = [work.log_request(new_request(email=f"p{i}@example.org")).ref for i in range(3)]
    work.add_note(refs[0], "kept across migrations", version=work.version_of(refs[0]))
    before = {r: work.get(r) for r in refs}
    engine = work.db.engine
    revisions = [s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()]  # head first
    assert revisions[0] == HEAD_REVISION
    for revision in revisions[1:]:
        _migrate(engine, "downgrade", revision)
        at_revision = _row_counts(engine)
        assert at_revision["cases"] == len(refs), revision
        _migrate(engine, "upgrade", "head")
        after = _row_counts(engine)
        assert {t: after[t] for t in at_revision} == at_revision, f"rows lost upgrading from {revision}"
    for ref, detail in before.items():
        again = work.get(ref)
        assert (again.status, again.received, again.requester, len(again.notes), len(again.events)) == (
            detail.status, detail.received, detail.requester, len(detail.notes), len(detail.events)
        )  # fmt: skip
    work.db.dispose()


def test_migrations_use_plain_sqlalchemy_types() -> None:
    """Migration files never import sqlmodel (so sqlmodel can be upgraded without rewriting history)."""
    from pathlib import Path

    import dpo_tui.store.migrations as migrations

    versions = Path(migrations.__file__).parent / "versions"
    offenders = [p.name for p in versions.glob("*.py") if "sqlmodel" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders


def test_0014_gives_existing_stopped_clocks_their_stop_day(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """A database from before 0014 with a stopped clock (clarification unanswered): after the upgrade the case has
    the day its clock stopped and no running due date, so the queue shows what the case header shows."""
    from datetime import date

    from sqlalchemy import text

    from dpo_tui.services import decisions as dec
    from dpo_tui.store.queue import QueueQuery, QueueReader, View
    from tests.conftest import make_work, new_request

    work = make_work(db_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 5))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    dec.ask_clarification(work, ref, "Which account?", "identify", date(2026, 11, 13), version=work.version_of(ref))
    frozen = work.get(ref).days_left
    engine = work.db.engine
    _migrate(engine, "downgrade", "0004")
    with engine.begin() as conn:  # as 0004 left it: the stale due date sorted among running clocks
        conn.execute(text("UPDATE cases SET due_sort = due"))
    _migrate(engine, "upgrade", "head")
    with engine.connect() as conn:
        since, due_sort = conn.execute(text("SELECT stopped_since, due_sort FROM cases")).one()
    assert str(since) == "2026-11-13" and str(due_sort) == "9999-12-31"
    work.db.dispose()
    reader = QueueReader.open(db_url)
    try:
        (row,) = reader.page_at(QueueQuery(view=View.ALL), 0, 10)
        assert row.days_left(date(2026, 11, 25)) == frozen
    finally:
        reader.close()
