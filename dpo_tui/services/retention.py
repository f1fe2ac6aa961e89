"""Retention of the case database itself, and legal holds (issue 20).

`plan` lists the closed cases whose retention period has ended (domain/retention.py says when) and what each active
hold blocks; `apply` removes their personal data, one transaction per case, with the case's audit events purged
through `store.audit.purge_case_payloads` (digests kept, so `audit verify` still passes and counts the purge). A held
case is never purged: the hold is checked again inside each case's transaction. Holds are placed and released as user
actions with their own audit events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, or_, update
from sqlmodel import Session, SQLModel, select

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.retention import RetentionDate, RetentionPolicy, check_hold, retention_until
from dpo_tui.domain.retention_actions import ACTIONS, PURGE
from dpo_tui.domain.text import check_text
from dpo_tui.settings import Settings
from dpo_tui.store import audit
from dpo_tui.store.database import retry_transient
from dpo_tui.store.intake_models import IntakeMessage, PendingIntake, StoredFile
from dpo_tui.store.models import Case, ChecklistItem, ClockEventRow, FollowUp, LegalHold, Letter, Note, utcnow

# Every table with a foreign key to cases.id, and what a purge does to it. A test compares this with the schema, so a
# table added later (case attachments, ...) cannot be forgotten by retention.
HANDLED_TABLES = {
    "clock_events": "kept (the dates the deadline is computed from); reasons cleared, the extension reason word kept",
    "checklist_items": "anonymise: search terms, notes and reasons cleared, ad-hoc labels replaced; purge: deleted",
    "letters": "anonymise: subject, body, addresses and message ids cleared (kind, channel, date kept); purge: deleted",
    "notes": "deleted",
    "follow_ups": "deleted",
    "stored_files": "deleted (every file linked to the case, also through intake rows; references to them cleared)",
    "pending_intake": "sender, subject, text and attachment names cleared",
    "intake_messages": "kept (message key only, for de-duplication); its file link cleared",
    "legal_holds": "kept: the record of the hold (a held case is never purged)",
    # issue 18 (store/pack_models.py)
    "redactions": "deleted (the redaction log names files and what was redacted)",
    "packs": "kept (what was delivered: manifest hash, archive hash, size); the manifest keeps each file's hash and size, not its name",
    "deliveries": "kept (day, channel, manifest hash: the response date); the reason for a late record cleared",
}

_IDENTITY_KEEP = ("schema", "status", "needed", "requester_kind")
_EXTENSION_WORDS = {"complex", "several_requests"}


def policy_of(settings: Settings) -> RetentionPolicy:
    p = settings.policy
    return RetentionPolicy(years=p.retention_years, by_right=dict(p.retention_by_right), action=p.retention_action)


# ---- views ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldView:
    id: int
    scope: str  # case | requester
    case_ref: str | None
    email: str | None  # the requester's address for a requester hold (the DPO's own view only)
    reason: str
    review_on: date
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None
    covers: tuple[str, ...] = ()  # the case references the hold applies to
    blocking: tuple[str, ...] = ()  # of those, the ones retention would purge now

    @property
    def active(self) -> bool:
        return self.released_at is None

    @property
    def target(self) -> str:
        return f"case {self.case_ref}" if self.scope == "case" else f"requester {self.email}"

    def review_due(self, today: date) -> bool:
        return self.active and self.review_on <= today

    def describe(self, today: date) -> str:
        """`hold #3 on requester a@b.org: claim in the county court; review 1 Mar 2027` (plain text)."""
        review = f"review {fmt(self.review_on, weekday=False)}" + (" (review is due)" if self.review_due(today) else "")
        line = f"hold #{self.id} on {self.target}: {self.reason}; {review}"
        if not self.active:
            line += f"; released by {self.released_by}: {self.release_reason}"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "scope": self.scope, "case": self.case_ref, "email": self.email, "reason": self.reason,
            "review_on": self.review_on.isoformat(), "placed_by": self.placed_by, "placed_at": self.placed_at.isoformat(),
            "released_by": self.released_by, "released_at": self.released_at.isoformat() if self.released_at else None,
            "release_reason": self.release_reason, "covers": list(self.covers), "blocking": list(self.blocking),
        }  # fmt: skip


@dataclass(frozen=True)
class RetentionItem:
    ref: str
    status: str
    rights: tuple[str, ...]
    retention: RetentionDate
    holds: tuple[int, ...]  # ids of the active holds that keep it

    @property
    def held(self) -> bool:
        return bool(self.holds)

    def to_json(self) -> dict[str, Any]:
        r = self.retention
        return {
            "ref": self.ref, "status": self.status, "rights": list(self.rights), "closed_on": r.closed_on.isoformat(),
            "years": r.years, "retain_until": r.until.isoformat(), "explanation": r.explanation, "held_by": list(self.holds),
        }  # fmt: skip


@dataclass(frozen=True)
class RetentionPlan:
    today: date
    action: str
    due: tuple[RetentionItem, ...]  # past retention and not held: what --apply removes
    blocked: tuple[RetentionItem, ...]  # past retention but held
    holds: tuple[HoldView, ...]  # every active hold, with what it covers and blocks

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "dpo-tui/retention/1",
            "today": self.today.isoformat(),
            "action": self.action,
            "action_means": ACTIONS[self.action],
            "due": [i.to_json() for i in self.due],
            "blocked": [i.to_json() for i in self.blocked],
            "holds": [h.to_json() for h in self.holds],
        }


@dataclass(frozen=True)
class PurgeResult:
    ref: str
    action: str
    events_purged: int
    files: int
    skipped: str | None = None  # why the case was left alone (held meanwhile, reopened, ...)


# ---- reading -------------------------------------------------------------------------------------------------


def plan(work: Any, *, today: date | None = None) -> RetentionPlan:
    """Closed, not yet purged cases whose retention period ended by `today` (default: the casework's today)."""
    today = today or work.today()
    policy = policy_of(work.settings)
    shortest = min([policy.years, *policy.by_right.values()])
    cutoff = today - relativedelta(years=shortest)
    with work.db.reader() as s:
        holds = _active_holds(s)
        rows = s.exec(
            select(Case.id, Case.ref, Case.status, Case.rights, Case.closed_at, Case.email_norm)
            .where(Case.is_open == False, Case.purged_at.is_(None), Case.closed_at.is_not(None))  # type: ignore[union-attr]  # noqa: E712
            .order_by(Case.closed_at, Case.id)
        ).all()
        due: list[RetentionItem] = []
        blocked: list[RetentionItem] = []
        for _id, ref, status, rights, closed_at, email in rows:
            closed_on = closed_at.date()
            held = tuple(h.id for h in holds if (h.case_id == _id) or (h.email_norm and h.email_norm == email))
            if closed_on > cutoff and not held:
                continue
            keep = retention_until(closed_on, rights.split(","), policy)
            item = RetentionItem(ref, status, tuple(rights.split(",")), keep, held)
            if keep.due(today):
                (blocked if held else due).append(item)
        views = _hold_views(s, holds, today, policy)
    return RetentionPlan(today, policy.action, tuple(due), tuple(blocked), views)


@dataclass(frozen=True)
class CaseRetention:
    """What the case screen shows about retention: the holds that keep the case, and whether (when, how) its
    personal data was removed."""

    holds: tuple[HoldView, ...]
    purged_at: datetime | None
    purge_action: str | None


def case_retention(work: Any, ref: str) -> CaseRetention:
    from dpo_tui.services.casework import load_case

    with work.db.reader() as s:
        case = load_case(s, ref)
        purged_at, action = case.purged_at, case.purge_action
    return CaseRetention(tuple(holds_for_case(work, ref)), purged_at, action)


def holds_for_case(work: Any, ref: str) -> list[HoldView]:
    """The active holds that keep this case (its own, and its requester's)."""
    from dpo_tui.services.casework import load_case

    with work.db.reader() as s:
        case = load_case(s, ref)
        holds = [h for h in _active_holds(s) if h.case_id == case.id or (h.email_norm and h.email_norm == case.email_norm)]
        return list(_hold_views(s, holds, work.today(), policy_of(work.settings)))


def list_holds(work: Any, *, include_released: bool = False) -> list[HoldView]:
    with work.db.reader() as s:
        q = select(LegalHold).order_by(LegalHold.id)
        if not include_released:
            q = q.where(LegalHold.released_at.is_(None))  # type: ignore[union-attr]
        return list(_hold_views(s, list(s.exec(q)), work.today(), policy_of(work.settings)))


def _active_holds(s: Session) -> list[LegalHold]:
    return list(s.exec(select(LegalHold).where(LegalHold.released_at.is_(None)).order_by(LegalHold.id)))  # type: ignore[union-attr]


def _hold_views(s: Session, holds: Sequence[LegalHold], today: date, policy: RetentionPolicy) -> tuple[HoldView, ...]:
    out = []
    for h in holds:
        if h.case_id is not None:
            rows = s.exec(select(Case.ref, Case.rights, Case.closed_at, Case.purged_at).where(Case.id == h.case_id)).all()
        else:
            rows = s.exec(
                select(Case.ref, Case.rights, Case.closed_at, Case.purged_at).where(Case.email_norm == h.email_norm).order_by(Case.id)
            ).all()
        covers = tuple(r[0] for r in rows)
        blocking = tuple(
            ref for ref, rights, closed_at, purged_at in rows
            if closed_at is not None and purged_at is None and h.released_at is None
            and retention_until(closed_at.date(), rights.split(","), policy).due(today)
        )  # fmt: skip
        case_ref = rows[0][0] if h.case_id is not None and rows else None
        out.append(
            HoldView(
                h.id, "case" if h.case_id is not None else "requester", case_ref, h.email_norm, h.reason, h.review_on,
                h.placed_by, h.placed_at, h.released_by, h.released_at, h.release_reason, covers, blocking,
            )  # fmt: skip
        )
    return tuple(out)


# ---- holds (user actions) ------------------------------------------------------------------------------------


@retry_transient
def place_hold(
    work: Any, *, reason: str, review_on: date, ref: str | None = None, email: str | None = None, version: int | None = None
) -> HoldView:
    """Hold one case (`ref`, with the version the user saw) or every case of a requester (`email`, now and later).
    One transaction with its audit event: on the case (`hold.placed`), or one event listing the requester's cases."""
    from dpo_tui.services.casework import lock_case

    check_text("reason", reason)
    why = " ".join(reason.split())
    problem = check_hold(why, review_on, work.today())
    if problem:
        field, _, message = problem.partition(": ")
        raise InvalidInput(field, message)
    if (ref is None) == (email is None):
        raise InvalidInput(None, "hold either a case (its reference) or a requester (their email), not both")
    with work.write() as s:
        if ref is not None:
            if version is None:
                raise InvalidInput(None, "the case's version is required")
            case = lock_case(s, ref, version=version)
            if case.purged_at is not None:
                raise DomainError(f"{case.ref} was already purged for retention: there is nothing left to hold")
            hold = LegalHold(case_id=case.id, reason=why, review_on=review_on, placed_by=work.actor)
            s.add(hold)
            s.flush()
            work.record(s, case, "hold.placed", {"hold_id": hold.id, "scope": "case", "reason": why, "review_on": review_on.isoformat()})
        else:
            assert email is not None
            check_text("email", email)
            norm = email.strip().lower()
            refs = list(s.exec(select(Case.ref).where(Case.email_norm == norm, Case.purged_at.is_(None)).order_by(Case.id)))  # type: ignore[union-attr]
            if not refs:
                raise InvalidInput("email", f"no case (not yet purged) has the requester address {email.strip()!r}")
            hold = LegalHold(email_norm=norm, reason=why, review_on=review_on, placed_by=work.actor)
            s.add(hold)
            s.flush()
            # The address stays in the hold row, out of the (unpurgeable) event of no case.
            audit.append(
                s, actor=work.actor, kind="hold.placed",
                payload={"hold_id": hold.id, "scope": "requester", "cases": refs, "reason": why, "review_on": review_on.isoformat()},
            )  # fmt: skip
        s.flush()
        return _hold_views(s, [hold], work.today(), policy_of(work.settings))[0]


@retry_transient
def release_hold(work: Any, hold_id: int, reason: str, *, version: int | None = None) -> HoldView:
    """End a hold, saying why (the claim settled, the regulator closed the complaint). A case hold needs the case's
    version the user saw (the CLI reads the current one); the hold row stays as the record."""
    from dpo_tui.services.casework import lock_case

    check_text("reason", reason)
    why = " ".join(reason.split())
    if not why:
        raise InvalidInput("reason", "say why the hold ends (it is part of the record)")
    with work.write() as s:
        hold = s.get(LegalHold, hold_id)
        if hold is None:
            raise InvalidInput("hold", f"no hold #{hold_id}")
        if hold.released_at is not None:
            raise DomainError(f"hold #{hold_id} was already released by {hold.released_by}")
        hold.released_at, hold.released_by, hold.release_reason = utcnow(), work.actor, why
        s.add(hold)
        payload = {"hold_id": hold.id, "reason": why}
        if hold.case_id is not None:
            case = s.get(Case, hold.case_id)
            assert case is not None
            case = lock_case(s, case.ref, version=case.version if version is None else version)
            work.record(s, case, "hold.released", {**payload, "scope": "case"})
        else:
            audit.append(s, actor=work.actor, kind="hold.released", payload={**payload, "scope": "requester"})
        s.flush()
        return _hold_views(s, [hold], work.today(), policy_of(work.settings))[0]


# ---- applying retention --------------------------------------------------------------------------------------


def apply(
    work: Any,
    *,
    today: date | None = None,
    refs: Iterable[str] | None = None,
    progress: Callable[[PurgeResult], None] | None = None,
) -> list[PurgeResult]:
    """Purge or anonymise (policy) every case the plan lists as due (or only `refs` of them), one transaction each:
    a failure leaves the cases done so far done and the rest untouched."""
    today = today or work.today()
    wanted = {r.strip().upper() for r in refs} if refs is not None else None
    results = []
    for item in plan(work, today=today).due:
        if wanted is not None and item.ref not in wanted:
            continue
        result = purge_case(work, item.ref, today=today)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


@retry_transient
def purge_case(work: Any, ref: str, *, today: date | None = None, reason: str = "retention", force_period: bool = False) -> PurgeResult:
    """One case, in its own transaction. Everything is checked again under the case's lock: still closed, not purged,
    past its retention period (unless `force_period`, for an erasure the DPO decided on) and on no active hold."""
    from dpo_tui.domain.lifecycle import CLOSED, Status

    today = today or work.today()
    policy = policy_of(work.settings)
    action = policy.action
    with work.write() as s:
        case = s.exec(select(Case).where(Case.ref == ref.strip().upper()).with_for_update()).first()
        if case is None:
            return PurgeResult(ref, action, 0, 0, skipped="no such case")
        if case.purged_at is not None:
            return PurgeResult(case.ref, action, 0, 0, skipped="already purged")
        if Status(case.status) not in CLOSED or case.closed_at is None:
            return PurgeResult(case.ref, action, 0, 0, skipped=f"open ({case.status.replace('_', ' ')})")
        keep = retention_until(case.closed_at.date(), case.rights.split(","), policy)
        if not force_period and not keep.due(today):
            return PurgeResult(case.ref, action, 0, 0, skipped=f"kept until {keep.until.isoformat()}: {keep.explanation}")
        held = s.exec(
            select(LegalHold.id).where(
                LegalHold.released_at.is_(None),  # type: ignore[union-attr]
                or_(LegalHold.case_id == case.id, LegalHold.email_norm == case.email_norm),  # type: ignore[arg-type]
            )
        ).first()
        if held is not None:
            return PurgeResult(case.ref, action, 0, 0, skipped=f"on legal hold #{held}")
        counts = _remove_personal_data(s, case, action)
        case.purged_at = work.now()  # a casework fact: follows an injected today, like closure
        case.purge_action = action
        case.updated_at = work.now()
        s.add(case)
        s.flush()
        events = audit.purge_case_payloads(
            s, case_id=case.id, case_ref=case.ref, actor=work.actor, reason=reason,
            details={"action": action, "closed_on": keep.closed_on.isoformat(), "retain_until": keep.until.isoformat(), **counts},
        )  # fmt: skip
        return PurgeResult(case.ref, action, events, counts["files"])


def _remove_personal_data(s: Session, case: Case, action: str) -> dict[str, int]:
    cid = case.id
    purge = action == PURGE
    # Files: every stored file linked to the case, directly or through its intake rows.
    file_ids = set(s.exec(select(StoredFile.id).where(StoredFile.case_id == cid)))
    file_ids |= {i for i in s.exec(select(PendingIntake.file_id).where(PendingIntake.case_id == cid)) if i}
    file_ids |= {i for i in s.exec(select(IntakeMessage.file_id).where(IntakeMessage.case_id == cid)) if i}
    from dpo_tui.store.pack_models import Delivery, Pack, Redaction

    s.execute(delete(Redaction).where(Redaction.case_id == cid))
    for pack in s.exec(select(Pack).where(Pack.case_id == cid)):
        files = (pack.manifest or {}).get("files") or []
        pack.manifest = {"schema": (pack.manifest or {}).get("schema"), "files": [
            {"sha256": e.get("sha256"), "size": e.get("size"), "kind": e.get("kind")} for e in files if isinstance(e, dict)
        ]}  # fmt: skip
        s.add(pack)
    s.execute(update(Delivery).where(Delivery.case_id == cid).values(reason=None))
    if file_ids:
        _drop_references(s, "stored_files", file_ids)
        s.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))  # type: ignore[union-attr]
    s.execute(
        update(PendingIntake).where(PendingIntake.case_id == cid).values(
            from_name="", from_email="", requester_name="", requester_email="", on_behalf_email=None, subject="",
            body="", quoted="", signature="", attachments=[], detected={}, source="(purged)",
        )
    )  # fmt: skip
    note_ids = set(s.exec(select(Note.id).where(Note.case_id == cid)))
    if note_ids:
        _drop_references(s, "notes", note_ids)
        s.execute(delete(Note).where(Note.id.in_(note_ids)))  # type: ignore[union-attr]
    notes = len(note_ids)
    s.execute(delete(FollowUp).where(FollowUp.case_id == cid))
    letters = len(list(s.exec(select(Letter.id).where(Letter.case_id == cid))))
    if purge:
        for table in (Letter, ChecklistItem):
            ids = set(s.exec(select(table.id).where(table.case_id == cid)))  # type: ignore[attr-defined]
            if ids:  # rows elsewhere that point at them (a letter's attachments...) go or let go first
                _drop_references(s, table.__tablename__, ids)  # type: ignore[attr-defined]
                s.execute(delete(table).where(table.id.in_(ids)))  # type: ignore[attr-defined]
        case.checklist_done = case.checklist_total = 0
    else:
        s.execute(
            update(Letter).where(Letter.case_id == cid).values(subject="", body="", sent_to=None, message_id=None, in_reply_to=None)
        )
        s.execute(
            update(ChecklistItem).where(ChecklistItem.case_id == cid).values(search_terms=None, note=None, reason=None)
        )
        s.execute(update(ChecklistItem).where(ChecklistItem.case_id == cid, ChecklistItem.adhoc == True).values(label="(ad-hoc item)"))  # noqa: E712
    for row in s.exec(select(ClockEventRow).where(ClockEventRow.case_id == cid)):
        if row.reason is not None and not (row.kind == "extended" and row.reason in _EXTENSION_WORDS):
            row.reason = None
            s.add(row)
    case.requester_name = ""
    case.requester_email = ""
    case.email_norm = ""
    case.requester_address = case.requester_phone = case.requester_account = None
    case.agent_name = None
    case.description = ""
    case.search_text = case.ref.lower()
    case.identity = {k: v for k, v in (case.identity or {}).items() if k in _IDENTITY_KEEP}
    case.decision = _decision_kept(case.decision or {})
    s.flush()
    return {"files": len(file_ids), "letters": letters, "notes": int(notes)}


def _drop_references(s: Session, table_name: str, ids: set[int]) -> None:
    """Clear every reference to the rows about to be deleted, in whatever table holds one (found from the schema, so
    a table added later that points at stored files is handled too): nullable columns are set to NULL, rows that
    cannot exist without the file are deleted."""
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != table_name or fk.parent.table is not table:
                continue
            col = fk.parent
            if col.nullable:
                s.execute(update(table).where(col.in_(ids)).values({col.name: None}))
            else:
                s.execute(delete(table).where(col.in_(ids)))


def _decision_kept(d: dict[str, Any]) -> dict[str, Any]:
    """What the anonymised register row still needs from the decision (no free text): the extension reason word,
    the refusal's scope, finding and grounds, exemption citations, lapsed dates."""
    out: dict[str, Any] = {}
    ext = d.get("extension")
    if isinstance(ext, dict):
        out["extension"] = {k: ext[k] for k in ("reason", "told_on", "until") if k in ext}
    refusal = d.get("refusal")
    if isinstance(refusal, dict):
        out["refusal"] = {
            "scope": refusal.get("scope"),
            "finding": refusal.get("finding"),
            "items": [{"ground": i.get("ground")} for i in refusal.get("items") or [] if isinstance(i, dict)],
        }
    assessment = d.get("assessment")
    if isinstance(assessment, dict) and assessment.get("finding"):
        out["assessment"] = {"finding": assessment["finding"]}
    exemptions = [e for e in d.get("exemptions") or [] if isinstance(e, dict)]
    if exemptions:
        out["exemptions"] = [{"citation": e.get("citation")} for e in exemptions]
    lapses = [x for x in d.get("lapses") or [] if isinstance(x, dict)]
    if lapses:
        out["lapses"] = [{k: x[k] for k in ("kind", "lapsed_due", "asked_on") if k in x} for x in lapses]
    return out
