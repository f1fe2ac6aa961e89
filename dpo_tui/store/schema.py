"""The Alembic revision this code expects. Checked on every open without importing Alembic (it is slow);
a test asserts it equals the head of the migration scripts."""

HEAD_REVISION = "0004"  # perf branch: 0004 chained after main's head 0007 for now; the lead re-chains at merge
