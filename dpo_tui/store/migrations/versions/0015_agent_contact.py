"""Agent contact: how to reach the agent, solicitor or relative who made a request for someone else (issue 16).

The case's requester columns stay the person whose data is asked for; `agent_name` / `agent_kind` (0001) say who
asked on their behalf, and this column how to reach them (an email address, a telephone number or a postal
address, as written). Nothing is dropped: a downgrade keeps the column (older code ignores it, and dropping it would
lose what was recorded), so upgrading again adds it only if it is missing. A plain ADD COLUMN: a batch rebuild of
`cases` would trip its foreign keys and drop the search triggers of 0002.

Revision ID: 0015
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"  # re-chained at merge: ... -> 0010 -> 0015
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("cases")}
    if "agent_contact" not in have:
        op.add_column("cases", sa.Column("agent_contact", sa.String(), nullable=True))


def downgrade() -> None:
    pass  # the column stays (see above)
