"""CHECK constraints on every state column: a status, clock state, channel, checklist state... outside its
vocabulary can no longer be written, by the app, the CLI or someone's SQL.

The vocabularies are written out here (a migration imports no app code that may change after it, only the
error it raises);
tests/store/test_migrations.py asserts they equal the enums in dpo_tui/domain/states.py, so a new member needs a
new revision.

Existing rows are checked first: if any holds a word outside its vocabulary the upgrade stops with a message
naming the table, column, values and row counts, and changes nothing (it runs in the upgrade's one transaction).

SQLite cannot add a CHECK to an existing table: the table is rebuilt. Not with `op.batch_alter_table`: its
copy -> drop -> rename order needs `PRAGMA foreign_keys=OFF`, which SQLite ignores inside a transaction, and with
foreign keys on, dropping `cases` (or `pending_intake`) leaves their children's references counted as broken.
Instead, inside the transaction, with foreign-key checks deferred to commit: keep the rows in a temporary table,
drop the table, create it again from its own CREATE statement with the constraints added, put the rows back
(re-inserting the parent rows satisfies the deferred checks), and re-create its indexes and triggers (the
search-index triggers of 0002) from their stored SQL. Row ids are kept, so the FTS index stays valid.
Downgrade rebuilds the same way without the constraints (PostgreSQL: drops them).

Revision ID: 0009
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from dpo_tui.store.schema import MigrationRefused

revision = "0009"
down_revision = "0014"
branch_labels = None
depends_on = None

_STATUS = ("new", "awaiting_id", "awaiting_fee", "awaiting_clarification", "in_progress", "completed", "refused",
           "withdrawn")  # fmt: skip
_CHANNEL = ("email", "web", "post", "phone", "in_person", "social")

# (table, column, vocabulary); NULL passes a CHECK, and the nullable column (found) keeps NULL for "no search".
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cases", "status", _STATUS),
    ("cases", "clock_state", ("not_started", "running", "stopped", "ended")),
    ("cases", "channel", _CHANNEL),
    ("clock_events", "kind", ("received", "id_requested", "id_received", "authority_requested", "authority_received",
                              "fee_requested", "fee_received", "clarification_asked", "clarification_answered",
                              "extended")),
    ("checklist_items", "state", ("open", "done", "na")),
    ("checklist_items", "found", ("found", "nothing_found")),
    ("letters", "channel", _CHANNEL),
    ("letters", "direction", ("in", "out")),
    ("pending_intake", "status", ("needs_triage", "logged", "attached", "dismissed")),
    ("pending_intake", "channel", _CHANNEL),
)  # fmt: skip


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}"


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _tables() -> list[str]:
    return list(dict.fromkeys(t for t, _, _ in CHECKS))


def _check_rows(bind: sa.engine.Connection) -> None:
    problems = []
    for table, column, values in CHECKS:
        rows = bind.execute(
            sa.text(f'SELECT {column}, count(*) FROM "{table}" WHERE {column} IS NOT NULL AND NOT ({_condition(column, values)}) '
                    f"GROUP BY {column} ORDER BY {column}")  # fmt: skip
        ).all()
        if rows:
            found = ", ".join(f"{v!r} ({n} row{'s' if n != 1 else ''})" for v, n in rows)
            problems.append(f"{table}.{column} holds {found}; allowed: {', '.join(values)}")
    if problems:
        raise MigrationRefused(
            "migration 0009 stopped, nothing was changed: some rows hold states this version does not know. "
            "Correct them (or restore a backup), then open the database again. " + "; ".join(problems)
        )


def _sqlite_rebuild(table: str, add: bool) -> None:
    bind = op.get_bind()
    create = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}).scalar_one()
    extras = [
        sql for (sql,) in bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE tbl_name = :t AND type IN ('index', 'trigger') AND sql IS NOT NULL "
                    "ORDER BY type, name"), {"t": table})  # fmt: skip
    ]
    clauses = [f"CONSTRAINT {_name(t, c)} CHECK ({_condition(c, v)})" for t, c, v in CHECKS if t == table]
    body = create.rstrip().removesuffix(")").rstrip()
    if add:
        new = body + "".join(f", \n\t{clause}" for clause in clauses) + "\n)"
    else:
        for clause in clauses:
            body = body.replace(f", \n\t{clause}", "")
        new = body + "\n)"
        if any(_name(table, c) in new for t, c, _ in CHECKS if t == table):
            raise RuntimeError(f"migration 0009 downgrade: cannot find the CHECK constraints of {table} to remove")
    columns = ", ".join(f'"{c["name"]}"' for c in sa.inspect(bind).get_columns(table))
    keep = f"_keep_0009_{table}"
    op.execute(f'CREATE TEMP TABLE "{keep}" AS SELECT {columns} FROM "{table}"')
    op.execute(f'DROP TABLE "{table}"')
    op.execute(new)
    op.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{keep}"')
    op.execute(f'DROP TABLE "{keep}"')
    for sql in extras:
        op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    _check_rows(bind)
    if bind.dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")  # until commit; reset by SQLite at the end of the transaction
        for table in _tables():
            _sqlite_rebuild(table, add=True)
        return
    for table, column, values in CHECKS:
        op.create_check_constraint(_name(table, column), table, sa.text(_condition(column, values)))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
        for table in _tables():
            _sqlite_rebuild(table, add=False)
        return
    for table, column, _ in CHECKS:
        op.drop_constraint(_name(table, column), table, type_="check")
