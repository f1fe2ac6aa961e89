"""`dpo-tui cases`: the case list as a stream of plain rows, so listing 1,000,000 cases takes constant memory.

`Casework.list_cases` returns ORM objects (every column, the JSON ones parsed, an identity map): fine for a
screenful, but `cases --json` over 1M cases held them all (540 MB and more). This reads only the listed columns
through SQLAlchemy Core, `yield_per` rows at a time (a server-side cursor on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from dpo_tui.domain.lifecycle import parse_status
from dpo_tui.store.models import Case

CHUNK = 2000


def iter_cases(
    db: Any, today: date, *, status: str | None = None, overdue: bool = False, due_within: int | None = None
) -> Iterator[Any]:
    """Rows with ref, status, rights, requester_name, requester_email, received, due, is_open, clock_state,
    assignee; soonest due first (the order and filters of `Casework.list_cases`)."""
    t = Case.__table__
    q = select(
        t.c.ref, t.c.status, t.c.rights, t.c.requester_name, t.c.requester_email, t.c.received, t.c.due,
        t.c.is_open, t.c.clock_state, t.c.assignee, t.c.stopped_since,
    )  # fmt: skip
    if status:
        q = q.where(t.c.status == parse_status(status).value)
    if overdue:
        q = q.where(t.c.is_open == True, t.c.due_sort < today)  # noqa: E712
    if due_within is not None:
        q = q.where(t.c.is_open == True, t.c.due_sort <= today + timedelta(days=due_within))  # noqa: E712
    q = q.order_by(t.c.due_sort, t.c.id)
    with db.engine.connect() as conn:
        yield from conn.execution_options(yield_per=CHUNK).execute(q)
