"""A stopped clock's start day on the case (`cases.stopped_since`), so every listing shows the days left the case
header shows, and stopped clocks leave the due-date counts.

A stopped clock (clarification asked, no answer yet) does not run: its days left are frozen at `due - stopped_since
+ 1` (issue 16: the header said "in 23 days, clock stopped" while the queue said "in 3 days" and counted the case as
due this week). Existing stopped cases get the day from their clock events (the first question still unanswered,
never before the clock start) and, like waits on the requester, sort after every dated case.

Nothing is dropped (downgrade removes only the column this revision added).

Revision ID: 0014
Revises: 0015
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None

NO_DUE = date(9999, 12, 31)  # store.models.NO_DUE, written out: a migration never imports the app


def upgrade() -> None:
    op.add_column("cases", sa.Column("stopped_since", sa.Date(), nullable=True))  # ADD COLUMN: no table rebuild
    bind = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("clock_start", sa.Date),
                     sa.column("clock_state", sa.String), sa.column("stopped_since", sa.Date),
                     sa.column("due_sort", sa.Date))  # fmt: skip
    events = sa.table("clock_events", sa.column("case_id", sa.Integer), sa.column("kind", sa.String),
                      sa.column("on", sa.Date), sa.column("id", sa.Integer))  # fmt: skip
    stopped = bind.execute(sa.select(cases.c.id, cases.c.clock_start).where(cases.c.clock_state == "stopped")).all()
    for case_id, clock_start in stopped:
        open_since = None
        rows = bind.execute(
            sa.select(events.c.kind, events.c.on).where(events.c.case_id == case_id).order_by(events.c.on, events.c.id)
        ).all()
        for kind, on in rows:
            if kind == "clarification_asked" and open_since is None:
                open_since = on
            elif kind == "clarification_answered":
                open_since = None
        since = max(d for d in (open_since, clock_start) if d is not None) if (open_since or clock_start) else None
        bind.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(stopped_since=since, due_sort=NO_DUE)
        )


def downgrade() -> None:
    op.drop_column("cases", "stopped_since")  # SQLite 3.35+ drops a plain column in place
