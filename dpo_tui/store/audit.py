"""The tamper-evident audit trail: append inside the caller's transaction, verify the whole chain, anchor its head.

Each event carries `digest` (a hash of its content) and `hash` = sha256(prev_hash + digest), so changing, removing
or reordering any event breaks the chain at that event. Two content formulas exist (`hash_version`):

- version 1, the first release: seq, time, actor, kind, case reference and payload. It left the case id and the
  purge state out, so an event could be moved to another case's timeline unseen. Old events keep this formula
  (history is never rewritten); their case id is cross-checked against the case reference instead.
- version 2, every event written since migration 0003: also the case id and the display name, and the payload
  through its own digest (`payload_digest`), so a purge can blank the payload and the event stays provable.

A purge is itself an event (`audit.purged`) naming the case and the last event it covers; an event marked purged
that no later purge event covers, or that still has a payload, is reported. A chain alone cannot show that its
newest events were cut off together with the head, or that it was rewritten from scratch: the anchor (`SEQ:HASH`
of the head, filed outside the database) is what proves that (`verify(anchor=...)`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import select as core_select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.store.models import AuditEvent, AuditHead, Case, utcnow

GENESIS = "0" * 64
CURRENT_VERSION = 2
PURGE_KIND = "audit.purged"
_ANCHOR = re.compile(r"^\s*(\d{1,18}):([0-9a-fA-F]{64})\s*$")

Progress = Callable[[int, int], None]


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_digest(seq: int, at: datetime, actor: str, kind: str, case_ref: str | None, payload: str | None) -> str:
    """Version 1 (kept to verify events written before migration 0003)."""
    body = canonical(
        {"seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind, "case": case_ref, "payload": payload}
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def payload_digest(payload: str | None) -> str:
    return hashlib.sha256((payload or "").encode("utf-8")).hexdigest()


def content_digest_v2(
    seq: int,
    at: datetime,
    actor: str,
    actor_name: str | None,
    kind: str,
    case_id: int | None,
    case_ref: str | None,
    payload_sha: str,
) -> str:
    """Version 2: every column a reader relies on. The purge state is covered by the payload digest (a purged
    event's payload is gone, its digest stays) and by the purge event that must follow it in the chain."""
    body = canonical(
        {
            "v": 2,
            "seq": seq,
            "at": at.isoformat(),
            "actor": actor,
            "actor_name": actor_name,
            "kind": kind,
            "case_id": case_id,
            "case": case_ref,
            "payload_sha256": payload_sha,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Verification is the hot path (a million events in a few seconds): the same canonical JSON as `canonical()`,
# assembled by hand in sorted-key order from the C string encoder json.dumps itself uses. A test checks that both
# give identical text for arbitrary values.
_enc = encode_basestring


def _s(value: str | None) -> str:
    return "null" if value is None else _enc(value)


def _digest_v1(seq: int, at_iso: str, actor: str, kind: str, case_ref: str | None, payload: str | None) -> str:
    body = (
        f'{{"actor":{_enc(actor)},"at":{_enc(at_iso)},"case":{_s(case_ref)},"kind":{_enc(kind)},'
        f'"payload":{_s(payload)},"seq":{seq}}}'
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _digest_v2(
    seq: int, at_iso: str, actor: str, actor_name: str | None, kind: str, case_id: int | None,
    case_ref: str | None, payload_sha: str,
) -> str:  # fmt: skip
    body = (
        f'{{"actor":{_enc(actor)},"actor_name":{_s(actor_name)},"at":{_enc(at_iso)},"case":{_s(case_ref)},'
        f'"case_id":{"null" if case_id is None else int(case_id)},"kind":{_enc(kind)},'
        f'"payload_sha256":{_enc(payload_sha)},"seq":{seq},"v":2}}'
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}{digest}".encode("ascii")).hexdigest()


def who(actor: str, actor_name: str | None) -> str:
    """How an event's author is shown: the login, with the display name beside it when they differ."""
    return f"{actor} ({actor_name})" if actor_name and actor_name != actor else actor


def payload_view(event: AuditEvent) -> dict[str, Any] | None:
    """An event's details for a reader. A purged event shows nothing of its old payload (whatever the column now
    holds), and a payload that is not a JSON object (altered by hand) is shown as text instead of failing the
    screen or export; `verify` names such events."""
    if event.purged:
        return {"purged": "details removed by a retention purge"}
    if not event.payload:
        return None
    try:
        data = json.loads(event.payload)
    except ValueError:
        return {"unreadable": event.payload[:200]}
    return data if isinstance(data, dict) else {"unreadable": event.payload[:200]}


def login(session: Session) -> str | None:
    """The database login on PostgreSQL (`session_user`: fixed by the credentials, not by a settings file a
    teammate can edit); None on SQLite, where the file's owner is the only writer."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return str(session.execute(text("SELECT session_user")).scalar_one())


def event_row(
    *,
    seq: int,
    prev_hash: str,
    at: datetime,
    actor: str,
    actor_name: str | None,
    kind: str,
    payload: str,
    case_id: int | None,
    case_ref: str | None,
) -> dict[str, Any]:
    """The columns of one version 2 event (shared by `append` and the bulk demo generator)."""
    psha = payload_digest(payload)
    digest = content_digest_v2(seq, at, actor, actor_name, kind, case_id, case_ref, psha)
    return dict(
        seq=seq,
        case_id=case_id,
        case_ref=case_ref,
        at=at,
        actor=actor,
        actor_name=actor_name,
        kind=kind,
        payload=payload,
        payload_digest=psha,
        digest=digest,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, digest),
        purged=False,
        hash_version=CURRENT_VERSION,
    )


BULK_COLUMNS = ("seq", "case_id", "case_ref", "at", "actor", "actor_name", "kind", "payload", "payload_digest",
                "digest", "prev_hash", "hash", "purged", "hash_version")  # fmt: skip


def chain_rows(
    *,
    seq: int,
    prev_hash: str,
    at: datetime,
    actor: str,
    actor_name: str | None,
    kind: str,
    events: Iterator[tuple[str, str, int | None, str | None]] | list[tuple[str, str, int | None, str | None]],
    at_value: Any = None,
) -> tuple[list[tuple[Any, ...]], int, str]:
    """Many version 2 events of one actor, kind and time, chained after (seq, prev_hash): the rows (in
    `BULK_COLUMNS` order) for a driver executemany, and the new head. `events` gives (payload, its
    `payload_digest`, case id, case reference) per event; the digests are the ones `event_row` computes.
    `at_value` is `at` as the driver should receive it (bound for the dialect); `at` itself by default."""
    at_iso = at.isoformat()
    stored_at = at if at_value is None else at_value
    sha = hashlib.sha256
    rows: list[tuple[Any, ...]] = []
    for payload, psha, case_id, case_ref in events:
        seq += 1
        digest = _digest_v2(seq, at_iso, actor, actor_name, kind, case_id, case_ref, psha)
        hash_ = sha(f"{prev_hash}{digest}".encode("ascii")).hexdigest()
        rows.append((seq, case_id, case_ref, stored_at, actor, actor_name, kind, payload, psha, digest, prev_hash, hash_,
                     False, CURRENT_VERSION))  # fmt: skip
        prev_hash = hash_
    return rows, seq, prev_hash


def locked_head(session: Session) -> AuditHead:
    """The head row, locked so concurrent writers (PostgreSQL) queue instead of forking the chain."""
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    return head


def append(
    session: Session,
    *,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    case_id: int | None = None,
    case_ref: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` is the display name from the settings; on PostgreSQL the event's actor is the
    database login and the display name is kept beside it, so nobody writes events in another's name."""
    head = locked_head(session)
    user = login(session)
    event = AuditEvent(
        **event_row(
            seq=head.seq + 1,
            prev_hash=head.hash,
            at=utcnow(),
            actor=user or actor,
            actor_name=actor if user else None,
            kind=kind,
            payload=canonical(payload),
            case_id=case_id,
            case_ref=case_ref,
        )
    )
    session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    session.add(head)
    return event


def purge_case_payloads(
    session: Session, *, case_id: int, case_ref: str | None, actor: str, reason: str, details: dict[str, Any] | None = None
) -> int:
    """Blank the payload of every event of a case (retention), keeping each digest, and record the purge as an
    event naming the case and the last event it covers (plus `details`, which must hold no personal data).
    Returns how many events were purged."""
    head = locked_head(session)
    session.flush()
    through = head.seq
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(table.c.case_id == case_id, table.c.seq <= through, table.c.purged.is_(False), table.c.kind != PURGE_KIND)
        .values(payload=None, purged=True)
    )
    count = int(result.rowcount or 0)
    append(
        session,
        actor=actor,
        kind=PURGE_KIND,
        payload={
            **(details or {}),
            "case_id": case_id, "case_ref": case_ref, "through_seq": through, "events": count, "reason": reason,
        },  # fmt: skip
        case_id=case_id,
        case_ref=case_ref,
    )
    return count


# ---- anchors ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The chain head, `SEQ:HASH`, to be filed outside the database (a ticket, an email to oneself, a register)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, value: str) -> Anchor:
        m = _ANCHOR.match(value)
        if not m:
            raise InvalidInput("anchor", f"{value.strip()[:80]!r} is not SEQ:HASH (a number, a colon, 64 hex digits)")
        return cls(int(m.group(1)), m.group(2).lower())


def current_anchor(session: Session) -> Anchor:
    """The head as recorded by the newest event (cheap: one indexed row). `verify` checks it against the head row."""
    row = session.execute(
        core_select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()
    return Anchor(int(row[0]), str(row[1])) if row else Anchor(0, GENESIS)


# ---- verification -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str | None = None
    head: Anchor | None = None
    anchor_checked: Anchor | None = None
    legacy_events: int = 0
    notes: tuple[str, ...] = field(default=())
    purged_events: int = 0  # events whose payload a retention purge blanked (their digests still verify)
    purges: int = 0  # `audit.purged` events
    last_purge_at: str | None = None  # ISO time (UTC) of the newest purge

    @property
    def anchor(self) -> Anchor | None:
        """The head this verification ended at: what a DPO files to detect a later truncation or rewrite."""
        return self.head if self.ok else None

    def describe(self) -> str:
        if not self.ok:
            return f"audit trail broken: {self.problem}"
        text_ = f"audit trail intact: {self.events} events, hash chain verified"
        if self.anchor_checked is not None:
            a = self.anchor_checked
            text_ += f"; contains the anchor #{a.seq} ({a.hash[:12]}...)"
        if self.purges:
            when = (self.last_purge_at or "")[:16].replace("T", " ")
            text_ += (
                f"; {self.purged_events} event{'s' * (self.purged_events != 1)} purged for retention by "
                f"{self.purges} purge{'s' * (self.purges != 1)} (the latest {when} UTC)"
            )
        return text_


_COLUMNS = BULK_COLUMNS
_BATCH = 5000


def _batches(conn: Connection) -> Iterator[list[tuple[Any, ...]]]:
    """Every event in insertion order, in batches (a server-side cursor on PostgreSQL: never all rows at once).
    Plain driver cursors: the ORM's per-row type conversion was a third of the time at 100k events."""
    columns = ", ".join(_COLUMNS)
    query = f"SELECT {columns} FROM audit_events ORDER BY id"
    raw = conn.connection.driver_connection
    cursor = raw.cursor(name="dpo_audit_verify") if conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(query)
        while batch := cursor.fetchmany(_BATCH):
            yield batch
    finally:
        cursor.close()


def verify(session: Session, *, anchor: Anchor | None = None, progress: Progress | None = None) -> VerifyResult:
    """Recompute every digest and link, in one streamed pass. Names the first bad event: altered, removed,
    reordered, moved to another case, or purged without a purge event. With `anchor`, also proves the chain
    still contains that head (a truncated or rewritten trail fails)."""
    conn = session.connection()
    with closing(_batches(conn)) as batches:  # a failure found early closes the (server-side) cursor at once
        return _verify_stream(session, conn, batches, anchor=anchor, progress=progress)


def _verify_stream(
    session: Session,
    conn: Connection,
    batches: Iterator[list[tuple[Any, ...]]],
    *,
    anchor: Anchor | None,
    progress: Progress | None,
) -> VerifyResult:
    head_row = session.get(AuditHead, 1)
    head_seq, head_hash = (head_row.seq, head_row.hash) if head_row else (0, GENESIS)
    total = max(head_seq, anchor.seq if anchor else 0)
    sha = hashlib.sha256
    prev = GENESIS
    expected = 1
    legacy = 0
    purged_count = purges = 0
    last_purge: str | None = None
    pending_purged: dict[int, tuple[int | None, str]] = {}  # seq -> (case id, description) awaiting a purge event
    anchor_seen = anchor is None or anchor.seq == 0
    if anchor is not None and anchor.seq == 0 and anchor.hash != GENESIS:
        return VerifyResult(False, 0, f"anchor #0 must be the genesis hash {GENESIS[:12]}...")

    def fail(problem: str) -> VerifyResult:
        return VerifyResult(False, expected - 1, problem)

    # The digests were made from the aware UTC time's isoformat(): SQLite keeps it as naive UTC text,
    # PostgreSQL returns it aware in the session's time zone.
    on_sqlite = conn.dialect.name == "sqlite"
    from_iso, utc = datetime.fromisoformat, timezone.utc
    for seq, case_id, case_ref, at, actor, actor_name, kind, payload, psha, digest, prev_hash, hash_, purged, version in (
        row for batch in batches for row in batch
    ):
        if not on_sqlite:
            at = at.astimezone(utc).isoformat()
        elif len(at) == 26 and not at.endswith(".000000"):  # "YYYY-MM-DD HH:MM:SS.ffffff": string work, 4x faster
            at = f"{at[:10]}T{at[11:]}+00:00"
        else:  # a zero fraction (isoformat() leaves it out), or text written with an offset: parse it
            at = _utc_iso(from_iso(at))
        if seq != expected:
            return fail(f"event #{expected} is missing or out of order (found #{seq} next)")
        where = _Where(seq, kind, case_ref)
        if version == CURRENT_VERSION:
            if purged:
                if payload is not None:
                    return fail(f"{where} is marked purged but still has a payload (altered)")
            elif payload is None or sha(payload.encode("utf-8")).hexdigest() != psha:
                return fail(f"{where} was altered (its payload no longer matches its digest)")
            if psha is None or _digest_v2(seq, at, actor, actor_name, kind, case_id, case_ref, psha) != digest:
                return fail(f"{where} was altered (its content no longer matches its digest)")
        elif version == 1:
            legacy += 1
            if purged:
                if payload is not None:
                    return fail(f"{where} is marked purged but still has a payload (altered)")
            elif _digest_v1(seq, at, actor, kind, case_ref, payload) != digest:
                return fail(f"{where} was altered (its content no longer matches its digest)")
        else:
            return fail(f"{where} has an unknown hash version {version!r} (altered)")
        if prev_hash != prev:
            return fail(f"{where} does not follow the event before it (removed or reordered)")
        if sha(f"{prev}{digest}".encode("ascii")).hexdigest() != hash_:
            return fail(f"{where} has a wrong hash (altered)")
        if purged:
            if kind == PURGE_KIND:
                return fail(f"{where} is a purge record and may not be purged (altered)")
            pending_purged[seq] = (case_id, str(where))
            purged_count += 1
        elif kind == PURGE_KIND:
            purges += 1
            last_purge = at
        if not purged and kind == PURGE_KIND and pending_purged:
            try:
                detail = json.loads(payload)
                purged_case, through = detail["case_id"], int(detail["through_seq"])
            except (TypeError, ValueError, KeyError):
                return fail(f"{where} is a purge record without a readable case and range")
            for s in [s for s, (c, _) in pending_purged.items() if c == purged_case and s <= through]:
                del pending_purged[s]
        if anchor is not None and seq == anchor.seq:
            if hash_ != anchor.hash:
                return fail(
                    f"event #{seq} does not match the anchor {anchor.seq}:{anchor.hash[:12]}...: "
                    "the trail was rewritten since the anchor was taken (or the anchor was mistyped)"
                )
            anchor_seen = True
        prev = hash_
        if progress is not None and seq % _BATCH == 0:
            progress(seq, total)
        expected += 1
    count = expected - 1
    if progress is not None:
        progress(count, total)
    if pending_purged:
        first = min(pending_purged)
        return VerifyResult(False, count, f"{pending_purged[first][1]} is marked purged but no purge event covers it (altered)")
    if head_seq != count or head_hash != prev:
        return VerifyResult(False, count, f"the newest events were removed: the trail ends at #{count} but the head records #{head_seq}")
    if not anchor_seen:
        assert anchor is not None
        return VerifyResult(
            False, count, f"the trail ends at #{count} but the anchor records #{anchor.seq}: events were lost or cut off"
        )
    if legacy:
        problem = _legacy_case_ids(conn)
        if problem:
            return VerifyResult(False, count, problem)
    return VerifyResult(
        True, count, head=Anchor(count, prev), anchor_checked=anchor, legacy_events=legacy,
        purged_events=purged_count, purges=purges, last_purge_at=last_purge,
    )  # fmt: skip


def _utc_iso(when: datetime) -> str:
    return (when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)).isoformat()


def _legacy_case_ids(conn: Connection) -> str | None:
    """Version 1 digests cover the case reference but not the case id: check the id against the case that still
    bears that reference (references are never reused), so an old event cannot be moved to another timeline."""
    row = conn.execute(
        text(
            "SELECT a.seq, a.kind, a.case_ref FROM audit_events a JOIN cases c ON c.ref = a.case_ref "
            "WHERE a.hash_version = 1 AND (a.case_id IS NULL OR a.case_id <> c.id) ORDER BY a.id LIMIT 1"
        )
    ).first()
    if row is None:
        return None
    return f"{_Where(row[0], row[1], row[2])} was moved to another case (its case id no longer matches its reference)"


class _Where:
    """Names an event in a problem line; formatted only when a problem is found (verification is hot)."""

    __slots__ = ("seq", "kind", "ref")

    def __init__(self, seq: int, kind: str, ref: str | None) -> None:
        self.seq, self.kind, self.ref = seq, kind, ref

    def __str__(self) -> str:
        return f"event #{self.seq} ({self.kind}, {self.ref or 'no case'})"

    def __format__(self, spec: str) -> str:
        return str(self)


def events_for_case(session: Session, case_id: int) -> list[AuditEvent]:
    """A case's timeline. An event must name the case by id *and* reference: one whose case id was changed by
    hand does not turn up on another case's timeline (and `verify` names it)."""
    ref = core_select(Case.ref).where(Case.id == case_id).scalar_subquery()  # type: ignore[arg-type]
    query = select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.case_ref == ref)
    return list(session.exec(query.order_by(AuditEvent.seq)))  # type: ignore[arg-type]
