"""SQLite: the search text beside the due-date sort keys, so a search walks the queue's order without reading cases.

A search's first page walks the sort index and tests each case's search text until 64 match (QueueReader.
first_page). The sort indexes held only the keys, so every case tested was read from the table (~5 KB a row): the
4 ms scan budget covered a few hundred cases, "smith" at 1,000,000 cases fell back to the trigram index (~100 ms),
and a term in no open case read every open case (320-480 ms). With the search text in the index, SQLite tests it
on the index entry and reads only the cases that match: "smith" 0.6 ms, a term in no open case 23-36 ms (180,000
open cases), found without the trigram index.
- `ix_cases_open_due_search`: the views of open (or closed) cases in due-date order, the queue's default;
- `ix_cases_due_search`: All, in due-date order.
Derived from data already stored; nothing is dropped (downgrade removes only these two). PostgreSQL is left alone:
its search uses the pg_trgm index (migration 0004), and a B-tree refuses entries over ~2.7 KB.

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OPEN_INDEX = "ix_cases_open_due_search"
ALL_INDEX = "ix_cases_due_search"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS {OPEN_INDEX} ON cases (is_open, due_sort, id, search_text)")
        op.execute(f"CREATE INDEX IF NOT EXISTS {ALL_INDEX} ON cases (due_sort, id, search_text)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {ALL_INDEX}")
        op.execute(f"DROP INDEX IF EXISTS {OPEN_INDEX}")
