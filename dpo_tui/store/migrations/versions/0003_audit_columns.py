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


# PostgreSQL (team mode): every new event's actor must be the login that writes it. The app always writes
# session_user; this stops a caseworker, who may insert events, from adding one in a teammate's name by hand.
# pg_dump creates triggers after loading data, so restoring a dump made by another login still works.
_ACTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION dpo_audit_actor_is_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user THEN
        RAISE EXCEPTION 'audit event actor % is not the database login %', NEW.actor, session_user;
    END IF;
    RETURN NEW;
END
$$
"""
_ACTOR_TRIGGER = (
    "CREATE TRIGGER audit_events_actor_is_login BEFORE INSERT ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION dpo_audit_actor_is_login()"
)


def upgrade() -> None:
    # The downgrade keeps these columns (see below), so upgrading again after a downgrade adds only what is missing.
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_events")}
    columns = [
        sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("actor_name", sa.String(), nullable=True),
        sa.Column("payload_digest", sa.String(), nullable=True),
    ]
    missing = [c for c in columns if c.name not in have]
    if missing:
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            for column in missing:
                batch_op.add_column(column)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ACTOR_FUNCTION)
        op.execute(_ACTOR_TRIGGER)


def downgrade() -> None:
    # Dropping the columns would make version 2 events unverifiable; a downgrade keeps them (harmless to 0002 code),
    # and only lifts the actor check, which 0002 code (actor = display name) would trip.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_actor_is_login ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS dpo_audit_actor_is_login()")
