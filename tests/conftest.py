"""Shared fixtures: a fresh database per test (SQLite always; PostgreSQL too when DPO_TUI_TEST_POSTGRES_URL is set),
settings isolated from the developer's own files, and a fixed "today" so dates in assertions never drift."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 25)
PG_ENV = "DPO_TUI_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's settings or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DPO_TUI_CONFIG", str(home / "config" / "settings.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("DPO_TUI_DB", raising=False)


def _pg_database() -> Iterator[str]:
    import psycopg

    server = os.environ[PG_ENV].replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"dpo_tui_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.removeprefix('postgresql://')}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on each backend: storage and service tests run on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.db'}"
        return
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV}=postgresql://postgres@127.0.0.1:5432/postgres to run them")
    yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cases.db'}"


@pytest.fixture
def settings():  # type: ignore[no-untyped-def]
    from dpo_tui.settings import load_settings

    return load_settings()


def make_work(url: str, settings, today: date = TODAY):  # type: ignore[no-untyped-def]
    from dpo_tui.services.casework import Casework
    from dpo_tui.store.database import Database

    return Casework(Database.open(url), settings, today=lambda: today)


@pytest.fixture
def work(db_url: str, settings):  # type: ignore[no-untyped-def]
    w = make_work(db_url, settings)
    yield w
    w.db.dispose()


@pytest.fixture
def sqlite_work(sqlite_url: str, settings):  # type: ignore[no-untyped-def]
    w = make_work(sqlite_url, settings)
    yield w
    w.db.dispose()


def new_request(**overrides):  # type: ignore[no-untyped-def]
    from dpo_tui.domain.rights import Right
    from dpo_tui.services.casework import NewRequest

    values = dict(
        name="Ada Lovelace",
        email="ada@example.org",
        rights=(Right.ACCESS,),
        received=date(2026, 11, 2),
        channel="email",
        description="Please send me a copy of my personal data.",
    )
    values.update(overrides)
    if values.get("regime") == "eu-gdpr" and "member_state" not in overrides:
        values["member_state"] = "IE"  # issue 15: an EU case must name its member state
    return NewRequest(**values)
