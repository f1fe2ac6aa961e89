"""SQLite: an index on `cases.search_text`, so a one- or two-letter search reads the search text of every case
from a compact index instead of the whole table.

No trigram index serves terms shorter than three characters, so a rare short term (say "zq") must look at every
case. Walking the table through the sort index read ~5 KB rows to test ~130 characters each: 75-90 ms at 100,000
cases. Scanning this covering index for the matching ids, then reading and sorting only those, took 13-25 ms
(store/queue.py, QueueReader.first_page). PostgreSQL is left alone: its trigram index (migration 0004) and a
B-tree on long text (entries over ~2.7 KB are refused) would not help.

Nothing is dropped (downgrade removes only this index).

Revision ID: 0019
Revises: 0017
"""

from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None

INDEX = "ix_cases_search_text"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases (search_text)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
