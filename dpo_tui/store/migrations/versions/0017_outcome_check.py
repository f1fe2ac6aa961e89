"""One vocabulary for `cases.outcome`, held by a CHECK constraint (the `Outcome` enum of dpo_tui/domain/states.py).

Before this revision the column held the words each writer chose: the lifecycle's `completed` / `refused` /
`withdrawn`, `refused_in_part`, the identity walkthrough's `could_not_verify` and `no_response`, the fee's
`fee_unpaid`, and the complaint outcomes written with spaces (`complaint upheld`, `complaint partly upheld`,
`complaint not upheld`, by services/complaints.py). The upgrade maps every one of them onto the vocabulary (only the
complaint words change) and then adds the constraint; a row holding a word no dpo-tui ever wrote stops the upgrade
with a message naming it, and nothing is changed (the upgrade runs in one transaction), as 0009 does. No row is
dropped. The vocabulary is written out here (a migration imports no app code that may change after it);
tests/store/test_state_checks.py asserts it equals the enum.

SQLite cannot add a CHECK to an existing table: `cases` is rebuilt the way 0009 explains (not with
`op.batch_alter_table`, whose copy -> drop -> rename leaves the children's foreign keys counted as broken; instead,
with foreign-key checks deferred to commit, the rows are kept in a temporary table and put back, and the table's
indexes and triggers are re-created from their stored SQL). Downgrade removes the constraint and gives the
complaint outcomes their older spelling back, so the code of 0009 reads what it wrote.

Revision ID: 0017
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from dpo_tui.store.schema import MigrationRefused

revision = "0017"
down_revision = "0009"
branch_labels = None
depends_on = None

OUTCOMES = ("completed", "refused_in_part", "refused", "could_not_verify", "withdrawn", "no_response", "fee_unpaid",
            "complaint_upheld", "complaint_partly_upheld", "complaint_not_upheld")  # fmt: skip

# The words older writers stored that are not in the vocabulary as they are: older word -> vocabulary word.
OLDER_WORDS = {
    "complaint upheld": "complaint_upheld",
    "complaint partly upheld": "complaint_partly_upheld",
    "complaint not upheld": "complaint_not_upheld",
}

# (table, column, vocabulary), as 0009 lists its checks; NULL (an open case) passes.
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (("cases", "outcome", OUTCOMES),)

_NAME = "ck_cases_outcome"
_CONDITION = f"outcome IN ({', '.join(repr(v) for v in OUTCOMES)})"
_CLAUSE = f"CONSTRAINT {_NAME} CHECK ({_CONDITION})"


def _map(bind: sa.engine.Connection, words: dict[str, str]) -> None:
    for old, new in words.items():
        bind.execute(sa.text("UPDATE cases SET outcome = :new WHERE outcome = :old"), {"new": new, "old": old})


def _check_rows(bind: sa.engine.Connection) -> None:
    rows = bind.execute(
        sa.text(f"SELECT outcome, count(*) FROM cases WHERE outcome IS NOT NULL AND NOT ({_CONDITION}) "
                "GROUP BY outcome ORDER BY outcome")  # fmt: skip
    ).all()
    if rows:
        found = ", ".join(f"{v!r} ({n} row{'s' if n != 1 else ''})" for v, n in rows)
        raise MigrationRefused(
            "migration 0017 stopped, nothing was changed: some cases hold an outcome this version does not know. "
            f"Correct them (or restore a backup), then open the database again. cases.outcome holds {found}; "
            f"allowed: {', '.join(OUTCOMES)}"
        )


def _sqlite_rebuild(add: bool) -> None:
    bind = op.get_bind()
    create = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cases'")).scalar_one()
    extras = [
        sql for (sql,) in bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index', 'trigger') "
                    "AND sql IS NOT NULL ORDER BY type, name"))  # fmt: skip
    ]
    body = create.rstrip().removesuffix(")").rstrip()
    if add:
        new = body + f", \n\t{_CLAUSE}\n)"
    else:
        new = body.replace(f", \n\t{_CLAUSE}", "") + "\n)"
        if _NAME in new:
            raise RuntimeError("migration 0017 downgrade: cannot find the CHECK constraint of cases.outcome to remove")
    columns = ", ".join(f'"{c["name"]}"' for c in sa.inspect(bind).get_columns("cases"))
    op.execute(f"CREATE TEMP TABLE _keep_0017_cases AS SELECT {columns} FROM cases")
    op.execute("DROP TABLE cases")
    op.execute(new)
    op.execute(f"INSERT INTO cases ({columns}) SELECT {columns} FROM _keep_0017_cases")
    op.execute("DROP TABLE _keep_0017_cases")
    for sql in extras:
        op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    _map(bind, OLDER_WORDS)
    _check_rows(bind)
    if bind.dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")  # until commit; reset by SQLite at the end of the transaction
        _sqlite_rebuild(add=True)
        return
    op.create_check_constraint(_NAME, "cases", sa.text(_CONDITION))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
        _sqlite_rebuild(add=False)
    else:
        op.drop_constraint(_NAME, "cases", type_="check")
    _map(bind, {new: old for old, new in OLDER_WORDS.items()})
