"""Audited undo (issue 20): the last action on a case reversed by a new, compensating action with its own audit event
("undo of #1234: status back to in progress"). History is never deleted.

Which kinds can be undone, and why the others cannot, is written once in `domain/retention.py` (`UNDOABLE`,
`REFUSED`); this module implements each member and checks, under the case's lock, that the action is still the last
one on the case, that it was the user's own, and that the case still holds what it set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlmodel import Session, select

from dpo_tui.domain.errors import DomainError, InvalidTransition
from dpo_tui.domain.lifecycle import CLOSED, Status, check_transition
from dpo_tui.domain.retention import UNDOABLE, undo_refusal
from dpo_tui.domain.states import ItemState, Outcome
from dpo_tui.services.casework import StaleCase, load_case, lock_case
from dpo_tui.services.views import CaseDetail
from dpo_tui.store import audit
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import AuditEvent, Case, ChecklistItem, FollowUp, Note

UNDO_KIND = "case.undo"


class UndoRefused(DomainError):
    """The last action on the case cannot be undone; the message says why."""


@dataclass(frozen=True)
class UndoPlan:
    ref: str
    version: int
    seq: int | None  # the event an undo would reverse
    kind: str | None
    at: datetime | None
    actor: str | None
    will: str | None  # what the undo does ("status back to in progress"), when it can
    refusal: str | None  # why it cannot

    @property
    def possible(self) -> bool:
        return self.refusal is None

    def describe(self) -> str:
        if self.refusal:
            what = f"#{self.seq} ({self.kind})" if self.seq else self.ref
            return f"cannot undo {what}: {self.refusal}"
        return f"undo of #{self.seq}: {self.will}"

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "version": self.version, "event": self.seq, "kind": self.kind, "actor": self.actor,
            "at": self.at.isoformat() if self.at else None, "undo": self.will, "refused": self.refusal,
        }  # fmt: skip


def preview(work: Any, ref: str) -> UndoPlan:
    """What `undo` would do now (the confirmation shows it), or why it cannot."""
    with work.db.reader() as s:
        case = load_case(s, ref)
        return _plan(work, s, case)


@retry_transient
def undo(work: Any, ref: str, *, version: int, seq: int) -> CaseDetail:
    """Undo event `seq` (the one the user was shown) on the case at `version`: one transaction with its `case.undo`
    event. Refused (UndoRefused) if it cannot be undone, StaleCase if the case changed since."""
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        plan = _plan(work, s, case)
        if plan.seq != seq:
            raise StaleCase(case.ref, plan.actor, plan.at)
        if plan.refusal:
            raise UndoRefused(plan.describe())
        event = s.exec(select(AuditEvent).where(AuditEvent.seq == seq)).one()
        payload = audit.payload_view(event) or {}
        _REVERSE[event.kind](work, s, case, payload, seq)
        work.record(s, case, UNDO_KIND, {"undoes": seq, "undone_kind": event.kind, "summary": plan.will})
        return work.finish(s, case)


# ---- planning ------------------------------------------------------------------------------------------------


def _plan(work: Any, s: Session, case: Case) -> UndoPlan:
    event = s.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.case_ref == case.ref).order_by(AuditEvent.seq.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()

    def refused(why: str) -> UndoPlan:
        return UndoPlan(
            case.ref, case.version, event.seq if event else None, event.kind if event else None,
            event.at if event else None, audit.who(event.actor, event.actor_name) if event else None, None, why,
        )  # fmt: skip

    if event is None:
        return refused("nothing has been done on this case")
    if case.purged_at is not None or event.purged:
        return refused(undo_refusal(audit.PURGE_KIND) or "purged")
    why = undo_refusal(event.kind)
    if why:
        return refused(why)
    # The login on PostgreSQL (what nobody can forge), and the display name beside it: two people sharing a login
    # are still two people; on SQLite the display name is the actor.
    login = audit.login(s)
    mine = (event.actor, event.actor_name) == (login, work.actor) if login else event.actor == work.actor
    if not mine:
        return refused(
            f"{audit.who(event.actor, event.actor_name)} acted on this case since ({event.kind}); only your own last "
            "action on a case can be undone"
        )
    payload = audit.payload_view(event) or {}
    try:
        will = _CHECK[event.kind](s, case, payload)
    except UndoRefused as exc:
        return refused(str(exc))
    return UndoPlan(case.ref, case.version, event.seq, event.kind, event.at, audit.who(event.actor, event.actor_name), will, None)


def _words(status: str | None) -> str:
    return (status or "?").replace("_", " ")


# Each member of UNDOABLE: a check (what the undo will do, or UndoRefused) and the reversal itself.


def _check_status(s: Session, case: Case, p: dict[str, Any]) -> str:
    before = p.get("before")
    if not isinstance(before, dict) or not before.get("status"):
        raise UndoRefused("this status change was recorded before undo existed: the previous state is not known")
    if case.status != p.get("to"):
        raise UndoRefused(f"the case is no longer {_words(p.get('to'))}")
    target = Status(before["status"])
    try:
        check_transition(Status(case.status), target)
    except InvalidTransition as exc:
        raise UndoRefused(f"the rules do not allow it: {exc}") from None
    return f"status back to {_words(target.value)}"


def _undo_status(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    before = p["before"]
    target = Status(before["status"])
    work.move(case, target, reason=f"undo of #{seq}", outcome=before.get("outcome"))
    case.outcome = Outcome.of(before.get("outcome"))  # audit payloads before 0017 may hold an older word
    final = before.get("final_response_on")
    case.final_response_on = date.fromisoformat(final) if final else None
    closed = before.get("closed_at")
    when = datetime.fromisoformat(closed) if closed and target in CLOSED else None
    case.closed_at = when.replace(tzinfo=timezone.utc) if when is not None and when.tzinfo is None else when
    work.refresh_deadline(s, case)


def _check_assigned(s: Session, case: Case, p: dict[str, Any]) -> str:
    if case.assignee != p.get("to"):
        raise UndoRefused(f"the case is no longer assigned to {p.get('to') or 'nobody'}")
    return f"assignee back to {p.get('from') or 'nobody'}"


def _undo_assigned(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    case.assignee = p.get("from")


def _note(s: Session, case: Case, p: dict[str, Any]) -> Note:
    note = s.get(Note, p["note_id"]) if isinstance(p.get("note_id"), int) else None
    if note is None or note.case_id != case.id:
        raise UndoRefused("the note is no longer on the case (or was added before undo existed)")
    return note


def _check_note(s: Session, case: Case, p: dict[str, Any]) -> str:
    note = _note(s, case, p)
    return f"note of {len(note.body)} characters withdrawn"


def _undo_note(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    s.delete(_note(s, case, p))


def _follow_up(s: Session, case: Case, fid: Any) -> FollowUp:
    row = s.get(FollowUp, fid) if isinstance(fid, int) else None
    if row is None or row.case_id != case.id:
        raise UndoRefused("the follow-up is no longer on the case")
    return row


def _check_follow_up_set(s: Session, case: Case, p: dict[str, Any]) -> str:
    row = _follow_up(s, case, p.get("follow_up_id"))
    if row.done_at is not None:
        raise UndoRefused("the follow-up has been marked done since")
    return f"follow-up of {row.on.isoformat()} withdrawn"


def _undo_follow_up_set(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    s.delete(_follow_up(s, case, p.get("follow_up_id")))


def _check_follow_up_done(s: Session, case: Case, p: dict[str, Any]) -> str:
    ids = p.get("follow_up_ids") or []
    rows = [_follow_up(s, case, i) for i in ids]
    if not rows or any(r.done_at is None for r in rows):
        raise UndoRefused("those follow-ups are not all done any more")
    if not case.is_open:
        raise UndoRefused(f"{case.ref} is closed: its follow-ups stay done")
    return f"{len(rows)} follow-up{'s' * (len(rows) != 1)} open again"


def _undo_follow_up_done(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    for fid in p.get("follow_up_ids") or []:
        row = _follow_up(s, case, fid)
        row.done_at = None
        row.done_by = None
        s.add(row)


def _item(s: Session, case: Case, p: dict[str, Any]) -> ChecklistItem:
    item = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id, ChecklistItem.key == p.get("key"))).first()
    if item is None:
        raise UndoRefused("the checklist item is no longer on the case")
    return item


def _check_checklist(s: Session, case: Case, p: dict[str, Any]) -> str:
    item = _item(s, case, p)
    if p.get("was") != "open":
        raise UndoRefused(
            "the item was not open before (or this was recorded before undo existed): untick it and record it again"
        )
    if item.state == ItemState.OPEN:
        raise UndoRefused("the item is already open")
    if not case.is_open:
        raise UndoRefused(f"{case.ref} is closed; reopen it to change its checklist")
    return f"checklist item '{item.label}' open again"


def _undo_checklist(work: Any, s: Session, case: Case, p: dict[str, Any], seq: int) -> None:
    from dpo_tui.services.checklist_work import _recount

    item = _item(s, case, p)
    item.state = ItemState.OPEN
    item.reason = item.search_terms = item.found = None
    item.done_by = item.done_at = None
    s.add(item)
    _recount(s, case)


_CHECK = {
    "case.status": _check_status,
    "case.assigned": _check_assigned,
    "note.added": _check_note,
    "follow_up.set": _check_follow_up_set,
    "follow_up.done": _check_follow_up_done,
    "checklist.ticked": _check_checklist,
    "checklist.not_applicable": _check_checklist,
}
_REVERSE = {
    "case.status": _undo_status,
    "case.assigned": _undo_assigned,
    "note.added": _undo_note,
    "follow_up.set": _undo_follow_up_set,
    "follow_up.done": _undo_follow_up_done,
    "checklist.ticked": _undo_checklist,
    "checklist.not_applicable": _undo_checklist,
}
assert set(_CHECK) == set(_REVERSE) == set(UNDOABLE), "every undoable kind needs its check and its reversal"
