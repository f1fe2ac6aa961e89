from alembic import context
from sqlmodel import SQLModel

import dpo_tui.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The search index (FTS5 table and its shadow tables) is managed by hand in migration 0002, not by the models.
    # So is the PostgreSQL trigram index of migration 0004.
    return not (name or "").startswith("cases_fts") and name != "ix_cases_search_trgm"


context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    include_object=include_object,
    # SQLite cannot ALTER most things in place: batch mode copies the table.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
