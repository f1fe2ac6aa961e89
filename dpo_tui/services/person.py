"""The tool's own subject access (issue 20): everything in the case database that concerns one person, found by
email address or name, and erasure of it as far as retention and legal holds allow.

A mention is a case-insensitive match of the whole term in: the requester's name, email, postal address, phone and
account, the agent's name, the request text, decisions (their free text), clock-event reasons, notes, letters
(subject, body, address), checklist search terms and notes, follow-up notes, stored files (name, and the content of
text and mail files), triage items (sender, requester, subject, text), legal holds, and audit event payloads.
Events of the cases the person is the requester or agent of are listed too (they are about them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, cast, func, or_, update
from sqlmodel import Session, select

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.retention import retention_until
from dpo_tui.domain.states import IntakeStatus
from dpo_tui.domain.text import check_text
from dpo_tui.services.retention import PurgeResult, policy_of, purge_case
from dpo_tui.store import audit
from dpo_tui.store.database import retry_transient
from dpo_tui.store.intake_models import PendingIntake, StoredFile
from dpo_tui.store.models import (
    AuditEvent, Case, ChecklistItem, ClockEventRow, FollowUp, LegalHold, Letter, Note,
)  # fmt: skip

_TEXT_MEDIA = ("text/", "message/", "application/json", "application/xml")
_MAX_SCAN = 25 * 1024 * 1024  # file contents larger than this are matched by name only


@dataclass(frozen=True)
class CaseMention:
    ref: str
    status: str
    roles: tuple[str, ...]  # requester, agent, named in the request text, in a note, ...
    closed_on: date | None
    retain_until: date | None
    purged: bool


@dataclass(frozen=True)
class Mention:
    kind: str  # letter | note | event | attachment | checklist | clock | follow_up | triage | hold
    ref: str | None  # the case it belongs to (None: a triage item, an event of no case)
    id: int  # the row id (event: its seq)
    label: str  # what it is: "letter acknowledgement, 2026-11-03", "event #12 case.status"
    fields: tuple[str, ...]  # where the term was found


@dataclass(frozen=True)
class PersonReport:
    query: str
    cases: tuple[CaseMention, ...]
    mentions: tuple[Mention, ...] = field(default=())

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "dpo-tui/person/1",
            "query": self.query,
            "cases": [
                {
                    "ref": c.ref, "status": c.status, "roles": list(c.roles),
                    "closed_on": c.closed_on.isoformat() if c.closed_on else None,
                    "retain_until": c.retain_until.isoformat() if c.retain_until else None, "purged": c.purged,
                }  # fmt: skip
                for c in self.cases
            ],
            "mentions": [
                {"kind": m.kind, "ref": m.ref, "id": m.id, "label": m.label, "fields": list(m.fields)} for m in self.mentions
            ],
        }


def _term(query: str) -> str:
    check_text("person", query)
    term = " ".join(query.split()).lower()
    if len(term) < 3:
        raise InvalidInput("person", "give an email address or a name of at least 3 characters")
    return term


def _like(col: Any, term: str) -> Any:
    return func.lower(col).contains(term, autoescape=True)


def _hits(row: Any, term: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if term in str(getattr(row, n) or "").lower())


def find_person(work: Any, query: str) -> PersonReport:
    term = _term(query)
    policy = policy_of(work.settings)
    with work.db.reader() as s:
        case_cols = ("requester_name", "requester_email", "requester_address", "requester_phone", "requester_account", "agent_name", "description")
        cases: dict[int, tuple[Case, set[str]]] = {}

        def mark(case_id: int, role: str) -> None:
            if case_id not in cases:
                case = s.get(Case, case_id)
                if case is None:
                    return
                cases[case_id] = (case, set())
            cases[case_id][1].add(role)

        conds = [_like(getattr(Case, c), term) for c in case_cols] + [_like(cast(Case.decision, String), term), _like(cast(Case.identity, String), term)]
        for case in s.exec(select(Case).where(or_(*conds))):
            hit = _hits(case, term, case_cols)
            roles = set()
            if any(h.startswith("requester_") for h in hit):
                roles.add("requester")
            if "agent_name" in hit:
                roles.add("agent")
            if "description" in hit:
                roles.add("named in the request text")
            if not hit:
                roles.add("named in the decision or identity record")
            cases[case.id] = (case, roles)  # type: ignore[index]

        mentions: list[Mention] = []

        def scan(kind: str, model: Any, cols: tuple[str, ...], label: Any, role: str) -> None:
            for row in s.exec(select(model).where(or_(*[_like(getattr(model, c), term) for c in cols])).order_by(model.id)):
                mark(row.case_id, role)
                ref = cases[row.case_id][0].ref if row.case_id in cases else None
                mentions.append(Mention(kind, ref, row.id, label(row), _hits(row, term, cols)))

        scan("letter", Letter, ("subject", "body", "sent_to"), lambda r: f"letter {r.kind}, {r.sent_on.isoformat()}", "named in a letter")
        scan("note", Note, ("body",), lambda r: f"note by {r.by}", "named in a note")
        scan("checklist", ChecklistItem, ("search_terms", "note", "reason", "label"), lambda r: f"checklist item {r.key}", "named in the checklist")
        scan("clock", ClockEventRow, ("reason",), lambda r: f"clock event {r.kind}, {r.on.isoformat()}", "named in a clock event")
        scan("follow_up", FollowUp, ("note",), lambda r: f"follow-up {r.on.isoformat()}", "named in a follow-up")
        mentions.extend(_files(s, term, cases, mark))
        for p in s.exec(
            select(PendingIntake).where(
                or_(*[_like(getattr(PendingIntake, c), term) for c in _TRIAGE_COLS])
            ).order_by(PendingIntake.id)
        ):
            if p.case_id is not None:
                mark(p.case_id, "sender of a message on the case")
            ref = cases[p.case_id][0].ref if p.case_id in cases else None
            mentions.append(Mention("triage", ref, p.id, f"intake item {p.id} ({p.status})", _hits(p, term, _TRIAGE_COLS)))
        for h in s.exec(select(LegalHold).where(or_(LegalHold.email_norm == term, _like(LegalHold.reason, term))).order_by(LegalHold.id)):
            mentions.append(Mention("hold", None, h.id, f"legal hold #{h.id}" + (" (released)" if h.released_at else ""), ("email" if h.email_norm == term else "reason",)))
        # Audit events: those whose payload names the person, and every event of a case they requested or act on.
        own = [cid for cid, (_, roles) in cases.items() if roles & {"requester", "agent"}]
        seen: set[int] = set()
        conds_ev = [_like(AuditEvent.payload, term)]
        if own:
            conds_ev.append(AuditEvent.case_id.in_(own))  # type: ignore[union-attr]
        for e in s.exec(select(AuditEvent).where(or_(*conds_ev)).order_by(AuditEvent.seq)):
            if e.seq in seen:
                continue
            seen.add(e.seq)
            named = term in (e.payload or "").lower()
            mentions.append(Mention("event", e.case_ref, e.seq, f"event #{e.seq} {e.kind}", ("payload",) if named else ("case",)))

        out = []
        for case, roles in sorted(cases.values(), key=lambda v: v[0].id or 0):
            closed_on = case.closed_at.date() if case.closed_at and not case.is_open else None
            until = retention_until(closed_on, case.rights.split(","), policy).until if closed_on else None
            out.append(CaseMention(case.ref, case.status, tuple(sorted(roles)), closed_on, until, case.purged_at is not None))
    return PersonReport(query, tuple(out), tuple(mentions))


_TRIAGE_COLS = ("from_name", "from_email", "requester_name", "requester_email", "on_behalf_email", "subject", "body")


def _files(s: Session, term: str, cases: dict[int, Any], mark: Any) -> list[Mention]:
    """Stored files whose name, or whose text (mail, text, JSON, XML files up to 25 MB), contains the term."""
    out = []
    needle = term.encode("utf-8")
    rows = s.exec(select(StoredFile.id, StoredFile.case_id, StoredFile.name, StoredFile.media_type, StoredFile.size).order_by(StoredFile.id)).all()
    for fid, case_id, name, media, size in rows:
        where = []
        if term in (name or "").lower():
            where.append("name")
        if (media or "").startswith(_TEXT_MEDIA) and (size or 0) <= _MAX_SCAN:
            content = s.exec(select(StoredFile.content).where(StoredFile.id == fid)).one()
            if needle in bytes(content).lower():
                where.append("content")
        if not where:
            continue
        if case_id is not None:
            mark(case_id, "named in an attachment")
        ref = cases[case_id][0].ref if case_id in cases else None
        out.append(Mention("attachment", ref, fid, f"file {name}", tuple(where)))
    return out


# ---- erasure -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureOutcome:
    ref: str | None
    done: bool
    what: str  # "anonymised (12 events purged)", "kept until 2027-03-01: ...", "kept: on legal hold #2"


def erase(work: Any, query: str, *, today: date | None = None) -> list[ErasureOutcome]:
    """Apply an erasure request about the tool's own records, as retention and holds allow:
    - each case the person requested: removed now (the policy's action) if closed, past its retention period and on
      no hold; otherwise kept, saying until when or why (an open case is still being worked);
    - their dismissed triage items (never became a case): sender, text and stored file removed, audited;
    - mentions in other people's cases are part of those cases' records: listed by `find_person`, removed when those
      cases are.
    Each case is its own transaction (see retention.purge_case)."""
    today = today or work.today()
    report = find_person(work, query)
    out: list[ErasureOutcome] = []
    for c in report.cases:
        if "requester" not in c.roles:
            continue
        if c.purged:
            out.append(ErasureOutcome(c.ref, False, "already purged"))
            continue
        result: PurgeResult = purge_case(work, c.ref, today=today, reason="erasure request")
        if result.skipped:
            out.append(ErasureOutcome(c.ref, False, f"kept: {result.skipped}"))
        else:
            out.append(ErasureOutcome(c.ref, True, f"{result.action}d ({result.events_purged} events purged, {result.files} files)"))
    dismissed = [m.id for m in report.of("triage") if m.label.endswith("(dismissed)")]
    if dismissed:
        out.append(_erase_triage(work, dismissed))
    return out


@retry_transient
def _erase_triage(work: Any, ids: list[int]) -> ErasureOutcome:
    from dpo_tui.services.retention import _drop_references
    from sqlalchemy import delete

    with work.write() as s:
        files = {f for f in s.exec(select(PendingIntake.file_id).where(PendingIntake.id.in_(ids), PendingIntake.status == IntakeStatus.DISMISSED)) if f}  # type: ignore[union-attr]
        s.execute(
            update(PendingIntake).where(PendingIntake.id.in_(ids), PendingIntake.status == IntakeStatus.DISMISSED).values(  # type: ignore[union-attr]
                from_name="", from_email="", requester_name="", requester_email="", on_behalf_email=None, subject="",
                body="", quoted="", signature="", attachments=[], detected={}, source="(erased)",
            )
        )  # fmt: skip
        if files:
            _drop_references(s, "stored_files", files)
            s.execute(delete(StoredFile).where(StoredFile.id.in_(files)))  # type: ignore[union-attr]
        audit.append(s, actor=work.actor, kind="intake.erased", payload={"pending": sorted(ids), "files": len(files)})
    return ErasureOutcome(None, True, f"{len(ids)} dismissed intake item{'s' * (len(ids) != 1)} erased ({len(files)} files)")
