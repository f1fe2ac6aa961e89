"""Working a case's fulfilment checklist: tick, untick, not applicable, notes, ad-hoc items, and completing the case.

Every verb is one user action: one transaction, the change to the item (who and when) and one audit event together,
with `Case.checklist_done` / `Case.checklist_total` kept in step for the queue's progress column (an item marked not
applicable counts as done).

Completing a case with open items is refused with the list of those items unless the DPO overrides with a reason;
the override and the items it left open are recorded in the audit trail (`checklist.override`).

Objection to direct marketing can never be refused (Art 21(2)-(3)). This module holds that rule for the checklist
path (`dpo_tui.domain.checklist.marketing_items_protected`): in a case invoking the right to object, the items that honour the objection
(`shared.suppress` and every `objection.stop.<system>`) can be neither marked not applicable nor left open by an
override, until the DPO has recorded that the objection is *not* to direct marketing by marking the item
`objection.direct_marketing` not applicable with a reason. `complete_case` only ever completes; every move of a case
to `refused` goes through `Casework.move`, which applies the same rule (`marketing_objection_refusal`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import func
from sqlmodel import Session, select

from dpo_tui.domain.checklist import (  # noqa: F401 - OpenItems, MarketingObjection: raised by these verbs
    MarketingObjection,
    OpenItems,
    marketing_items_protected,
    marketing_objection_refusal,
)
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.lifecycle import CLOSED, Status
from dpo_tui.domain.states import ItemState, SearchResult
from dpo_tui.services.casework import Casework, lock_case, status_snapshot
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Case, ChecklistItem

OPEN, DONE, NA = ItemState.OPEN, ItemState.DONE, ItemState.NA
ADHOC_PREFIX = "adhoc"
MAX_LABEL = 200


# ---- verbs ----------------------------------------------------------------------------------------------------


@retry_transient
def tick(
    work: Casework,
    ref: str,
    key: str,
    *,
    search_terms: str | None = None,
    found: str | None = None,
    note: str | None = None,
    version: int,
) -> CaseDetail:
    """Mark an item done. Items that require a search record need the search terms and found / nothing found:
    that record is the proof of a reasonable and proportionate search."""
    terms = _one_line(search_terms)
    outcome = _found(found)
    with _editing(work, ref, version) as (s, case):
        item = _item(s, case, key)
        if item.state == DONE:
            raise DomainError(f"'{item.label}' is already done ({_by(item)}); untick it first to change it")
        was = item.state
        if item.requires_search_record:
            if terms is None:
                raise InvalidInput(
                    "search terms",
                    f"'{item.label}' needs the search terms used: the record proves a reasonable "
                    "and proportionate search"
                )
            if outcome is None:
                raise InvalidInput("found", f"'{item.label}' needs the result of the search: found or nothing_found")
        elif outcome is not None and terms is None:
            raise InvalidInput("search terms", "a search result needs the search terms used")
        elif terms is not None and outcome is None:
            raise InvalidInput("found", "say whether the search found anything: found or nothing_found")
        item.state = DONE
        item.reason = None
        item.search_terms = terms
        item.found = outcome
        if note is not None and note.strip():
            item.note = note.strip()
        _stamp(work, item)
        s.add(item)
        payload = {"key": item.key, "system": item.system_key, "was": was}
        if terms is not None:
            payload |= {"search_terms": terms, "found": item.found}
        if note is not None and note.strip():
            payload["note"] = note.strip()
        return _done(work, s, case, "checklist.ticked", payload)


@retry_transient
def untick(work: Casework, ref: str, key: str, *, version: int) -> CaseDetail:
    """Reopen a done or not-applicable item. The earlier record stays in the audit trail."""
    with _editing(work, ref, version) as (s, case):
        item = _item(s, case, key)
        if item.state == OPEN:
            raise DomainError(f"'{item.label}' is not ticked")
        before = item.state
        item.state = OPEN
        item.reason = None
        item.search_terms = None
        item.found = None
        item.done_by = None
        item.done_at = None
        s.add(item)
        return _done(work, s, case, "checklist.unticked", {"key": item.key, "system": item.system_key, "was": before})


@retry_transient
def mark_not_applicable(work: Casework, ref: str, key: str, reason: str | None, *, version: int) -> CaseDetail:
    """Mark an item not applicable; the reason is required and recorded with who and when."""
    why = " ".join((reason or "").split())
    if not why:
        raise InvalidInput("reason", "say why this item does not apply (it is part of the record)")
    with _editing(work, ref, version) as (s, case):
        item = _item(s, case, key)
        items = _items(s, case)
        if item.key in _protected_keys(case, items):
            raise MarketingObjection(
                f"'{item.label}' honours an objection to direct marketing, which can never be refused. If the "
                f"objection is not to direct marketing, first mark 'Establish whether the objection is to direct "
                f"marketing' not applicable, saying so."
            )
        was = item.state
        item.state = NA
        item.reason = why
        item.search_terms = None
        item.found = None
        _stamp(work, item)
        s.add(item)
        return _done(work, s, case, "checklist.not_applicable", {"key": item.key, "system": item.system_key, "reason": why, "was": was})


@retry_transient
def add_note(work: Casework, ref: str, key: str, note: str | None, *, version: int) -> CaseDetail:
    """Set an item's note (an empty note clears it)."""
    text = (note or "").strip() or None
    with _editing(work, ref, version) as (s, case):
        item = _item(s, case, key)
        item.note = text
        s.add(item)
        return _done(work, s, case, "checklist.noted", {"key": item.key, "note": text})


@retry_transient
def add_item(work: Casework, ref: str, label: str | None, *, version: int) -> CaseDetail:
    """Add an ad-hoc item at the end of the checklist; it must then be done or marked N/A like any other."""
    text = " ".join((label or "").split())
    if not text:
        raise InvalidInput("label", "say what needs doing")
    if len(text) > MAX_LABEL:
        raise InvalidInput("label", f"keep it under {MAX_LABEL} characters; put detail in a note")
    with _editing(work, ref, version) as (s, case):
        items = _items(s, case)
        taken = {i.key for i in items}
        n = 1 + sum(1 for i in items if i.adhoc)
        while f"{ADHOC_PREFIX}.{n}" in taken:
            n += 1
        item = ChecklistItem(
            case_id=case.id,
            position=max((i.position for i in items), default=-1) + 1,
            key=f"{ADHOC_PREFIX}.{n}",
            label=text,
            adhoc=True,
        )
        s.add(item)
        s.flush()
        return _done(work, s, case, "checklist.item_added", {"key": item.key, "label": text})


@retry_transient
def complete_case(
    work: Casework, ref: str, *, override_reason: str | None = None, version: int
) -> CaseDetail:
    """Close the case as completed. Refused (OpenItems) while items are open, unless `override_reason` is given:
    the override, its reason and the items left open go to the audit trail."""
    why = " ".join((override_reason or "").split()) or None
    with _editing(work, ref, version) as (s, case):
        if case.kind == "complaint":  # closed by its outcome (services/complaints.py), which the person is told
            raise DomainError(f"{case.ref} is a complaint: record its outcome (K, or `dpo-tui complaint outcome`) to close it")
        left_open = sum(1 for i in _items(s, case) if i.state == OPEN)
        before = status_snapshot(case)
        work.move(case, Status.COMPLETED, reason=why, outcome=None)  # the completion rule and outcome live there
        work.refresh_deadline(s, case)
        _recount(s, case)
        work.record(
            s,
            case,
            "case.status",
            {"to": Status.COMPLETED.value, "outcome": case.outcome, "reason": why, "open_items": left_open, "before": before},
        )
        return work.finish(s, case)


# ---- the direct-marketing rule ----------------------------------------------------------------------------------


def refusal_forbidden(detail: CaseDetail) -> str | None:
    """Why the case may not be refused (an objection to direct marketing), else None."""
    return marketing_objection_refusal(detail.rights, {i.key: i.state for i in detail.checklist})


def refusal_forbidden_for_case(s: Session, case: Case) -> str | None:
    """`refusal_forbidden` inside a write transaction, from the ORM case."""
    return marketing_objection_refusal(case.right_keys, {i.key: i.state for i in _items(s, case)})


# ---- helpers ----------------------------------------------------------------------------------------------------


@contextmanager
def _editing(work: Casework, ref: str, version: int) -> Iterator[tuple[Session, Case]]:
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if Status(case.status) in CLOSED:
            raise DomainError(f"{case.ref} is {case.status}; reopen it to change its checklist")
        yield s, case


def _items(s: Session, case: Case) -> list[ChecklistItem]:
    return list(s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id).order_by(ChecklistItem.position)))


def _item(s: Session, case: Case, key: str) -> ChecklistItem:
    item = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id, ChecklistItem.key == key)).first()
    if item is None:
        raise InvalidInput(None, f"no checklist item {key!r} on {case.ref}")
    return item


def _protected_keys(case: Case, items: Sequence[ChecklistItem]) -> set[str]:
    return marketing_items_protected(case.right_keys, [(i.key, i.state) for i in items])


def _stamp(work: Casework, item: ChecklistItem) -> None:
    item.done_by = work.actor
    item.done_at = work.now()


def _recount(s: Session, case: Case) -> None:
    s.flush()
    rows = s.exec(
        select(ChecklistItem.state, func.count()).where(ChecklistItem.case_id == case.id).group_by(ChecklistItem.state)
    ).all()
    counts = {state: n for state, n in rows}
    case.checklist_total = sum(counts.values())
    case.checklist_done = counts.get(DONE, 0) + counts.get(NA, 0)


def _done(work: Casework, s: Session, case: Case, kind: str, payload: dict) -> CaseDetail:  # type: ignore[type-arg]
    _recount(s, case)
    work.record(s, case, kind, payload)
    return work.finish(s, case)


def _one_line(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def _found(value: str | None) -> SearchResult | None:
    if value is None or not value.strip():
        return None
    try:
        return SearchResult(value.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        valid = ", ".join(r.value for r in SearchResult)
        raise InvalidInput("found", f"'{value}' is not a search result (valid: {valid})") from None


def _by(item: ChecklistItem) -> str:
    when = item.done_at.strftime("%Y-%m-%d %H:%M") if item.done_at else "?"
    return f"{item.done_by or '?'} {when}"
