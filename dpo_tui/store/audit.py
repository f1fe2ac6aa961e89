"""The tamper-evident audit trail: append inside the caller's transaction, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from dpo_tui.store.models import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_digest(seq: int, at: datetime, actor: str, kind: str, case_ref: str | None, payload: str | None) -> str:
    body = canonical(
        {"seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind, "case": case_ref, "payload": payload}
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}{digest}".encode("ascii")).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    case_id: int | None = None,
    case_ref: str | None = None,
) -> AuditEvent:
    """Append one event. Locks the head row so concurrent writers (PostgreSQL) queue instead of forking."""
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    at = utcnow()
    seq = head.seq + 1
    body = canonical(payload)
    digest = content_digest(seq, at, actor, kind, case_ref, body)
    event = AuditEvent(
        seq=seq,
        case_id=case_id,
        case_ref=case_ref,
        at=at,
        actor=actor,
        kind=kind,
        payload=body,
        digest=digest,
        prev_hash=head.hash,
        hash=chain_hash(head.hash, digest),
    )
    session.add(event)
    head.seq = seq
    head.hash = event.hash
    session.add(head)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.events} events, hash chain verified"
        return f"audit trail broken: {self.problem}"


def _ordered(session: Session) -> Iterator[AuditEvent]:
    yield from session.exec(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000))


def verify(session: Session) -> VerifyResult:
    """Recompute every digest and link. Names the first bad event: altered, removed or reordered."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for ev in _ordered(session):
        where = f"event #{ev.seq} ({ev.kind}, {ev.case_ref or 'no case'})"
        if ev.seq != expected_seq:
            return VerifyResult(False, count, f"event #{expected_seq} is missing or out of order (found #{ev.seq} next)")
        if not ev.purged:
            digest = content_digest(ev.seq, ev.at, ev.actor, ev.kind, ev.case_ref, ev.payload)
            if digest != ev.digest:
                return VerifyResult(False, count, f"{where} was altered (its content no longer matches its digest)")
        if ev.prev_hash != prev:
            return VerifyResult(False, count, f"{where} does not follow the event before it (removed or reordered)")
        if chain_hash(prev, ev.digest) != ev.hash:
            return VerifyResult(False, count, f"{where} has a wrong hash (altered)")
        prev = ev.hash
        expected_seq += 1
        count += 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != prev:
        return VerifyResult(False, count, f"the newest events were removed: the trail ends at #{count} but the head records #{head_seq}")
    return VerifyResult(True, count)


def events_for_case(session: Session, case_id: int) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))
