"""The queue's reader: first pages of searches (bounded, interruptible), the summary on its own connection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest

from dpo_tui.store.queue import QueueQuery, QueueReader, Sort, View
from tests.conftest import PG_ENV, TODAY, _pg_database, make_work, new_request


def _seed(url: str, settings) -> list[str]:  # type: ignore[no-untyped-def]
    work = make_work(url, settings)
    refs = [
        work.log_request(new_request(name=name, email=f"{name.split()[0].lower()}@example.org", received=date(2026, 11, day))).ref
        for day, name in ((2, "Zoe Quill"), (3, "Ada Lovelace"), (4, "Bo Zq"), (5, "Cy Smith"))
    ]
    work.change_status(refs[3], "completed", reason="answered before the checklist was worked", version=work.version_of(refs[3]))
    work.db.dispose()
    return refs


def test_first_page_agrees_with_page_at_for_every_kind_of_term(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    _seed(db_url, settings)
    reader = QueueReader.open(db_url)
    try:
        for term in ("", "z", "zq", "q", "lovelace", "ada zq", "smith", "nobody"):
            for view, sort in ((View.OPEN, Sort.DUE), (View.ALL, Sort.DUE), (View.ALL, Sort.UPDATED), (View.OPEN, Sort.RECEIVED)):
                q = QueueQuery(view=view, sort=sort, search=term, today=TODAY)
                expected = [r.ref for r in reader.page_at(q, 0, 64)]
                rows, complete = reader.first_page(q, 64, quick=False)
                assert complete and [r.ref for r in rows] == expected, (term, view)
                quick, _ = reader.first_page(q, 64)
                assert [r.ref for r in quick] == expected[: len(quick)], (term, view)  # a prefix at worst
    finally:
        reader.close()


def test_summary_counts(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    refs = _seed(db_url, settings)
    work = make_work(db_url, settings)
    work.change_status(refs[0], "awaiting_id", version=work.version_of(refs[0]))
    work.db.dispose()
    reader = QueueReader.open(db_url)
    try:
        s = reader.summary(TODAY)
        assert (s.open, s.awaiting_requester) == (3, 1)
        assert s.overdue + s.due_this_week <= 3
        assert reader.ref_width() == len(refs[0])
    finally:
        reader.close()


def test_a_stale_search_stopped_by_the_next_keystroke_raises_count_interrupted(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """`interrupt_counts` (the next keystroke) stops the count lane's query; the reader knows it by the error's
    class and code (SQLITE_INTERRUPT, psycopg's QueryCanceled), not by its wording, and the lane stays usable."""
    import threading

    import pytest

    from dpo_tui.store.queue import CountInterrupted

    _seed(db_url, settings)
    reader = QueueReader.open(db_url)
    q = QueueQuery(view=View.ALL, search="zq", today=TODAY)
    try:
        reader.count(q)  # opens the count lane
        lane = reader._counts
        if not db_url.startswith("sqlite"):
            outcome: list[BaseException] = []

            def slow() -> None:
                try:
                    lane.scan("SELECT pg_sleep(30)", [])
                except BaseException as exc:  # noqa: BLE001  (handed to the test thread)
                    outcome.append(exc)

            t = threading.Thread(target=slow)
            t.start()
            while t.is_alive():  # until the cancel lands (it may arrive before the query starts: send it again)
                reader.interrupt_counts()
                t.join(0.05)
            from dpo_tui.store.queue import _interrupted

            assert len(outcome) == 1 and _interrupted(outcome[0]), outcome
        else:
            lane.conn.set_progress_handler(lambda: reader.interrupt_counts() or 0, 1)  # the keystroke, mid-query
            with pytest.raises(CountInterrupted):
                reader.count(q)
            lane.conn.set_progress_handler(None, 0)
        assert reader.count(q) == 1
    finally:
        reader.close()


def test_a_search_in_due_order_tests_the_search_text_on_the_index_not_on_every_case(sqlite_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """Migration 0021: the queue's default order (Open or All, by due date) walks an index that carries the search
    text, so a search reads only the cases that match (a full case row is ~5 KB; at 1,000,000 cases a term in no
    open case read every open case: 320-480 ms, 23-36 ms with the index). SQLite's plan: PostgreSQL searches
    through its trigram index (migration 0004)."""
    import sqlite3

    from dpo_tui.store.queue import COLUMNS

    _seed(sqlite_url, settings)
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        for view, index in ((View.OPEN, "ix_cases_open_due_search"), (View.ALL, "ix_cases_due_search")):
            where, params = QueueQuery(view=view, sort=Sort.DUE, search="smith", today=TODAY).where(trigram=False)
            sql = f"SELECT {COLUMNS}, due_sort FROM cases WHERE {where} ORDER BY due_sort, id"
            plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
            assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan, (view, plan)
    finally:
        conn.close()


def test_a_search_that_outlasts_the_quick_walk_finds_the_same_page_by_every_route(sqlite_url: str, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """When the budgeted walk of the sort index runs out, the first page comes from the trigram index (few matches:
    read and sorted; many: walked in order) or from finishing the walk. Each route gives exactly the page that
    testing every case's search text in order gives, in every view and sort."""
    import sqlite3

    import dpo_tui.store.queue as queue_module
    from dpo_tui.domain.rights import Right

    work = make_work(sqlite_url, settings)
    names = ("Ann Smith", "Lee Jones", "Zoe Quill", "Bo Zq", "Cy Smith", "Mar Lee", "Ann Lee", "Dee Smithson")
    refs = []
    for i in range(48):
        name = names[i % len(names)]
        refs.append(work.log_request(new_request(
            name=name, email=f"{name.split()[0].lower()}{i}@example.org", received=date(2026, 10, 1 + i % 28),
            rights=(Right.ACCESS,) if i % 3 else (Right.ERASURE,), description=("copy please", "erase me", "zq data")[i % 3],
        )).ref)
    for ref in refs[::5]:
        work.change_status(ref, "completed", reason="answered before the checklist was worked", version=work.version_of(ref))
    work.db.dispose()
    routes: list[str] = []
    real_few = QueueReader._few_matches
    monkeypatch.setattr(QueueReader, "_few_matches", lambda self, terms: routes.append("fallback") or real_few(self, terms))
    monkeypatch.setattr(queue_module, "SCAN_BUDGET_S", 0.0)  # the walk runs out at once: the other routes answer
    monkeypatch.setattr(queue_module, "SHORT_BUDGET_S", 0.0)
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    reader = QueueReader.open(sqlite_url)
    try:
        for few in (0, 10_000):  # every term many / every term few
            monkeypatch.setattr(queue_module, "FEW_MATCHES", few)
            for term in ("smith", "lee", "zq", "zoe quill", "nobody", "ann smi", "e", "qu"):
                for view in (View.OPEN, View.ALL, View.CLOSED):
                    for sort in Sort:
                        q = QueueQuery(view=view, sort=sort, search=term, today=TODAY)
                        where, params = q.where()
                        col = queue_module.SORT_COLUMN[sort]
                        way = "DESC" if sort in queue_module.DESCENDING else "ASC"
                        sql = f"SELECT ref FROM cases WHERE {where} ORDER BY {col} {way}, id {way} LIMIT 64"
                        expected = [ref for (ref,) in conn.execute(sql, [queue_module._sqlite_value(p) for p in params])]
                        rows, complete = reader.first_page(q, 64, quick=False)
                        assert complete and [r.ref for r in rows] == expected, (few, term, view, sort)
        assert routes  # the fallback was taken, not only the walk
    finally:
        reader.close()
        conn.close()


def test_every_two_letter_term_finds_exactly_the_cases_containing_it(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """The trigram-index path for a rare two-letter term (migration 0020) finds the same cases as reading every
    search text: the term inside a word, at a word's edge, at the very end of the text (no trigram starts there),
    next to letters the index folds its own way, and in a case whose text changed."""
    work = make_work(db_url, settings)
    descriptions = ("Copy of my data, zq", "Erase it all qx", "Access: café zq-xq ÉZ", "nothing here", "data ends in zé")
    refs = [work.log_request(new_request(name=f"Name {i}", email=f"n{i}@ex.org", description=d)).ref
            for i, d in enumerate(descriptions)]  # fmt: skip
    changed = work.change_status(refs[3], "in_progress", version=work.version_of(refs[3]))
    with work.write() as s:  # a changed text must leave the index's trigrams too
        from sqlalchemy import text

        s.execute(text("UPDATE cases SET search_text = search_text || ' zz' WHERE ref = :ref"), {"ref": changed.ref})
    texts = [work.get(ref).ref.lower() + " " + d.lower() for ref, d in zip(refs, descriptions)]
    work.db.dispose()
    letters = sorted({c for t in texts for c in t} | {"z", "q", "x", "é"})
    reader = QueueReader.open(db_url)
    try:
        if db_url.startswith("sqlite"):  # PostgreSQL has no such index: its reader scans, and must agree too
            assert reader.short_trigrams("zq") is not None and reader.short_trigrams("zé") is None  # ASCII only
        for a in letters:
            for b in letters:
                q = QueueQuery(view=View.ALL, search=a + b, today=TODAY)
                if ":" in a + b or q.terms != (a + b,):
                    continue  # not one two-letter term (a space splits it; a colon makes a filter)
                expected = [r.ref for r in reader.page_at(q, 0, 64)]  # every search text read
                rows, complete = reader.first_page(q, 64, quick=False)
                assert complete and [r.ref for r in rows] == expected, a + b
        assert [r.ref for r in reader.first_page(QueueQuery(view=View.ALL, search="zz", today=TODAY), 64, quick=False)[0]] == [changed.ref]
    finally:
        reader.close()


def _end_backends(db_url: str) -> int:
    """What a server restart, an administrator or a network drop does to the reader: its connections end."""
    import psycopg

    dsn = db_url.replace("postgresql+psycopg://", "postgresql://", 1)
    name = dsn.rsplit("/", 1)[1]
    with psycopg.connect(dsn.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchone()
    return int(ended[0]) if ended else 0


@pytest.fixture
def pg_url() -> Iterator[str]:
    """Only a server connection can be lost: this test has no SQLite twin."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} to run them")
    yield from _pg_database()


def test_a_lost_postgresql_connection_is_opened_again(pg_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    db_url = pg_url
    refs = _seed(db_url, settings)
    reader = QueueReader.open(db_url)
    try:
        q = QueueQuery(view=View.ALL, search="zq", today=TODAY)
        before = [r.ref for r in reader.page_at(q, 0, 64)]
        reader.summary(TODAY)  # the summary's own connection too
        assert _end_backends(db_url) >= 2
        assert [r.ref for r in reader.page_at(q, 0, 64)] == before == [refs[2]]
        assert reader.count(QueueQuery(view=View.ALL, today=TODAY)) == 4
        assert reader.summary(TODAY).open == 3
    finally:
        reader.close()


def test_times_come_back_in_utc_on_either_backend_and_a_urls_own_options_are_kept(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """A row's times are UTC with Python's own `timezone.utc`, as SQLite gives them (PostgreSQL gave them in the
    server's zone, with a ZoneInfo that made the helper's first page import zoneinfo). On PostgreSQL the UTC session
    is added to the options the URL already carries, not put in their place."""
    from datetime import timezone

    _seed(db_url, settings)
    url = db_url
    if db_url.startswith("postgresql"):
        url = f"{db_url}{'&' if '?' in db_url else '?'}options=-c%20application_name%3Ddpo_tz_probe"
    reader = QueueReader.open(url)
    try:
        (row, *_) = reader.page_at(QueueQuery(today=TODAY), 0, 5)
        assert row.status_since.tzinfo is timezone.utc
        if db_url.startswith("postgresql"):
            assert reader._scalar("SHOW application_name", []) == "dpo_tz_probe"
            assert reader._scalar("SHOW TimeZone", []) == "UTC"
    finally:
        reader.close()
