"""The queries behind the queue: one page of rows at a time, so cost never grows with the number of cases.

Pages are fetched by keyset on (sort value, id): the database walks an index from a known row instead of
counting past thousands with OFFSET. OFFSET is used only to jump (home/end, scrollbar drags).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from dpo_tui.domain.lifecycle import AWAITING
from dpo_tui.store.models import Case


class View(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    AWAITING = "awaiting"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    CLOSED = "closed"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            View.OPEN: "Open",
            View.OVERDUE: "Overdue",
            View.DUE_SOON: "Due soon",
            View.AWAITING: "Awaiting requester",
            View.MINE: "Mine",
            View.UNASSIGNED: "Unassigned",
            View.CLOSED: "Closed",
            View.ALL: "All",
        }[self]


class Sort(StrEnum):
    DUE = "due"
    RECEIVED = "received"
    REF = "ref"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return {Sort.DUE: "due date", Sort.RECEIVED: "received (newest)", Sort.REF: "reference", Sort.UPDATED: "last change"}[self]


SORT_COLUMNS: dict[Sort, Any] = {
    Sort.DUE: Case.due_sort,
    Sort.RECEIVED: Case.received,
    Sort.REF: Case.id,  # references are issued in id order within a year; id is the stable proxy
    Sort.UPDATED: Case.updated_at,
}
DESCENDING = {Sort.RECEIVED, Sort.UPDATED}

ROW_COLUMNS = (
    Case.id,
    Case.ref,
    Case.requester_name,
    Case.requester_email,
    Case.rights,
    Case.received,
    Case.due,
    Case.clock_state,
    Case.status,
    Case.status_since,
    Case.assignee,
    Case.checklist_done,
    Case.checklist_total,
    Case.extended,
    Case.is_open,
)


@dataclass(frozen=True)
class QueueRow:
    id: int
    ref: str
    name: str
    email: str
    rights: tuple[str, ...]
    received: date
    due: date | None
    clock_state: str
    status: str
    status_since: datetime
    assignee: str | None
    checklist_done: int
    checklist_total: int
    extended: bool
    is_open: bool
    key: tuple[Any, int]  # keyset cursor: (sort value, id)

    def days_left(self, today: date) -> int | None:
        return (self.due - today).days if self.due and self.is_open else None


@dataclass(frozen=True)
class QueueQuery:
    view: View = View.OPEN
    sort: Sort = Sort.DUE
    search: str = ""
    me: str = ""
    today: date | None = None

    def where(self) -> list[ColumnElement[bool]]:
        today = self.today or date.today()
        conds: list[ColumnElement[bool]] = []
        v = self.view
        if v in (View.OPEN, View.OVERDUE, View.DUE_SOON, View.AWAITING, View.MINE, View.UNASSIGNED):
            conds.append(col(Case.is_open).is_(True))
        if v is View.OVERDUE:
            conds.append(Case.due_sort < today)
        elif v is View.DUE_SOON:
            conds.append(and_(Case.due_sort >= today, Case.due_sort <= today + timedelta(days=7)))
        elif v is View.AWAITING:
            conds.append(col(Case.status).in_([s.value for s in AWAITING]))
        elif v is View.MINE:
            conds.append(Case.assignee == self.me)
        elif v is View.UNASSIGNED:
            conds.append(col(Case.assignee).is_(None))
        elif v is View.CLOSED:
            conds.append(col(Case.is_open).is_(False))
        for term in self.search.lower().split():
            conds.append(col(Case.search_text).like(f"%{_escape_like(term)}%", escape="\\"))
        return conds


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(r: Any, sort: Sort) -> QueueRow:
    sort_value = {Sort.DUE: None, Sort.RECEIVED: r.received, Sort.REF: r.id, Sort.UPDATED: None}[sort]
    return QueueRow(
        id=r.id,
        ref=r.ref,
        name=r.requester_name,
        email=r.requester_email,
        rights=tuple(r.rights.split(",")),
        received=r.received,
        due=r.due,
        clock_state=r.clock_state,
        status=r.status,
        status_since=r.status_since,
        assignee=r.assignee,
        checklist_done=r.checklist_done,
        checklist_total=r.checklist_total,
        extended=r.extended,
        is_open=r.is_open,
        key=(r.sort_value if sort_value is None else sort_value, r.id),
    )


def _select(q: QueueQuery) -> Any:
    sort_col = SORT_COLUMNS[q.sort]
    return select(*ROW_COLUMNS, sort_col.label("sort_value")).where(*q.where())


def _ordered(stmt: Any, q: QueueQuery, *, reverse: bool = False) -> Any:
    sort_col = SORT_COLUMNS[q.sort]
    desc = (q.sort in DESCENDING) != reverse
    if desc:
        return stmt.order_by(sort_col.desc(), Case.id.desc())
    return stmt.order_by(sort_col.asc(), Case.id.asc())


def count(session: Session, q: QueueQuery) -> int:
    return session.execute(select(func.count()).select_from(Case).where(*q.where())).scalar_one()


def page_at(session: Session, q: QueueQuery, offset: int, limit: int) -> list[QueueRow]:
    stmt = _ordered(_select(q), q).offset(max(offset, 0)).limit(limit)
    return [_row(r, q.sort) for r in session.execute(stmt)]


def page_after(session: Session, q: QueueQuery, key: tuple[Any, int], limit: int) -> list[QueueRow]:
    """The rows that follow `key` in the queue's order."""
    sort_col = SORT_COLUMNS[q.sort]
    value, row_id = key
    if q.sort in DESCENDING:
        cond = or_(sort_col < value, and_(sort_col == value, Case.id < row_id))
    else:
        cond = or_(sort_col > value, and_(sort_col == value, Case.id > row_id))
    stmt = _ordered(_select(q).where(cond), q).limit(limit)
    return [_row(r, q.sort) for r in session.execute(stmt)]


def page_before(session: Session, q: QueueQuery, key: tuple[Any, int], limit: int) -> list[QueueRow]:
    """The rows that precede `key`, returned in the queue's order."""
    sort_col = SORT_COLUMNS[q.sort]
    value, row_id = key
    if q.sort in DESCENDING:
        cond = or_(sort_col > value, and_(sort_col == value, Case.id > row_id))
    else:
        cond = or_(sort_col < value, and_(sort_col == value, Case.id < row_id))
    stmt = _ordered(_select(q).where(cond), q, reverse=True).limit(limit)
    return list(reversed([_row(r, q.sort) for r in session.execute(stmt)]))


@dataclass(frozen=True)
class Summary:
    open: int
    overdue: int
    due_this_week: int
    awaiting_requester: int


def summary(session: Session, today: date) -> Summary:
    is_open = col(Case.is_open).is_(True)
    stmt = select(
        func.count().filter(is_open),
        func.count().filter(and_(is_open, Case.due_sort < today)),
        func.count().filter(and_(is_open, Case.due_sort >= today, Case.due_sort <= today + timedelta(days=7))),
        func.count().filter(and_(is_open, col(Case.status).in_([s.value for s in AWAITING]))),
    ).select_from(Case)
    o, od, dw, aw = session.execute(stmt).one()
    return Summary(o, od, dw, aw)


def data_version(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint that changes whenever any case changes (drives the queue's auto-refresh)."""
    from dpo_tui.store.models import AuditHead

    head = session.get(AuditHead, 1)
    return (head.seq if head else 0,)
