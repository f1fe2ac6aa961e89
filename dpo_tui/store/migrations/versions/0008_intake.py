"""Intake: stored files (originals as received, later attachments), messages taken in, items awaiting triage.

Plain SQLAlchemy types only; nothing existing is changed or dropped. Written as 0007 on the intake branch and
renumbered after the mail branch's 0006/0007 landed on main; other branches' revisions are re-chained at merge.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
    )
    op.create_index("ix_stored_files_case_id", "stored_files", ["case_id"])
    op.create_index("ix_stored_files_sha256", "stored_files", ["sha256"])
    op.create_table(
        "pending_intake",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("from_name", sa.String(), nullable=False),
        sa.Column("from_email", sa.String(), nullable=False),
        sa.Column("requester_name", sa.String(), nullable=False),
        sa.Column("requester_email", sa.String(), nullable=False),
        sa.Column("on_behalf_email", sa.String(), nullable=True),
        sa.Column("third_party", sa.Boolean(), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("received_basis", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("quoted", sa.String(), nullable=False),
        sa.Column("signature", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("rights", sa.String(), nullable=False),
        sa.Column("regime", sa.String(), nullable=True),
        sa.Column("detected", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("match_ref", sa.String(), nullable=True),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_pending_intake_status", "pending_intake", ["status"])
    op.create_table(
        "intake_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(), nullable=False, unique=True),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("pending_id", sa.Integer(), sa.ForeignKey("pending_intake.id"), nullable=True),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=True),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("overdue_chaser", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_intake_messages_message_id", "intake_messages", ["message_id"])
    op.create_index("ix_intake_messages_case_id", "intake_messages", ["case_id"])


def downgrade() -> None:
    op.drop_table("intake_messages")
    op.drop_table("pending_intake")
    op.drop_table("stored_files")
