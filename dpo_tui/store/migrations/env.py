"""Alembic environment for dpo-tui (run from code: dpo_tui/store/migrate.py passes the connection).

Creating a revision (a schema change in dpo_tui/store/models.py):
  1. Number it after the newest file in versions/ (0001, 0002, ...): `revision = "00NN"`, `down_revision` = the
     previous one. Write it by hand, or let Alembic draft it from the models: take `cfg = migrate._config()`, set
     `cfg.attributes["connection"]` to a connection on a database at the current head (as `upgrade_to_head` does)
     and call `alembic.command.revision(cfg, message="...", rev_id="00NN", autogenerate=True)`; then read it.
  2. Use plain SQLAlchemy types only (sa.String(), sa.DateTime(timezone=True), ...): never import sqlmodel in a
     migration, so sqlmodel can be upgraded without rewriting history (render_item below does this for drafts;
     tests/store/test_migrations.py checks it). On SQLite use op.batch_alter_table (render_as_batch below).
  3. Give it a downgrade; update HEAD_REVISION in dpo_tui/store/schema.py; the upgrade-from-every-revision test in
     tests/store/test_migrations.py then proves a populated database keeps its rows.
"""

from alembic import context
from sqlmodel import SQLModel

import dpo_tui.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]


# The search index (FTS5 table, its shadow tables and its term list) is managed by hand in migrations 0002 and
# 0020, not by the models. So are the PostgreSQL trigram index of migration 0004 and SQLite's search-text indexes
# of migrations 0019, 0020 and 0021.
HAND_MADE_INDEXES = (
    "ix_cases_search_trgm", "ix_cases_search_text", "ix_cases_search_tail", "ix_cases_open_due_search", "ix_cases_due_search",
)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (name or "").startswith("cases_fts") and name not in HAND_MADE_INDEXES


def render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Draft SQLModel's column types as the plain SQLAlchemy types they stand for (no sqlmodel import)."""
    if type_ == "type":
        if type(obj).__name__ == "StateType":  # a state column is a plain string; its CHECK holds the vocabulary
            return "sa.String()"
        name = type(obj).__name__
        if name == "AutoString":
            return "sa.String()"
        if name == "UTCDateTime":
            return "sa.DateTime(timezone=True)"
    return False


context.configure(
    connection=connection,
    render_item=render_item,
    target_metadata=SQLModel.metadata,
    include_object=include_object,
    # SQLite cannot ALTER most things in place: batch mode copies the table.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
