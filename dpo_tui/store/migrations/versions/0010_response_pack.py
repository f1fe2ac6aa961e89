"""The response pack (issue 18): attachments in `stored_files` (the checklist item, the original of a redacted copy,
withheld), the redaction log, packs built (their manifests) and deliveries.

Plain SQLAlchemy types only; nothing existing is changed or dropped (three nullable/defaulted columns are added).

Revision ID: 0010
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0012"  # re-chained at merge: 0004 -> 0011 -> 0016 -> 0012 -> 0010
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stored_files", schema=None) as batch:
        batch.add_column(sa.Column("item_key", sa.String(), nullable=True))
        batch.add_column(sa.Column("original_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withheld", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_foreign_key("fk_stored_files_original_id", "stored_files", ["original_id"], ["id"])
    op.create_table(
        "redactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        sa.Column("copy_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("exemption_id", sa.Integer(), nullable=True),
        sa.Column("citation", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_redactions_case_id", "redactions", ["case_id"])
    op.create_table(
        "packs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("manifest_sha256", sa.String(), nullable=False),
        sa.Column("archive_sha256", sa.String(), nullable=False),
        sa.Column("archive_size", sa.BigInteger(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("built_by", sa.String(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_packs_case_id", "packs", ["case_id"])
    op.create_index("ix_packs_manifest_sha256", "packs", ["manifest_sha256"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("pack_id", sa.Integer(), sa.ForeignKey("packs.id"), nullable=True),
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id"), nullable=True),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("manifest_sha256", sa.String(), nullable=True),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_deliveries_case_id", "deliveries", ["case_id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("packs")
    op.drop_table("redactions")
    with op.batch_alter_table("stored_files", schema=None) as batch:
        batch.drop_constraint("fk_stored_files_original_id", type_="foreignkey")
        batch.drop_column("withheld")
        batch.drop_column("original_id")
        batch.drop_column("item_key")
