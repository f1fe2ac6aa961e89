"""Team mode on PostgreSQL: the audit trail records the database login, not a name from an editable settings file;
the caseworker and auditor roles documented in README work as described (the SQL is README's own block)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dpo_tui.store import audit
from dpo_tui.store.database import Database, DatabaseError
from tests.conftest import PG_ENV, make_work, new_request

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.skipif(
    not os.environ.get(PG_ENV), reason=f"PostgreSQL tests skipped: set {PG_ENV}=postgresql://postgres@127.0.0.1:5432/postgres"
)


def _roles_sql() -> str:
    block = README.read_text().split("<!-- roles-sql", 1)[1].split("<!-- /roles-sql -->", 1)[0]
    return block.split("```sql", 1)[1].split("```", 1)[0]


@pytest.fixture
def pg_url() -> Iterator[str]:
    from tests.conftest import _pg_database

    yield from _pg_database()


@pytest.fixture
def team(pg_url: str, settings) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """README's roles, with unique names, on a fresh database brought to the head schema by its owner."""
    Database.open(pg_url).dispose()
    tag = uuid.uuid4().hex[:8]
    names = {"dpo_caseworker": f"dpo_cw_{tag}", "dpo_auditor": f"dpo_au_{tag}", "alice": f"alice_{tag}", "carol": f"carol_{tag}"}
    database = make_url(pg_url).database
    sql = _roles_sql().replace("DATABASE dpo ", f'DATABASE "{database}" ')
    for placeholder, name in names.items():
        sql = re.sub(rf"\b{placeholder}\b", name, sql)
    owner = Database.open(pg_url)
    try:
        with owner.engine.begin() as conn:
            conn.exec_driver_sql(sql)
        yield {"owner": pg_url, "alice": _as(pg_url, names["alice"]), "carol": _as(pg_url, names["carol"]),
               "carol_login": names["carol"]}  # fmt: skip
    finally:
        with owner.engine.begin() as conn:
            for name in names.values():
                conn.exec_driver_sql(f"DROP OWNED BY {name}")  # the grants in this database
                conn.exec_driver_sql(f"DROP ROLE {name}")
        owner.dispose()


def _as(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(hide_password=False)


def test_events_record_the_login_with_the_display_name_beside_it(team, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(team["alice"], settings)
    try:
        ref = work.log_request(new_request()).ref
        work.change_status(ref, "in_progress", version=work.version_of(ref))
        with work.db.reader() as s:
            rows = s.execute(text("SELECT actor, actor_name FROM audit_events ORDER BY seq")).all()
        assert rows == [(make_url(team["alice"]).username, settings.user_name)] * 2
        assert work.get(ref).events[0].actor == f"{rows[0][0]} ({settings.user_name})"
        with work.db.reader() as s:
            assert audit.verify(s).ok
    finally:
        work.db.dispose()


def test_a_settings_file_cannot_change_the_recorded_login(team, settings) -> None:  # type: ignore[no-untyped-def]

    work = make_work(team["alice"], settings._replace(user_name=team["carol_login"]))  # claiming to be the auditor
    try:
        work.log_request(new_request())
        with work.db.reader() as s:
            actor, name = s.execute(text("SELECT actor, actor_name FROM audit_events")).one()
        assert actor == make_url(team["alice"]).username
        assert name == team["carol_login"]
    finally:
        work.db.dispose()


def test_caseworker_cannot_rewrite_the_trail(team, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(team["alice"], settings)
    try:
        work.log_request(new_request())
        with pytest.raises(DatabaseError, match="may only read"):
            with work.db.write() as s:
                s.execute(text("UPDATE audit_events SET actor = 'someone else'"))
    finally:
        work.db.dispose()


def test_an_event_in_another_login_s_name_is_refused_by_the_database(team, settings) -> None:  # type: ignore[no-untyped-def]
    """A caseworker may insert events (the app does), but not one whose actor is not their own login."""
    work = make_work(team["alice"], settings)
    try:
        work.log_request(new_request())
        with pytest.raises(Exception, match="is not the database login"):
            with work.db.write() as s:
                s.execute(text(
                    "INSERT INTO audit_events (seq, at, actor, kind, payload, digest, prev_hash, hash, purged, hash_version) "
                    "SELECT seq + 1, now(), :who, 'case.closed', '{}', 'd', hash, 'h', false, 2 FROM audit_head"
                ), {"who": team["carol_login"]})  # fmt: skip
    finally:
        work.db.dispose()


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPO_TUI_DB": url}
    return subprocess.run([sys.executable, "-m", "dpo_tui", *args], capture_output=True, text=True, env=env, timeout=120)


def test_auditor_reads_everything_and_every_write_is_one_line(team, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    work = make_work(team["alice"], settings)
    try:
        ref = work.log_request(new_request()).ref
    finally:
        work.db.dispose()
    carol = team["carol"]
    for args in (["cases"], ["show", ref], ["export", ref, "-o", str(tmp_path / "x")], ["register"], ["report"],
                 ["audit", "verify"], ["audit", "anchor"]):  # fmt: skip
        done = _cli(carol, *args)
        assert done.returncode == 0, (args, done.stderr)
    assert (tmp_path / "x" / f"{ref}.md").exists()
    new = ["new", "--name", "Eve", "--email", "eve@example.org", "--rights", "access", "--received", "2026-11-02"]
    for args in (new, ["letter", ref, "acknowledgement", "--save", "-o", str(tmp_path / "l.md")]):
        done = _cli(carol, *args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and "may only read" in lines[0], (args, done.stderr)
    assert "Traceback" not in done.stderr
