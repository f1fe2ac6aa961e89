"""Audit chain version 2: the hash covers every column a reader relies on.

Version 1 events (every event written before this migration) hashed seq, time, actor, kind, case reference and
payload, but not the case id nor the purge state, so `SET case_id=7` or `SET purged=1, payload='forged'` went unseen.
Version 2 events also hash the case id, the display name beside the actor, and a digest of the payload kept in its
own column, so a purge can blank the payload and still leave the event provable.

History is never rewritten: existing rows keep `hash_version = 1` (the server default below) and are verified by the
formula they were written with; every new event is written as version 2. Columns are only added, never dropped.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("actor_name", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("payload_digest", sa.String(), nullable=True))


def downgrade() -> None:
    # Dropping the columns would make version 2 events unverifiable; a downgrade keeps them (harmless to 0002 code).
    pass
