"""Opening a database that cannot be used: `dpo-tui` says so in one line; anything else is a bug and is raised.
The decision is made on the exception's class, never on its name or message."""

from __future__ import annotations

import sqlite3

from dpo_tui.launch import _open_error
from dpo_tui.store.queue import SchemaMismatch
from dpo_tui.store.schema import MigrationRefused
from dpo_tui.store.urls import DatabaseError


def test_database_errors_and_their_subclasses_are_shown_as_they_are() -> None:
    assert _open_error(DatabaseError("x.db is not a dpo-tui database")) == "x.db is not a dpo-tui database"
    assert _open_error(MigrationRefused("migration 0009 stopped, nothing was changed")) == (
        "migration 0009 stopped, nothing was changed"
    )
    assert _open_error(SchemaMismatch("no dpo-tui schema yet")) == "no dpo-tui schema yet"


def test_driver_failures_get_their_first_line() -> None:
    assert _open_error(sqlite3.OperationalError("unable to open database file\nmore")) == (
        "cannot open the database: unable to open database file"
    )
    from sqlalchemy.exc import OperationalError

    wrapped = OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    assert (_open_error(wrapped) or "").startswith("cannot open the database: (sqlite3.OperationalError) disk I/O error")


def test_a_bug_is_not_mistaken_for_a_database_error_by_its_name() -> None:
    class DatabaseError(Exception):  # same name, unrelated class
        pass

    class OperationalError(Exception):
        pass

    assert _open_error(DatabaseError("boom")) is None
    assert _open_error(OperationalError("boom")) is None
    assert _open_error(ValueError("boom")) is None
