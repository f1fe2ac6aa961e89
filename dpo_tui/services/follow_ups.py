"""Follow-ups: "look at this case again on DATE, because NOTE". Not a legal date: a reminder the DPO sets.

`set_follow_up` and `complete_follow_ups` are user actions (one transaction with its audit event, refused on a stale
`version`); `due_follow_ups` feeds `dpo-tui due`, the digest and the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import select

from dpo_tui.domain.dates import fmt, relative_days
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Case, FollowUp

MAX_NOTE = 500
MAX_AHEAD_DAYS = 3660  # ten years: further is a typo, and dates near year 9999 overflow the calendar export


@dataclass(frozen=True)
class FollowUpView:
    ref: str
    on: date
    note: str  # the DPO's text: shown literally, escaped in HTML
    created_by: str


@retry_transient
def set_follow_up(work: Any, ref: str, on: date, note: str, *, version: int) -> CaseDetail:
    """Add a follow-up to an open case (a case may have several, on different days)."""
    from dpo_tui.services.casework import lock_case

    text = " ".join(note.split())
    if not text:
        raise InvalidInput("note", "say what to follow up (it is shown in `due`, the digest and the calendar)")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note", f"{len(text)} characters; keep it under {MAX_NOTE}")
    if on < work.today():
        raise InvalidInput(f"date: {fmt(on)} is in the past")
    if (on - work.today()).days > MAX_AHEAD_DAYS:
        raise InvalidInput(f"date: {on.isoformat()} is more than ten years ahead")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if not case.is_open:
            raise InvalidInput(None, f"{case.ref} is closed ({case.status.replace('_', ' ')}): nothing to follow up")
        row = FollowUp(case_id=case.id, on=on, note=text, created_by=work.actor)
        s.add(row)
        case.follow_up_on = on if case.follow_up_on is None else min(case.follow_up_on, on)  # the queue's marker
        s.flush()
        work.record(s, case, "follow_up.set", {"follow_up_id": row.id, "on": on.isoformat(), "note": text})
        return work.finish(s, case)


@retry_transient
def complete_follow_ups(work: Any, ref: str, *, version: int) -> int:
    """Mark the case's open follow-ups done; returns how many. One transaction, one audit event."""
    from dpo_tui.services.casework import lock_case

    with work.write() as s:
        case = lock_case(s, ref, version=version)
        rows = list(s.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))))  # type: ignore[union-attr]
        if not rows:
            raise InvalidInput(None, f"{case.ref} has no open follow-up")
        now = work.now()
        for row in rows:
            row.done_at = now
            row.done_by = work.actor
            s.add(row)
        case.follow_up_on = None
        work.record(s, case, "follow_up.done", {"follow_up_ids": [r.id for r in rows], "on": [r.on.isoformat() for r in rows]})
        work.finish(s, case)
        return len(rows)


def open_follow_ups(work: Any, ref: str | None = None, *, until: date | None = None) -> list[FollowUpView]:
    """Open follow-ups on open cases (of one case, or all), by date."""
    with work.db.reader() as s:
        q = (
            select(Case.ref, FollowUp.on, FollowUp.note, FollowUp.created_by)
            .join(Case, Case.id == FollowUp.case_id)
            .where(FollowUp.done_at.is_(None), Case.is_open == True)  # type: ignore[union-attr]  # noqa: E712
        )
        if ref is not None:
            q = q.where(Case.ref == ref.strip().upper())
        if until is not None:
            q = q.where(FollowUp.on <= until)
        return [FollowUpView(r, on, n, by) for r, on, n, by in s.exec(q.order_by(FollowUp.on, Case.ref))]


def due_follow_ups(work: Any, today: date | None) -> list[Any]:
    """DueItems for `dpo-tui due` (follow-ups on or before `today`) or, with `today=None`, every open follow-up
    (the calendar)."""
    from dpo_tui.services.due import DueItem, Urgency

    with work.db.reader() as s:
        q = (
            select(Case, FollowUp)
            .join(Case, Case.id == FollowUp.case_id)
            .where(FollowUp.done_at.is_(None), Case.is_open == True)  # type: ignore[union-attr]  # noqa: E712
        )
        if today is not None:
            q = q.where(FollowUp.on <= today)
        rows = list(s.exec(q.order_by(FollowUp.on, Case.ref)))
    out = []
    for case, f in rows:
        days = (f.on - today).days if today is not None else None
        when = relative_days(days) if days is not None else fmt(f.on)
        summary = f"{case.ref}: follow-up {fmt(f.on)} ({when}): {f.note}" if days is not None else f"{case.ref}: follow-up: {f.note}"
        out.append(
            DueItem(
                ref=case.ref, kind="follow_up", on=f.on, urgency=Urgency.SOON, summary=summary,
                explanation=(f"follow-up set by {f.created_by} for {fmt(f.on)}: {f.note}",),
                rights=case.right_keys, assignee=case.assignee,
                requester_name=case.requester_name, days=days, key=str(f.id),
            )
        )  # fmt: skip
    return out
