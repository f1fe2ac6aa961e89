"""The Alembic revision this code expects. Checked on every open without importing Alembic (it is slow);
a test asserts it equals the head of the migration scripts."""

from dpo_tui.store.urls import DatabaseError

HEAD_REVISION = "0021"


class MigrationRefused(DatabaseError):
    """A migration found rows it cannot carry over and stopped before changing anything (one line, for the user)."""
