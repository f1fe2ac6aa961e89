"""Alembic, driven from code: the migration scripts ship inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

# Any constant: the key of the PostgreSQL advisory lock that serialises schema upgrades.
_MIGRATION_LOCK = 0x6470_6F74  # "dpot"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "dpo_tui.store:migrations")
    return cfg


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def upgrade_to_head(engine: Engine) -> None:
    """Several processes may open a fresh database at once (six `dpo-tui new` in a script): each takes the write
    lock before Alembic reads the schema revision, so the first creates the schema and the others find it done."""
    cfg = _config()
    # dpo_write: SQLite opens the transaction with BEGIN IMMEDIATE (see store.database), so the revision check and
    # the DDL happen under the write lock.
    with engine.execution_options(dpo_write=True).begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
