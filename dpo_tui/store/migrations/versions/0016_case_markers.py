"""Queue markers cached on the case: the earliest open follow-up, and correspondence the DPO has not read yet.

The queue reads cases without joins (store/queue.py), so what its rows show and its "Follow-ups" view filters on
is kept on the case row by the services that change it, like the cached deadline fields:
- `follow_up_on`: the earliest open follow-up's date (services/follow_ups.py); backfilled from `follow_ups`.
- `unread_in`: messages that joined the case through intake since the DPO last opened its received messages.
- `chaser`: one of those is a chaser about an overdue case; backfilled as false (nothing was unread before).

Nothing is dropped (downgrade removes only what this revision added).

Revision ID: 0016
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table and drops the search-index
    # triggers of migration 0002.
    op.add_column("cases", sa.Column("follow_up_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("unread_in", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("cases", sa.Column("chaser", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_cases_open_follow_up", "cases", ["is_open", "follow_up_on", "id"], unique=False)
    op.execute(
        "UPDATE cases SET follow_up_on = (SELECT MIN(f.\"on\") FROM follow_ups f "
        "WHERE f.case_id = cases.id AND f.done_at IS NULL)"
    )


def downgrade() -> None:
    op.drop_index("ix_cases_open_follow_up", table_name="cases")
    for column in ("chaser", "unread_in", "follow_up_on"):
        # ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL): keeps the table, and so its triggers.
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
