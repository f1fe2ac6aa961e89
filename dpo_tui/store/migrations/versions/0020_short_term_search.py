"""SQLite: find the cases containing a rare two-letter term from the trigram index, not by reading every case.

A two-letter term has no trigram of its own, so migration 0019 scanned the search text of every case for it
(~22 ms at 100,000 cases, ~10x that at 1,000,000). But every place a two-letter term occurs in a search text of
three or more characters (a reference alone has fourteen) is inside a trigram: the one that starts with the term,
or, at the very end of the text, the one that ends with it. So:
- `cases_fts_terms` lists the trigrams of the FTS5 index (fts5vocab; it stores nothing itself): the trigrams that
  start with the term are a range read of it (well under 1 ms for a rare term);
- `ix_cases_search_tail` indexes the last two characters of each search text: the cases that end with the term.
Both derive from data already stored; nothing is dropped (downgrade removes only these two).

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TERMS = "cases_fts_terms"
TAIL_INDEX = "ix_cases_search_tail"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS} USING fts5vocab(cases_fts, row)")
        op.execute(f"CREATE INDEX IF NOT EXISTS {TAIL_INDEX} ON cases (substr(search_text, -2))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {TAIL_INDEX}")
        op.execute(f"DROP TABLE IF EXISTS {TERMS}")
