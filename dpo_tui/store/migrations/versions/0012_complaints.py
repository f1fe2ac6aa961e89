"""Complaint cases (issue 15; DPA 2018 s.164A): a case's kind ("request" or "complaint") and, for a complaint, the
reference of the request it is about. Columns only added: every existing case is a request about nothing.

Revision ID: 0012
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The downgrade keeps the columns (see below), so upgrading again after a downgrade adds only what is missing.
    bind = op.get_bind()
    have = {c["name"] for c in sa.inspect(bind).get_columns("cases")}
    indexes = {i["name"] for i in sa.inspect(bind).get_indexes("cases")}
    columns = [
        sa.Column("kind", sa.String(), nullable=False, server_default="request"),
        sa.Column("about_ref", sa.String(), nullable=True),
    ]
    missing = [c for c in columns if c.name not in have]
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in missing:
            batch_op.add_column(column)
        if "ix_cases_about_ref" not in indexes:
            batch_op.create_index("ix_cases_about_ref", ["about_ref"], unique=False)


def downgrade() -> None:
    # Dropping columns of `cases` would rebuild the table on SQLite (its children's foreign keys forbid it) and
    # loses complaint links: a downgrade keeps them (harmless to 0004 code, which never reads them).
    pass
