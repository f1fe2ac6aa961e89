"""`dpo-tui demo`: story cases through the real services, then the bulk of simple cases inserted in chunks.

Same seed and same "today" give the same data. The bulk cases are computed with the real deadline engine and
checklist expansion and chained into the audit trail like any other; only the insertion is batched, because
100,000 one-case transactions would take minutes.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import importlib.util
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlmodel import select

from dpo_tui.domain.states import SearchResult
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.checklist import ChecklistItemSpec
from dpo_tui.domain.clock import ClockEvent, ClockEventKind, ClockState, compute_deadline
from dpo_tui.domain.rights import Right
from dpo_tui.domain.workdays import WorkCalendar
from dpo_tui.services.casework import Casework, cached_deadline, search_words
from dpo_tui.services.checklists import specs_for
from dpo_tui.settings import Settings
from dpo_tui.store import audit
from dpo_tui.store.database import Database
from dpo_tui.store.models import NO_DUE, AuditEvent, Case, ChecklistItem, ClockEventRow, RefCounter

STORY_MODULES = (
    "dpo_tui.demo.identity_stories",
    "dpo_tui.demo.decision_stories",
    "dpo_tui.demo.checklist_stories",
    "dpo_tui.demo.letter_stories",
    "dpo_tui.demo.pack_stories",
)
CHUNK = 5000

FIRST = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Freya Florence Grace Sophia Evie Ella Harper Aisha Priya Zara Chloe Emily "
    "Noah Oliver George Leo Arthur Muhammad Oscar Harry Jack Theo Charlie Jacob Finley Arjun Tomasz Kwame Liam Mateo "
    "Sean Niamh Aoife Conor Ciara Lukas Marie Sofia Jonas Hannah Camille Lucas Ines Diego Carmen Wei Mei Hiro Yuki"
).split()
LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker White Roberts "
    "Green Hall Wood Jackson Clarke Khan Murphy Kelly OBrien Byrne Walsh Ryan Muller Schmidt Fischer Weber Martin "
    "Bernard Dubois Garcia Rodriguez Lopez Novak Kowalski Nowak Chen Wang Li Tanaka Sato Okafor Mensah Singh Ali"
).split()
DOMAINS = ("example.org", "example.com", "mail.example.net", "post.example.co.uk")
ASSIGNEES = ("Jordan Ellis", "Sam Patel", "Alex Morgan")
REQUEST_TEXTS = {
    Right.ACCESS: "Please send me a copy of all the personal data you hold about me, under Article 15.",
    Right.RECTIFICATION: "My job title and company in your records are out of date; please correct them.",
    Right.ERASURE: "Please delete all my personal data and confirm when done.",
    Right.RESTRICTION: "Please stop using my data while you check its accuracy.",
    Right.PORTABILITY: "Please send the data I gave you in a machine-readable format.",
    Right.OBJECTION: "I object to receiving marketing emails. Stop contacting me.",
    Right.AUTOMATED_DECISION: "Was any decision about me made by automated means? I want a human review.",
    Right.WITHDRAW_CONSENT: "I withdraw my consent to your newsletters and event emails.",
}
RIGHT_WEIGHTS = (
    (Right.ACCESS, 50), (Right.ERASURE, 18), (Right.OBJECTION, 10), (Right.RECTIFICATION, 8),
    (Right.WITHDRAW_CONSENT, 6), (Right.PORTABILITY, 3), (Right.RESTRICTION, 3), (Right.AUTOMATED_DECISION, 2),
)  # fmt: skip
REGIMES = (("uk-gdpr", "GB", "ENG", 70), ("uk-gdpr", "GB", "SCT", 6), ("uk-gdpr", "GB", "NIR", 4),
           ("eu-gdpr", "IE", None, 7), ("eu-gdpr", "DE", None, 5), ("ccpa", "US", "CA", 8))  # fmt: skip
CHANNELS = (("email", 60), ("web", 25), ("post", 8), ("phone", 4), ("social", 2), ("in_person", 1))


@dataclass(frozen=True)
class DemoResult:
    stories: int
    bulk: int


def generate(
    url: str,
    n_cases: int,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
    *,
    today: date | None = None,
    settings: Settings | None = None,
) -> DemoResult:
    """Add `n_cases` demo cases to the database at `url` (stories first, then bulk)."""
    from dpo_tui.settings import load_settings

    today = today or date.today()
    settings = settings or load_settings()
    db = Database.open(url)
    try:
        work = Casework(db, settings, today=lambda: today)
        rng = random.Random(seed)
        stories = _run_stories(work, today, rng, limit=n_cases)
        bulk = max(n_cases - stories, 0)
        _bulk(work, bulk, today, rng, progress, done_before=stories, total=n_cases)
        return DemoResult(stories, bulk)
    finally:
        db.dispose()


def story_functions() -> list[Callable[[Casework, date, random.Random], None]]:
    out: list[Callable[[Casework, date, random.Random], None]] = []
    for name in STORY_MODULES:
        if importlib.util.find_spec(name) is not None:
            out.extend(getattr(importlib.import_module(name), "STORIES", []))
    return out


def _run_stories(work: Casework, today: date, rng: random.Random, *, limit: int) -> int:
    count = 0
    for story in story_functions():
        if count >= limit:
            break
        before = _case_count(work)
        story(work, today, rng)
        count += _case_count(work) - before
    return count


def _case_count(work: Casework) -> int:
    from sqlalchemy import func

    with work.db.reader() as s:
        return int(s.execute(select(func.count()).select_from(Case)).scalar_one())


_CUM_WEIGHTS: dict[tuple[Any, ...], list[int]] = {}


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, ...]]) -> Any:
    # cum_weights given draws exactly what weights= draws (choices accumulates them itself), without the
    # per-call list building that was a tenth of a bulk case's cost.
    cum = _CUM_WEIGHTS.get(pairs)  # type: ignore[call-overload]
    if cum is None:
        cum = _CUM_WEIGHTS[pairs] = list(itertools.accumulate(p[-1] for p in pairs))  # type: ignore[index]
    return rng.choices(pairs, cum_weights=cum)[0]


def _pick_rights(rng: random.Random) -> tuple[Right, ...]:
    first = _weighted(rng, RIGHT_WEIGHTS)[0]
    rights = [first]
    if first is Right.ERASURE and rng.random() < 0.4:
        rights += [Right.OBJECTION, Right.WITHDRAW_CONSENT][: rng.randint(1, 2)]
    elif first is Right.ACCESS and rng.random() < 0.1:
        rights.append(Right.RECTIFICATION)
    return tuple(rights)


def _bulk(
    work: Casework,
    n: int,
    today: date,
    rng: random.Random,
    progress: Callable[[int, int], None] | None,
    *,
    done_before: int,
    total: int,
) -> None:
    if n <= 0:
        return
    specs_by_rights: dict[str, list[ChecklistItemSpec]] = {}
    made = 0
    for batch in _planned_batches(work, n, today, rng):
        for p in batch:
            if p.rights not in specs_by_rights:
                specs_by_rights[p.rights] = specs_for(work.settings, tuple(Right(r) for r in p.rights.split(",")))
        with work.db.write() as s:
            if work.db.is_sqlite:
                # 128 MB of page cache (default 2 MB): the checklist table's two indexes stop thrashing at 1M.
                s.connection().exec_driver_sql("PRAGMA cache_size=-131072")
            _insert_batch(s, batch, work.actor, specs_by_rights)
        made += len(batch)
        if progress:
            progress(done_before + made, total)


def _plan(work: Casework, n: int, today: date, rng: random.Random) -> Iterator[list[_Planned]]:
    spec_cache: dict[tuple[Right, ...], list[ChecklistItemSpec]] = {}
    regimes = {key: work.regime(key) for key in ("uk-gdpr", "eu-gdpr", "ccpa")}
    bind = _Binder(work.db.engine.dialect)
    made = 0
    while made < n:
        size = min(CHUNK, n - made)
        yield [_one_case(rng, today, regimes, spec_cache, work, bind) for _ in range(size)]
        made += size


def _planned_batches(work: Casework, n: int, today: date, rng: random.Random) -> Iterator[list[_Planned]]:
    """The bulk cases in batches, in the order the seeded `rng` draws them. Above a few thousand cases they are
    planned in a forked process while this one writes the previous batch (two cores: a 1M-case run was ~60%
    planning, ~40% writing). The planner is sequential either way, so a seed and day give the same data."""
    ctx = None
    if n > 2 * CHUNK and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
    if ctx is None:
        yield from _plan(work, n, today, rng)
        return
    queue: Any = ctx.Queue(maxsize=2)
    child = ctx.Process(target=_plan_into, args=(queue, work, n, today, rng), daemon=True)
    child.start()
    try:
        while True:
            batch = queue.get()
            if batch is None:
                break
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _plan_into(queue: Any, work: Casework, n: int, today: date, rng: random.Random) -> None:
    # In the forked child: plan only (pure Python); never touch the parent's database connections.
    try:
        for batch in _plan(work, n, today, rng):
            queue.put(batch)
        queue.put(None)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        queue.put(RuntimeError(f"demo planner failed: {exc!r}"))
    queue.close()
    queue.join_thread()
    os._exit(0)


# A bulk case's own columns, in the order of `_Planned.row`; the writer puts id, ref and search_text before them.
_CASE_COLUMNS = (
    "regime", "country", "subdivision", "channel", "received", "status", "is_open", "rights", "requester_name",
    "requester_email", "email_norm", "description", "assignee", "clock_state", "clock_start", "legal_due", "due",
    "due_sort", "extension_notice_by", "extended", "paused_days", "status_since", "identity", "decision",
    "checklist_done", "checklist_total", "outcome", "final_response_on", "created_at", "updated_at", "closed_at",
    "version",
)  # fmt: skip
_CLOCK_COLUMNS = ("case_id", "kind", "on", "reason", "recorded_by", "recorded_at")


@dataclass
class _Planned:
    """One bulk case as the writer needs it: every value already converted for the database driver (the planner
    runs in its own process; the writer only numbers the cases and hands rows to executemany)."""

    year: int  # of receipt: the reference's year
    rights: str
    words: str  # search words after the reference (name, email, request text), lower-cased
    row: tuple[Any, ...]  # _CASE_COLUMNS
    clock: list[tuple[Any, ...]]  # (kind, on, reason, recorded_at) per clock event
    items: list[tuple[Any, ...]]  # (state, search_terms, found, done_by, done_at) per spec, in order
    payload: str  # the audit event's payload and its digest
    payload_sha: str


def _one_case(
    rng: random.Random,
    today: date,
    regimes: dict[str, Any],
    spec_cache: dict[tuple[Right, ...], list[ChecklistItemSpec]],
    work: Casework,
    bind: _Binder,
) -> _Planned:
    regime_key, country, subdivision, _ = _weighted(rng, REGIMES)
    regime = regimes[regime_key]
    rights = _pick_rights(rng)
    age = int(rng.triangular(0, 420, 20))
    received = today - timedelta(days=age)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    email = f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}".lower()
    events = [ClockEvent(ClockEventKind.RECEIVED, received)]
    assignee = rng.choice((*ASSIGNEES, None)) if age > 2 else None
    closed_on: date | None = None
    if age > 45 and rng.random() < 0.985:
        status = _weighted(rng, ((Status.COMPLETED, 85), (Status.WITHDRAWN, 15)))[0]
        closed_on = min(today, received + timedelta(days=rng.randint(6, 36)))
    elif age <= 3:
        status = Status.NEW
    else:
        status = Status.IN_PROGRESS
    if status != Status.NEW and regime_key == "uk-gdpr" and rng.random() < 0.06 and closed_on is None and age < 40:
        told = received + timedelta(days=rng.randint(2, 20))
        if told <= today:
            events.append(ClockEvent(ClockEventKind.EXTENDED, told, "complex"))
    dl = _deadline(regime, country, subdivision, events, rights, work)
    if rights not in spec_cache:
        spec_cache[rights] = specs_for(work.settings, rights)
    specs = spec_cache[rights]
    if status == Status.COMPLETED:
        done = len(specs)
    elif status == Status.IN_PROGRESS:
        done = rng.randint(0, len(specs) - 1) if specs else 0
    else:
        done = 0
    closed_at = datetime.combine(closed_on, time(16, 30), tzinfo=timezone.utc) if closed_on else None
    created = datetime.combine(received, time(9, 0), tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 480))
    description = REQUEST_TEXTS[rights[0]]
    case = dict(
        regime=regime_key, country=country, subdivision=subdivision, channel=_weighted(rng, CHANNELS)[0],
        received=received, status=status, is_open=closed_on is None, rights=",".join(r.value for r in rights),
        requester_name=name, requester_email=email, email_norm=email, description=description, assignee=assignee,
        **(cached_deadline(dl) | ({"clock_state": ClockState.ENDED.value, "stopped_since": None,
                                    "due_sort": dl.effective_due or NO_DUE} if closed_on else {})),
        status_since=closed_at or created, identity={}, decision=_decision(events),
        checklist_done=done, checklist_total=len(specs), outcome=status if closed_on else None,
        final_response_on=closed_on if status == Status.COMPLETED else None, created_at=created,
        updated_at=closed_at or created, closed_at=closed_at, version=1,
    )  # fmt: skip
    who = assignee or "Jordan Ellis"
    at = bind(_ITEM_DONE_AT, closed_at or created)
    # Per item only what varies (state, search record, who and when); the spec's columns are joined at insert.
    items = []
    for pos, spec in enumerate(specs):
        if pos < done:
            searched = spec.requires_search_record
            found = (SearchResult.FOUND if rng.random() < 0.6 else SearchResult.NOTHING_FOUND) if searched else None
            items.append(("done", f"{email}; {name}" if searched else None, found, who, at))
        else:
            items.append(_OPEN_ITEM)
    recorded_at = bind(_CLOCK_RECORDED_AT, created)
    clock = [(e.kind.value, bind(_CLOCK_ON, e.on), e.reason, recorded_at) for e in events]
    payload, payload_sha = bind.payload(case["rights"], status, received)
    return _Planned(
        received.year, case["rights"], search_words(name, email, description),
        tuple(bind(col, case[col.name]) for col in _CASE_TABLE_COLUMNS), clock, items, payload, payload_sha,
    )


_OPEN_ITEM = ("open", None, None, None, None)
_CASE_TABLE_COLUMNS = tuple(Case.__table__.c[name] for name in _CASE_COLUMNS)  # type: ignore[attr-defined]
_ITEM_DONE_AT = ChecklistItem.__table__.c.done_at  # type: ignore[attr-defined]
_CLOCK_ON = ClockEventRow.__table__.c.on  # type: ignore[attr-defined]
_CLOCK_RECORDED_AT = ClockEventRow.__table__.c.recorded_at  # type: ignore[attr-defined]


_DEADLINES: dict[tuple[Any, ...], Any] = {}
_CALENDARS: dict[tuple[str, str | None], WorkCalendar] = {}


def _deadline(regime: Any, country: str, subdivision: str | None, events: list[ClockEvent], rights: tuple[Right, ...], work: Casework) -> Any:
    """compute_deadline, memoised: bulk cases share a few thousand (regime, calendar, dates, rights) combinations,
    and the engine was ~0.3 ms a case (290 s of a 1M-case run). A bulk case's clock only ever starts on receipt,
    so closing it changes nothing but the state (ended), which the caller sets; the dates are the engine's."""
    key = (regime.key, country, subdivision, tuple((e.kind, e.on, e.reason) for e in events), rights)
    dl = _DEADLINES.get(key)
    if dl is None:
        calendar = _CALENDARS.get((country, subdivision))
        if calendar is None:
            calendar = _CALENDARS[(country, subdivision)] = WorkCalendar(country, subdivision)
        dl = compute_deadline(regime, calendar, events, rights=[r.value for r in rights])
        if len(_DEADLINES) > 200_000:
            _DEADLINES.clear()
        _DEADLINES[key] = dl
    return dl


def _decision(events: list[ClockEvent]) -> dict[str, Any]:
    for e in events:
        if e.kind is ClockEventKind.EXTENDED:
            return {"extension": {"reason": e.reason, "told_on": e.on.isoformat(), "note": "demo: complex request"}}
    return {}


def _insert_batch(s: Any, batch: list[_Planned], actor: str, specs_by_rights: dict[str, list[ChecklistItemSpec]]) -> None:
    """Number the planned cases (id, reference) and insert them with their clock events, checklist items and audit
    events. Every row goes straight to the driver's executemany: SQLAlchemy's per-row work (parameter processing,
    RETURNING in small batches) was most of a 1M-case run's writing time."""
    years: dict[int, int] = {}
    for p in batch:
        years[p.year] = years.get(p.year, 0) + 1
    counters = {}
    for year, count in years.items():
        row = s.exec(select(RefCounter).where(RefCounter.year == year).with_for_update()).first()
        if row is None:
            row = RefCounter(year=year, last=0)
        counters[year] = row.last
        row.last += count
        s.add(row)
    s.flush()
    conn = s.connection()
    ids = _new_case_ids(conn, len(batch))
    refs = []
    case_rows = []
    for case_id, p in zip(ids, batch):
        counters[p.year] += 1
        ref = f"DSAR-{p.year}-{counters[p.year]:04d}"
        refs.append(ref)
        case_rows.append((case_id, ref, f"{ref.lower()} {p.words}", *p.row))
    bind = _Binder(conn.dialect)
    fts_trigger = None
    if conn.dialect.name == "sqlite":
        # The search index's row trigger (migration 0002) cost 0.5 ms a case, 9 minutes at 1M; filling the index
        # for the whole batch with one INSERT ... SELECT costs 0.05 ms. Same transaction: nobody sees the gap.
        fts_trigger = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_fts_insert'").scalar()
        if fts_trigger:
            conn.exec_driver_sql("DROP TRIGGER cases_fts_insert")
    bind.insert(conn, "cases", ("id", "ref", "search_text", *_CASE_COLUMNS), case_rows)
    if fts_trigger:
        conn.exec_driver_sql(
            "INSERT INTO cases_fts(rowid, search_text) SELECT id, search_text FROM cases WHERE id >= ? AND id <= ?",
            (min(ids), max(ids)),
        )
        conn.exec_driver_sql(fts_trigger)
    clock_rows: list[tuple[Any, ...]] = []
    item_rows: list[tuple[Any, ...]] = []
    for case_id, p in zip(ids, batch):
        for kind, on, reason, recorded_at in p.clock:
            clock_rows.append((case_id, kind, on, reason, actor, recorded_at))
        if p.items:
            static = bind.specs(p.rights, specs_by_rights[p.rights])
            for fixed, (state, terms, found, by, at) in zip(static, p.items):
                item_rows.append((case_id, *fixed, state, terms, found, by, at))
    bind.insert(conn, "clock_events", _CLOCK_COLUMNS, clock_rows)
    bind.insert(conn, "checklist_items", _ITEM_COLUMNS, item_rows)
    _append_audit(s, conn, bind, batch, ids, refs, actor)


def _new_case_ids(conn: Any, n: int) -> list[int]:
    """`n` fresh case ids. SQLite: after the largest (the write lock is held, so nobody else takes them);
    PostgreSQL: from the column's own sequence, as a plain INSERT would."""
    if conn.dialect.name == "sqlite":
        last = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM cases").scalar()
        return list(range(last + 1, last + 1 + n))
    rows = conn.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, %(n)s)", {"n": n}
    ).scalars().all()
    return sorted(int(r) for r in rows)


_SPEC_COLUMNS = ("position", "key", "right", "system_key", "label", "guidance", "requires_search_record", "adhoc")
_ITEM_COLUMNS = ("case_id", *_SPEC_COLUMNS, "state", "search_terms", "found", "done_by", "done_at")


class _Binder:
    """Values converted as SQLAlchemy would convert them for this dialect (the columns' own bind processors), for
    the DB-API executemany. Dates and other repeating values are converted once."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect
        self._procs: dict[Any, Any] = {}
        self._memo: dict[Any, dict[Any, Any]] = {}
        self._specs: dict[str, list[tuple[Any, ...]]] = {}
        self._payloads: dict[tuple[Any, ...], tuple[str, str]] = {}

    def __call__(self, column: Any, value: Any) -> Any:
        if value is None:
            return None
        proc = self._procs.get(column, False)
        if proc is False:
            proc = self._procs[column] = column.type._cached_bind_processor(self.dialect)
            self._memo[column] = {}
        if proc is None:
            return value
        if isinstance(value, dict):  # JSON: not hashable, and a bulk case's are small
            return proc(value)
        memo = self._memo[column]
        out = memo.get(value, memo)
        if out is memo:
            if len(memo) > 50_000:
                memo.clear()
            out = memo[value] = proc(value)
        return out

    def payload(self, rights: str, status: str, received: date) -> tuple[str, str]:
        """The demo audit event's payload and its digest (a few thousand distinct ones)."""
        key = (rights, status, received)
        got = self._payloads.get(key)
        if got is None:
            payload = audit.canonical({"demo": True, "rights": rights, "status": status, "received": received.isoformat()})
            got = self._payloads[key] = (payload, audit.payload_digest(payload))
        return got

    def specs(self, rights: str, specs: list[ChecklistItemSpec]) -> list[tuple[Any, ...]]:
        rows = self._specs.get(rights)
        if rows is None:
            c = ChecklistItem.__table__.c  # type: ignore[attr-defined]
            rows = self._specs[rights] = [
                (pos, spec.key, spec.right.value, spec.system_key, spec.label, spec.guidance,
                 self(c.requires_search_record, spec.requires_search_record), self(c.adhoc, False))
                for pos, spec in enumerate(specs)
            ]  # fmt: skip
        return rows

    def insert(self, conn: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        quote = self.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})"
        )
        conn.exec_driver_sql(sql, rows)


def _append_audit(s: Any, conn: Any, bind: _Binder, batch: list[_Planned], ids: list[int], refs: list[str], actor: str) -> None:
    head = audit.locked_head(s)
    user = audit.login(s)  # on PostgreSQL the database login is the actor, the display name beside it
    at = datetime.now(timezone.utc)
    rows, head_seq, head_hash = audit.chain_rows(
        seq=head.seq, prev_hash=head.hash, at=at, actor=user or actor, actor_name=actor if user else None,
        kind="demo.case_generated", at_value=bind(AuditEvent.__table__.c.at, at),  # type: ignore[attr-defined]
        events=[(p.payload, p.payload_sha, case_id, ref) for p, case_id, ref in zip(batch, ids, refs)],
    )  # fmt: skip
    bind.insert(conn, "audit_events", audit.BULK_COLUMNS, [(*r[:12], bind(_PURGED, r[12]), r[13]) for r in rows])
    head.seq, head.hash = head_seq, head_hash
    s.add(head)


_PURGED = AuditEvent.__table__.c.purged  # type: ignore[attr-defined]
