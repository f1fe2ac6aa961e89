"""Outbound mail: a letter sent by email keeps its Message-ID, the message it answered, where it went and when.

Intake (issue 17) links a reply to its case by In-Reply-To/References against `letters.message_id`, hence the index.
Columns only added, all nullable: letters saved before this revision (or sent by post) simply have none.

Revision ID: 0006
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"  # re-chained after 0003 (audit branch); the lead re-chains after 0004-0005 at merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("in_reply_to", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("sent_to", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_letters_message_id", ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_message_id")
        for column in ("sent_at", "sent_to", "in_reply_to", "message_id"):
            batch_op.drop_column(column)
