"""Retention and legal holds (issue 20): when a case's personal data was removed and how, and the holds that keep it.

Nothing is dropped (downgrade removes only what this revision added).

Revision ID: 0011
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("purge_action", sa.String(), nullable=True))
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("email_norm", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("placed_by", sa.String(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_legal_holds_email_norm", ["email_norm"], unique=False)


def downgrade() -> None:
    op.drop_table("legal_holds")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would rebuild `cases` under its foreign keys.
    op.drop_column("cases", "purge_action")
    op.drop_column("cases", "purged_at")
