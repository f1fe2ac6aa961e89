"""The queue's read path: one page of rows at a time, over a plain DB-API connection.

Why not the ORM here: importing SQLAlchemy + SQLModel costs ~0.7 s, more than Textual itself, and the queue
must paint its first rows near the floor of a bare Textual app. So the queue reads with `sqlite3` (stdlib) or
`psycopg`, with SQL kept deliberately simple and portable; every write still goes through the services. Either
driver is imported with the first connection: when a helper process read the first page (store.early_page), the
queue's own process imports it after the first paint.
Pages are fetched by keyset on (sort value, id): the database walks an index from a known row instead of
counting past thousands with OFFSET. OFFSET is used only to jump (home/end).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from dpo_tui.domain.clock_state import ClockState
from dpo_tui.domain.days_left import days_left
from dpo_tui.domain.lifecycle import AWAITING, Status
from dpo_tui.store.queue_filter import BadFilter, Filters, parse_search
from dpo_tui.store.schema import HEAD_REVISION

__all__ = ["BadFilter", "Filters"]  # re-exported: the queue screen catches BadFilter from here

NO_DUE = "9999-12-31"
PAGE = 64  # rows read at a time: more than a screenful (the first page is what the first paint shows)
AWAITING_KEYS = tuple(sorted(s.value for s in AWAITING))


class View(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    AWAITING = "awaiting"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    CLOSED = "closed"
    ALL = "all"
    FOLLOW_UPS = "follow_ups"

    @property
    def label(self) -> str:
        return _VIEW_LABELS[self]


_VIEW_LABELS = {
    View.OPEN: "Open",
    View.OVERDUE: "Overdue",
    View.DUE_SOON: "Due soon",
    View.AWAITING: "Awaiting requester",
    View.MINE: "Mine",
    View.UNASSIGNED: "Unassigned",
    View.CLOSED: "Closed",
    View.ALL: "All",
    View.FOLLOW_UPS: "Follow-ups due",
}


class Sort(StrEnum):
    DUE = "due"
    RECEIVED = "received"
    REF = "ref"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return _SORT_LABELS[self]


_SORT_LABELS = {Sort.DUE: "due date", Sort.RECEIVED: "received, newest first", Sort.REF: "reference", Sort.UPDATED: "last change"}
SORT_COLUMN = {Sort.DUE: "due_sort", Sort.RECEIVED: "received", Sort.REF: "id", Sort.UPDATED: "updated_at"}
DESCENDING = {Sort.RECEIVED, Sort.UPDATED}

COLUMNS = (
    "id, ref, requester_name, requester_email, rights, received, due, clock_state, status, status_since, "
    "assignee, checklist_done, checklist_total, extended, is_open, version, follow_up_on, unread_in, chaser, kind, regime, "
    "stopped_since"
)


# Records read on the way to the first paint are NamedTuples, not frozen dataclasses: a dataclass compiles six
# methods when its module loads (~1 ms a class, against ~0.2 ms), and 18 of them made ~16 ms of a ~200 ms start.
class QueueRow(NamedTuple):
    id: int
    ref: str
    name: str
    email: str
    rights: tuple[str, ...]
    received: date
    due: date | None
    clock_state: ClockState
    status: Status
    status_since: datetime
    assignee: str | None
    checklist_done: int
    checklist_total: int
    extended: bool
    is_open: bool
    version: int  # what bulk actions (assign, status) pass as the version the user saw
    key: tuple[Any, int]  # keyset cursor: (raw sort value, id)
    follow_up_on: date | None = None  # the earliest open follow-up (migration 0016)
    unread: int = 0  # messages that joined the case through intake, not yet read
    chaser: bool = False  # one of them chases an overdue case
    regime: str = ""
    kind: str = "request"  # or "complaint" (migration 0012, issue 15)
    stopped_since: date | None = None  # a stopped clock: days left are frozen from this day

    def follow_up_due(self, today: date) -> bool:
        return self.is_open and self.follow_up_on is not None and self.follow_up_on <= today

    def days_left(self, today: date) -> int | None:
        """The case header's days left (`domain.days_left`): frozen while the clock is stopped."""
        if not self.is_open:
            return None
        return days_left(self.due, today, state=self.clock_state, stopped_since=self.stopped_since)


class QueueQuery(NamedTuple):  # a NamedTuple: see QueueRow
    view: View = View.OPEN
    sort: Sort = Sort.DUE
    search: str = ""
    me: str = ""
    today: date | None = None

    @property
    def parsed(self) -> tuple[tuple[str, ...], Filters]:
        """The search box's words and filters (queue_filter.py). Raises BadFilter."""
        return parse_search(self.search, me=self.me)

    @property
    def terms(self) -> tuple[str, ...]:
        """The search words, without the filters."""
        return self.parsed[0]

    def where(
        self, *, trigram: bool = False, narrow_short: bool = False, short_trigrams: Mapping[str, str] | None = None
    ) -> tuple[str, list[Any]]:
        """SQL conditions and parameters. `trigram`: use the FTS5 index of migration 0002 (SQLite) for terms of 3+
        characters. `narrow_short`: find the cases matching shorter terms first, from the search-text index of
        migration 0019 (SQLite): best for a rare term, where a walk in sort order would read every row; a common
        term is found faster by that walk (and counted faster without the id list). `short_trigrams`: for a
        two-letter term, the FTS5 query of the trigrams that start with it (QueueReader.short_trigrams): its
        cases are those, plus the ones whose search text ends with it (migration 0020)."""
        terms, filters = self.parsed
        today = self.today or date.today()
        conds: list[str] = []
        params: list[Any] = []
        v = self.view
        if v in (View.OPEN, View.OVERDUE, View.DUE_SOON, View.AWAITING, View.MINE, View.UNASSIGNED, View.FOLLOW_UPS):
            conds.append("is_open = ?")
            params.append(True)
        if v is View.OVERDUE:
            conds.append("due_sort < ?")
            params.append(today)
        elif v is View.DUE_SOON:
            conds.append("due_sort >= ? AND due_sort <= ?")
            params += [today, today + timedelta(days=7)]
        elif v is View.AWAITING:
            conds.append(f"status IN ({', '.join('?' for _ in AWAITING_KEYS)})")
            params += list(AWAITING_KEYS)
        elif v is View.MINE:
            conds.append("assignee = ?")
            params.append(self.me)
        elif v is View.UNASSIGNED:
            conds.append("assignee IS NULL")
        elif v is View.FOLLOW_UPS:
            conds.append("follow_up_on <= ?")
            params.append(today)
        elif v is View.CLOSED:
            conds.append("is_open = ?")
            params.append(False)
        more, values = filters.conditions()
        conds += more
        params += values
        for term in terms:
            if trigram and len(term) >= 3:
                # FTS5 trigram: substring match from the index; the phrase quotes make every character literal.
                conds.append("id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)")
                params.append(_phrase(term))
            elif short_trigrams is not None and term in short_trigrams:
                # The candidates from the trigram index, then the exact test (the index folds case its own way).
                tail = "SELECT id FROM cases WHERE substr(search_text, -2) = ?"
                if short_trigrams[term]:
                    conds.append(f"id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ? UNION {tail})")
                    params.append(short_trigrams[term])
                else:
                    conds.append(f"id IN ({tail})")
                params.append(term)
                conds.append("search_text LIKE ? ESCAPE '\\'")
                params.append(f"%{_escape_like(term)}%")
            elif narrow_short:
                # Too short for a trigram: test every case's search text, read from its own compact index.
                conds.append("id IN (SELECT rowid FROM cases WHERE search_text LIKE ? ESCAPE '\\')")
                params.append(f"%{_escape_like(term)}%")
            else:
                conds.append("search_text LIKE ? ESCAPE '\\'")
                params.append(f"%{_escape_like(term)}%")
        return (" AND ".join(conds) or "1=1"), params


def _phrase(text: str) -> str:
    """An FTS5 phrase that matches `text` literally."""
    return '"' + text.replace('"', '""') + '"'


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Summary(NamedTuple):  # a NamedTuple: see QueueRow
    open: int
    overdue: int
    due_this_week: int
    awaiting_requester: int
    to_triage: int = 0  # intake items waiting for the DPO (the triage screen, `i`)


class EarlyRows(NamedTuple):
    """What the first paint reads, read ahead by the helper process (store.early_page); None once used."""

    query: QueueQuery
    limit: int
    rows: list[QueueRow] | None
    ref_width: int | None
    version: int | None = None  # data_version() read just before the rows: changes after it are seen as changes


class CountInterrupted(Exception):
    """A count was stopped by `QueueReader.interrupt_counts`."""


class SchemaMismatch(Exception):
    """The database needs a migration (or is not ours): open it through the full Database first."""


class _Lane:
    """One connection and its lock. The reader keeps two lanes so that counting every match of a search (a scan)
    never holds up the page the user is waiting for: SQLite in WAL mode and PostgreSQL both serve concurrent
    readers, and the drivers release the GIL while a query runs."""

    def __init__(self, connect: Callable[[], Any], pg: bool) -> None:
        self._connect = connect
        self.conn = connect()
        self.pg = pg
        self.lock = threading.Lock()
        self.busy = False  # a statement is running: only then is there anything to interrupt
        self.closed = False  # closed by the reader: a connection found closed then stays closed

    def run(self, sql: str, params: list[Any], *, budget_s: float | None = None) -> list[tuple[Any, ...]] | None:
        """Rows, or None when `budget_s` (SQLite only) ran out before the query finished."""
        rows, complete = self.scan(sql, params, budget_s=budget_s)
        return rows if complete else None

    def scan(
        self, sql: str, params: list[Any], *, budget_s: float | None = None, limit: int | None = None
    ) -> tuple[list[tuple[Any, ...]], bool]:
        """The rows read and whether the query finished. With `budget_s` (SQLite), a query that runs out of time
        returns the rows it had found so far: for a query that walks a sort index, a true prefix of the result."""
        if self.pg:
            sql = sql.replace("%", "%%").replace("?", "%s")
        else:
            params = [_sqlite_value(p) for p in params]
        try:
            return self._scan(sql, params, budget_s, limit)
        except Exception:
            if not self._reopened():
                raise
        return self._scan(sql, params, budget_s, limit)  # the queue only reads: running it again is safe

    def _reopened(self) -> bool:
        """After a failure: if it was the PostgreSQL connection that was lost (a server restart, an administrator
        ending it, a network drop), open a new one and say so. A server that is still down raises here."""
        if not self.pg:
            return False
        with self.lock:
            if self.closed or not (self.conn.closed or self.conn.broken):
                return False  # the reader closed it, or a failed or cancelled statement on a working connection
            self.conn = self._connect()
            return True

    def _scan(
        self, sql: str, params: list[Any], budget_s: float | None, limit: int | None
    ) -> tuple[list[tuple[Any, ...]], bool]:
        rows: list[tuple[Any, ...]] = []
        deadline = float("inf")
        with self.lock:
            if budget_s is not None and not self.pg:
                deadline = time.perf_counter() + budget_s
                self.conn.set_progress_handler(lambda: int(time.perf_counter() > deadline), 1000)
            cur = self.conn.cursor()
            self.busy = True
            try:
                cur.execute(sql, params)
                if limit is None:
                    rows.extend(cur.fetchall())
                else:
                    for r in cur:
                        rows.append(r)
                        if len(rows) >= limit:
                            break
                return rows, True
            except Exception as exc:
                if budget_s is not None and _sqlite_interrupted(exc) and time.perf_counter() > deadline:
                    return rows, limit is not None and len(rows) >= limit
                raise
            finally:
                self.busy = False
                cur.close()
                if budget_s is not None and not self.pg:
                    self.conn.set_progress_handler(None, 0)


# A search term's first page by scanning the due-date index with LIKE stops after 64 matches: instant when the
# term is common, a full scan when it is rare. The trigram index is the opposite. So try the scan briefly and fall
# back to the index: either way the page costs a few milliseconds.
SCAN_BUDGET_S = 0.004
# Terms of one or two characters have no trigram to look up. The scan gets the same budget; the rows found by then
# are shown (a true prefix: the scan walks the sort index), and the page is finished from the search-text index
# (migration 0019) on the interruptible lane, where the next keystroke stops it. A 12 ms budget only delayed the
# rare terms (zq, xq, zz at 100,000 cases: 28-30 ms to their page, 19-20 ms with 4 ms).
SHORT_BUDGET_S = SCAN_BUDGET_S
# A rare two-letter term: when the trigrams that start with it are in fewer cases than this, together, its cases
# are found from the trigram index (<= 1 ms for "zq" at 100,000 cases); above, from the search-text index.
SHORT_TRIGRAM_DOCS = 5_000
SHORT_TRIGRAM_TERMS = 64  # more trigrams than this start with it: a common term
# A term of 3+ characters in at most this many cases: its cases are read and sorted (QueueReader._order, `after`).
# Reading a case costs a few microseconds: 2,000 of them cost about what walking 180,000 index entries does.
FEW_MATCHES = 2_000


def _sqlite_interrupted(exc: BaseException) -> bool:
    """SQLite stopped the statement: `interrupt()` or a progress handler that ran out of time (SQLITE_INTERRUPT).
    sqlite3 is looked up, not imported: when it was never loaded, no SQLite statement ran."""
    sqlite3 = sys.modules.get("sqlite3")
    return (
        sqlite3 is not None
        and isinstance(exc, sqlite3.OperationalError)
        and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT
    )


def _interrupted(exc: BaseException) -> bool:
    """A statement stopped by `QueueReader.interrupt_counts`: SQLite's interrupt, or PostgreSQL's query cancel.
    psycopg is looked up, not imported: when it was never loaded, no PostgreSQL query was cancelled."""
    if _sqlite_interrupted(exc):
        return True
    errors = sys.modules.get("psycopg.errors")
    return errors is not None and isinstance(exc, errors.QueryCanceled)


class QueueReader:
    """Read connections for the queue (thread-safe; used from Textual worker threads)."""

    def __init__(self, connect: Any, pg: bool, *, early: EarlyRows | None = None) -> None:
        self._pg = pg
        self._connect = connect
        # With `early` (the first page, read by a helper process: store.early_page), the page connection too
        # opens on first use (the read ahead of the next pages, after the first paint); `early` answers the first
        # paint's two reads, once.
        self._early = early
        self._page_lane: _Lane | None = None if early is not None else _Lane(connect, pg)
        # The other two connections open on first use, off the first paint's path (a PostgreSQL connection
        # costs a round trip or three before the first row could be painted).
        self._count_lane: _Lane | None = None
        self._summary_lane: _Lane | None = None
        self._open_lock = threading.Lock()

    def _opened(self, attr: str) -> _Lane:
        """The lane held in `attr`, its connection opened on first use (once, whichever thread asks first)."""
        lane = getattr(self, attr)
        if lane is None:
            with self._open_lock:
                lane = getattr(self, attr)
                if lane is None:
                    lane = _Lane(self._connect, self._pg)
                    setattr(self, attr, lane)
        return lane

    @property
    def _pages(self) -> _Lane:
        return self._opened("_page_lane")

    @property
    def _counts(self) -> _Lane:
        return self._opened("_count_lane")

    @classmethod
    def open(cls, url: str, *, early: EarlyRows | None = None) -> QueueReader:
        """The reader of the database at `url`. Raises SchemaMismatch when it must be created or migrated first.
        `early`: the first page as a helper process read it (store.early_page). With it, no connection is opened
        here: the helper has read the schema revision and the rows the first paint needs."""
        connect, pg = _connector(url)
        if early is not None:
            return cls(connect, pg, early=early)
        reader = cls(connect, pg)
        try:
            revision = reader._scalar("SELECT version_num FROM alembic_version", [])
        except Exception:
            reader.close()
            raise SchemaMismatch("no dpo-tui schema yet") from None
        if revision != HEAD_REVISION:
            reader.close()
            raise SchemaMismatch(f"schema {revision} needs upgrading to {HEAD_REVISION}")
        return reader

    def close(self) -> None:
        # Under each lane's lock: a worker thread may be mid-query (closing under it crashed the interpreter).
        for lane in (self._page_lane, self._count_lane, self._summary_lane):
            if lane is not None:
                with lane.lock:
                    lane.closed = True
                    lane.conn.close()

    def _run(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return self._pages.run(sql, params) or []

    def _scalar(self, sql: str, params: list[Any], *, lane: _Lane | None = None) -> Any:
        rows = (lane or self._pages).run(sql, params) or []
        return rows[0][0] if rows else None

    # ---- queries ---------------------------------------------------------------------------

    def any_cases(self) -> bool:
        """Whether the database holds a case at all (an empty queue then says how to log the first)."""
        return bool(self._scalar("SELECT EXISTS (SELECT 1 FROM cases)", []))

    def count(self, q: QueueQuery) -> int:
        """Matches of `q`. Raises CountInterrupted if `interrupt_counts` stopped it."""
        where, params = q.where(trigram=not self._pg)
        try:
            return int(self._scalar(f"SELECT COUNT(*) FROM cases WHERE {where}", params, lane=self._counts))
        except Exception as exc:
            if _interrupted(exc):
                raise CountInterrupted from None
            raise

    def first_page(self, q: QueueQuery, limit: int, *, quick: bool = True) -> tuple[list[QueueRow], bool]:
        """The first `limit` rows of `q` and whether they are all of them (False: a prefix, more may follow).

        Searches run on the interruptible lane, so a stale keystroke's page stops when the next one arrives
        (`interrupt_counts`; raises CountInterrupted). `quick`: one- and two-character terms, which no trigram
        index serves, scan for at most SHORT_BUDGET_S and return what they found; call again with quick=False
        for the rest."""
        terms = q.terms
        if not terms:
            return self.page_at(q, 0, limit), True
        try:
            if self._pg:
                # pg_trgm (migration 0004) serves LIKE for 3+ characters; shorter terms scan, cancellably.
                return self._search(q, *q.where(), self._order(q), limit, in_sql=True)
            short_only = all(len(t) < 3 for t in terms)
            walk = q.where(trigram=False)  # the walk of the sort index, testing each case's search text
            # In due-date order the walk tests the search text on the sort index's own entries (migration 0021):
            # finishing it reads only matching cases (~22 ms for 180,000 open cases), cheaper than collecting a
            # term's every match from an index when they are many.
            walk_is_cheap = q.sort is Sort.DUE
            if short_only and len(terms) == 1 and not quick:
                # The quick walk of the sort index found too few: the term is rare here. A rare two-letter term is
                # looked up in the trigram index (migration 0020): read its few cases and sort them.
                via = self.short_trigrams(terms[0])
                if via is None and walk_is_cheap:
                    return self._search(q, *walk, self._order(q), limit)
                # Otherwise read the ids of every match from the search-text index (migration 0019: a compact
                # scan, no case rows), then sort just those.
                where, params = q.where(trigram=True, narrow_short=True, short_trigrams=via)
                return self._search(q, where, params, self._order(q, after=via is not None), limit, in_sql=True)
            budget = (SHORT_BUDGET_S if quick else None) if short_only else SCAN_BUDGET_S
            rows, complete = self._search(q, *walk, self._order(q), limit, budget_s=budget)
            if complete or short_only:
                return rows, complete
            few = self._few_matches(terms)
            if not few and walk_is_cheap:
                return self._search(q, *walk, self._order(q), limit)
            where, params = q.where(trigram=True)
            return self._search(q, where, params, self._order(q, after=few), limit, in_sql=True)
        except Exception as exc:
            if _interrupted(exc):
                raise CountInterrupted from None
            raise

    def short_trigrams(self, term: str) -> dict[str, str] | None:
        """For a rare two-letter ASCII term (SQLite): {term: FTS5 query of the indexed trigrams that start with it}
        ("" when none does). None when the term is common (the trigrams' cases together number more than
        SHORT_TRIGRAM_DOCS: merging their lists costs more than scanning the search-text index) or not ASCII (the
        index folds other letters in its own way, so its trigrams might not be the search text's)."""
        if self._pg or len(term) != 2 or not term.isascii():
            return None
        upper = term[0] + chr(ord(term[1]) + 1)  # every trigram that starts with `term` sorts below this
        # fts5vocab reads each trigram's whole list of cases to count them: stop at a number no rare term reaches.
        sql = "SELECT term, doc FROM cases_fts_terms WHERE term >= ? AND term < ? LIMIT ?"
        found = self._pages.run(sql, [term, upper, SHORT_TRIGRAM_TERMS + 1])
        if found is None or len(found) > SHORT_TRIGRAM_TERMS or sum(doc for _, doc in found) > SHORT_TRIGRAM_DOCS:
            return None
        return {term: " OR ".join(_phrase(trigram) for trigram, _ in found)}

    def interrupt_counts(self) -> None:
        """Stop a count or search page that no longer matters (the search changed): work for stale keystrokes
        must not queue up behind each other. Safe from any thread; a no-op when nothing is running."""
        lane = self._count_lane
        if lane is None or not lane.busy:
            return
        if self._pg:
            # A PostgreSQL cancel opens a connection to the server (2-10 ms, more on a remote server): never on the
            # caller's (UI) thread. It may land on the statement that follows the stale one; callers retry a
            # statement interrupted while still wanted (QueueScreen._fetch).
            threading.Thread(target=lane.conn.cancel_safe, name="queue-cancel", daemon=True).start()
        else:
            lane.conn.interrupt()

    def page_at(self, q: QueueQuery, offset: int, limit: int) -> list[QueueRow]:
        early = self._early
        if early is not None and early.rows is not None and (q, offset, limit) == (early.query, 0, early.limit):
            self._early = early._replace(rows=None)  # once: the first paint's page; every later read is live
            return early.rows

        def sql(trigram: bool) -> tuple[str, list[Any]]:
            where, params = q.where(trigram=trigram)
            order = self._order(q)
            return f"SELECT {COLUMNS}, {SORT_COLUMN[q.sort]} FROM cases WHERE {where} {order} LIMIT ? OFFSET ?", params

        tail = [limit, max(offset, 0)]
        rows: list[tuple[Any, ...]] | None = None
        if not self._pg and q.terms:
            scan, params = sql(False)
            rows = self._pages.run(scan, params + tail, budget_s=SCAN_BUDGET_S)
        if rows is None:
            indexed, params = sql(not self._pg)
            rows = self._run(indexed, params + tail)
        return [self._row(r) for r in rows]

    def page_after(self, q: QueueQuery, key: tuple[Any, int], limit: int) -> list[QueueRow]:
        return self._page_from(q, key, limit, forward=True)

    def page_before(self, q: QueueQuery, key: tuple[Any, int], limit: int) -> list[QueueRow]:
        return list(reversed(self._page_from(q, key, limit, forward=False)))

    def _page_from(self, q: QueueQuery, key: tuple[Any, int], limit: int, *, forward: bool) -> list[QueueRow]:
        where, params = q.where(trigram=not self._pg)
        col = SORT_COLUMN[q.sort]
        later = forward != (q.sort in DESCENDING)
        op = ">" if later else "<"
        if col == "id":
            cond, extra = f"id {op} ?", [key[1]]
        else:
            cond, extra = f"({col} {op} ? OR ({col} = ? AND id {op} ?))", [key[0], key[0], key[1]]
        sql = f"SELECT {COLUMNS}, {col} FROM cases WHERE {where} AND {cond} {self._order(q, reverse=not forward)} LIMIT ?"
        return [self._row(r) for r in self._run(sql, params + extra + [limit])]

    def index_of(self, q: QueueQuery, key: tuple[Any, int]) -> int:
        """How many rows come before `key` (to keep the cursor on a case across refreshes)."""
        where, params = q.where(trigram=not self._pg)
        col = SORT_COLUMN[q.sort]
        op = ">" if q.sort in DESCENDING else "<"
        if col == "id":
            cond, extra = f"id {op} ?", [key[1]]
        else:
            cond, extra = f"({col} {op} ? OR ({col} = ? AND id {op} ?))", [key[0], key[0], key[1]]
        return int(self._scalar(f"SELECT COUNT(*) FROM cases WHERE {where} AND {cond}", params + extra, lane=self._counts))

    def summary(self, today: date) -> Summary:
        """The summary line's four counts, each an index-only count (migration 0004), on a connection of its
        own: it never waits for, or holds up, a page or a search."""
        week = today + timedelta(days=7)
        marks = ", ".join("?" for _ in AWAITING_KEYS)
        sql = (
            "SELECT "
            "(SELECT COUNT(*) FROM cases WHERE is_open = ?), "
            "(SELECT COUNT(*) FROM cases WHERE is_open = ? AND due_sort < ?), "
            "(SELECT COUNT(*) FROM cases WHERE is_open = ? AND due_sort >= ? AND due_sort <= ?), "
            f"(SELECT COUNT(*) FROM cases WHERE is_open = ? AND status IN ({marks})), "
            "(SELECT COUNT(*) FROM pending_intake WHERE status = ?)"
        )
        params: list[Any] = [True, True, today, True, today, week, True, *AWAITING_KEYS, "needs_triage"]
        row = (self._opened("_summary_lane").run(sql, params) or [(0, 0, 0, 0, 0)])[0]
        return Summary(*(int(v or 0) for v in row))

    def ref_width(self) -> int:
        """Characters in the longest reference issued: `DSAR-<year>-<number, at least 4 digits>` from the
        per-year counters (a one-row read, where MAX(LENGTH(ref)) would read every case)."""
        early = self._early
        if early is not None and early.ref_width is not None:
            self._early = early._replace(ref_width=None)
            return early.ref_width
        row = (self._pages.run("SELECT MAX(year), MAX(last) FROM ref_counters", []) or [(None, None)])[0]
        year, last = row
        if year is None:
            return 14
        return len(f"DSAR-{year}-{int(last or 0):04d}")

    def data_version(self) -> int:
        """Changes whenever any case changes: every service call appends an audit event."""
        early = self._early
        if early is not None and early.version is not None:
            self._early = early._replace(version=None)
            return early.version
        return int(self._scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_head", []) or 0)

    def find(self, text: str, limit: int = 20) -> list[QueueRow]:
        """Cases whose reference or name matches (the command palette's "go to case")."""
        try:
            return self.page_at(QueueQuery(view=View.ALL, sort=Sort.REF, search=text), 0, limit)
        except BadFilter:
            return []

    def _order(self, q: QueueQuery, *, reverse: bool = False, after: bool = False) -> str:
        """The ORDER BY of `q`. `after` (SQLite): sort the rows found rather than walk a sort index in order (the
        unary + keeps any index from serving the order, not the values): for a few matches from the trigram
        index, reading just those and sorting them beats walking the index to test every entry against them
        (0.0-0.4 ms against ~20 ms at 1,000,000 cases)."""
        col = SORT_COLUMN[q.sort]
        desc = (q.sort in DESCENDING) != reverse
        direction = "DESC" if desc else "ASC"
        plus = "+" if after else ""
        if col == "id":
            return f"ORDER BY {plus}id {direction}"
        return f"ORDER BY {plus}{col} {direction}, {plus}id {direction}"

    def _search(
        self, q: QueueQuery, where: str, params: list[Any], order: str, limit: int, *,
        budget_s: float | None = None, in_sql: bool = False,
    ) -> tuple[list[QueueRow], bool]:
        """Up to `limit` rows of a search on the interruptible lane, and whether they are all. `in_sql`: the limit
        is the statement's; otherwise rows are read until `limit` (or `budget_s` runs out: a prefix)."""
        sql = f"SELECT {COLUMNS}, {SORT_COLUMN[q.sort]} FROM cases WHERE {where} {order}"
        if in_sql:
            rows, complete = self._counts.scan(f"{sql} LIMIT ?", params + [limit])
        else:
            rows, complete = self._counts.scan(sql, params, budget_s=budget_s, limit=limit)
        return [self._row(r) for r in rows], complete

    def _few_matches(self, terms: tuple[str, ...]) -> bool:
        """Whether a trigram term (3+ characters) is in at most FEW_MATCHES cases (SQLite; counting stops there):
        the cases of a search are among those of each of its terms."""
        sql = "SELECT COUNT(*) FROM (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ? LIMIT ?)"
        for term in terms:
            if len(term) >= 3:
                rows, _ = self._counts.scan(sql, [_phrase(term), FEW_MATCHES + 1])
                if rows[0][0] <= FEW_MATCHES:
                    return True
        return False

    def _row(self, r: tuple[Any, ...]) -> QueueRow:
        return QueueRow(
            id=r[0],
            ref=r[1],
            name=r[2],
            email=r[3],
            rights=tuple(r[4].split(",")),
            received=_date(r[5]),
            due=_date(r[6]) if r[6] else None,
            clock_state=_CLOCK_STATES[r[7]],
            status=_STATUSES[r[8]],
            status_since=_datetime(r[9]),
            assignee=r[10],
            checklist_done=int(r[11]),
            checklist_total=int(r[12]),
            extended=bool(r[13]),
            is_open=bool(r[14]),
            version=int(r[15]),
            follow_up_on=_date(r[16]) if r[16] else None,
            unread=int(r[17] or 0),
            chaser=bool(r[18]),
            kind=r[19] or "request",
            regime=r[20],
            stopped_since=_date(r[21]) if r[21] else None,
            key=(r[22], r[0]),
        )


def _connector(url: str) -> tuple[Callable[[], Any], bool]:
    """How the reader connects to the database at `url` (nothing is opened yet), and whether it is PostgreSQL.
    Raises SchemaMismatch for an SQLite file that does not exist (connecting would create an empty one)."""
    if not url.startswith("sqlite:///"):
        return _pg_connect(url), True
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise SchemaMismatch(f"{path} does not exist yet")

    def connect() -> Any:
        import sqlite3

        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=15)
        conn.execute("PRAGMA query_only=1")
        return conn

    return connect, False


def _pg_connect(url: str) -> Callable[[], Any]:
    """How the reader connects to PostgreSQL. psycopg is imported on the first connection, not before."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)

    def connect() -> Any:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        # prepare_threshold=None: psycopg prepares a statement after 5 runs, and PostgreSQL then plans it once for
        # any search term; a plan made without seeing the pattern walked the trigram index for one-letter terms
        # (0.3 s a keystroke at 100,000 cases, against 1 ms planned for the literal term).
        # TimeZone=UTC: times come back in UTC, as the database keeps them and as SQLite gives them, and with
        # Python's own `timezone.utc`. In the server's zone (Etc/UTC here) each came with a ZoneInfo, and the first
        # page's rows, sent from the helper, imported zoneinfo to be read: ~1.6 ms of the first paint (traced).
        # Added to the URL's own options (a search_path, say), which a keyword alone would replace.
        options = f"{conninfo_to_dict(dsn).get('options') or ''} -c TimeZone=UTC".strip()
        return psycopg.connect(dsn, autocommit=True, connect_timeout=5, prepare_threshold=None, options=options)

    return connect


# Row words to enum members by dict: `Enum(value)` costs ~1.3 us a call, a page of rows ~0.1 ms (the CHECK
# constraints of migration 0009 guarantee every stored word is a member).
_CLOCK_STATES = {s.value: s for s in ClockState}
_STATUSES = {s.value: s for s in Status}


def _sqlite_value(value: Any) -> Any:
    # Match how SQLAlchemy stores values in SQLite: ISO dates, 1/0 booleans.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
