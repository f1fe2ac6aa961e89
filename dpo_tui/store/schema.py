"""The Alembic revision this code expects. Checked on every open without importing Alembic (it is slow);
a test asserts it equals the head of the migration scripts."""

HEAD_REVISION = "0009"
