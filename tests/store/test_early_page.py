"""The first page read ahead by a helper process (store.early_page): the rows the queue reads first, read without
creating anything; any failure leaves the queue's own process to read, and to report the error, exactly as
without the helper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dpo_tui.settings import load_settings
from dpo_tui.store.queue import PAGE, EarlyRows, QueueQuery, QueueReader
from tests.conftest import PG_ENV, TODAY, _pg_database, make_work, new_request

# The helper forks: run it in a fresh interpreter, as `dpo-tui` does (before any thread starts), not inside pytest.
HELPER = textwrap.dedent(
    """
    import json, sys
    from dpo_tui.store import early_page
    early = early_page.start(sys.argv[1])
    got = early.result() if early is not None else None
    rows = None if got is None else got.rows
    print(json.dumps(None if got is None else {
        "settings": repr(got.settings), "read_only_tables": type(got.settings.intake.form_columns).__name__,
        "rows": None if rows is None else {
            "me": rows.query.me, "today": rows.query.today.isoformat(), "view": rows.query.view.value,
            "limit": rows.limit, "refs": [r.ref for r in rows.rows], "ref_width": rows.ref_width, "version": rows.version,
        },
        "driver_loaded": "psycopg" in sys.modules, "zoneinfo_loaded": "zoneinfo" in sys.modules,
        "toml_parser_loaded": "tomllib" in sys.modules,
    }))
    """
)


def _read_ahead(url: str, env: dict[str, str] | None = None) -> dict | None:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, "-c", HELPER, url], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, **(env or {})})  # fmt: skip
    assert done.stderr == ""  # nothing of the helper's reaches the terminal
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV}=postgresql://postgres@127.0.0.1:5432/postgres to run them")
    yield from _pg_database()


def _seed(url: str, settings, n: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    work = make_work(url, settings)
    names = ("Ada Alpha", "Bo Beta", "Cy Gamma")[:n]
    refs = [work.log_request(new_request(name=name, received=date(2026, 11, 2 + i))).ref for i, name in enumerate(names)]
    work.db.dispose()
    return refs


def test_the_helper_reads_the_settings_and_the_queues_opening_page_and_reference_width(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """What the queue asks for first (its opening view for this user, today: QueueScreen.compose) is what the
    helper read, row for row, with the settings it was read for; the queue's process imported neither the
    PostgreSQL driver nor the TOML parser for them."""
    _seed(db_url, settings)
    got = _read_ahead(db_url)
    opening = QueueQuery(me=load_settings().me, today=date.today())
    reader = QueueReader.open(db_url)
    try:
        assert got is not None and got["rows"] is not None
        rows = got["rows"]
        assert got["settings"] == repr(load_settings())
        assert got["read_only_tables"] == "mappingproxy"  # still read-only after the pickle
        assert (rows["me"], rows["today"], rows["view"], rows["limit"]) == (opening.me, opening.today.isoformat(), opening.view.value, PAGE)
        assert rows["refs"] == [r.ref for r in reader.page_at(opening, 0, PAGE)] and len(rows["refs"]) == 3
        assert rows["ref_width"] == reader.ref_width()
        assert rows["version"] == reader.data_version() > 0  # the version the rows were read at
        assert got["driver_loaded"] is False
        assert got["zoneinfo_loaded"] is False  # the rows' times are UTC (timezone.utc), not in a ZoneInfo
        assert got["toml_parser_loaded"] is False
    finally:
        reader.close()


def test_a_settings_file_of_the_users_own_comes_over_whole(sqlite_url: str, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every section filled in (the shipped example): the queue's process gets the settings it would have read."""
    example = Path(__file__).resolve().parents[2] / "data" / "settings.example.toml"
    own = tmp_path / "settings.toml"
    own.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    _seed(sqlite_url, settings)
    got = _read_ahead(sqlite_url, {"DPO_TUI_CONFIG": str(own)})
    assert got is not None and got["rows"] is not None
    assert got["settings"] == repr(load_settings(own))
    assert got["toml_parser_loaded"] is False


def test_settings_the_helper_cannot_read_leave_them_to_the_queue_process(sqlite_url: str, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """It reads them again and reports the error (tests/test_launch_errors.py): the helper hands over nothing."""
    _seed(sqlite_url, settings)
    bad = tmp_path / "settings.toml"
    bad.write_text("[policy]\nid_no_response_days = 'soon'\n", encoding="utf-8")
    assert _read_ahead(sqlite_url, {"DPO_TUI_CONFIG": str(bad)}) is None


def test_no_sqlite_file_the_helper_creates_none(tmp_path: Path) -> None:
    """The queue's process then creates and migrates it (an empty file would read as a database with no schema)."""
    path = tmp_path / "new.db"
    got = _read_ahead(f"sqlite:///{path}")
    assert got is not None and got["settings"] == repr(load_settings()) and got["rows"] is None
    assert not path.exists()


def test_without_rows_from_the_helper_the_queue_process_reads_as_before(pg_url: str) -> None:
    """No schema yet (the queue's process then creates it), or a database that does not exist (the launcher then
    reports the driver's error, tests/test_launch_errors.py): the helper hands over its settings and no rows."""
    for url in (pg_url, pg_url.rsplit("/", 1)[0] + "/dpo_tui_no_such_database"):
        got = _read_ahead(url)
        assert got is not None and got["rows"] is None and got["settings"] == repr(load_settings())


def test_the_rows_read_ahead_answer_the_first_paint_once_then_every_read_is_live(sqlite_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """Backend-neutral: a reader given the helper's rows answers the first paint's page and reference width from
    them, without a connection, and reads the database for everything after."""
    import sqlite3

    refs = _seed(sqlite_url, settings)
    q = QueueQuery(today=TODAY)
    opened: list[int] = []

    def connect() -> sqlite3.Connection:
        opened.append(1)
        return sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), check_same_thread=False, isolation_level=None)

    live = QueueReader.open(sqlite_url)
    rows = live.page_at(q, 0, 64)
    version = live.data_version()
    live.close()
    reader = QueueReader(connect, pg=False, early=EarlyRows(q, 64, rows[:1], 99, version - 1))
    try:
        assert [r.ref for r in reader.page_at(q, 0, 64)] == refs[:1] and reader.ref_width() == 99
        assert reader.data_version() == version - 1
        assert not opened  # the first paint's three reads opened no connection
        assert reader.data_version() == version  # now from the database
        assert [r.ref for r in reader.page_at(q, 0, 64)] == [r.ref for r in rows]  # now from the database
        assert reader.ref_width() == len(refs[0]) and opened == [1]
        other = QueueQuery(today=TODAY, search="beta")
        assert [r.ref for r in reader.page_at(other, 0, 64)] == [refs[1]]  # another query is never answered early
    finally:
        reader.close()


def test_dpo_tui_in_a_terminal_paints_the_queue_and_quits(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """The launcher as a user runs it, in a pseudo-terminal: the helper starts before Textual loads, the rows are
    painted, no helper process is left behind (not even a zombie), and `q` quits."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios
    import time

    refs = _seed(db_url, settings)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    proc = subprocess.Popen([sys.executable, "-m", "dpo_tui", "--db", db_url], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = b""
    escapes = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
    try:
        deadline = time.monotonic() + 60
        while refs[0].encode() not in escapes.sub(b"", seen) and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], deadline - time.monotonic())
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the program ended: its terminal closed
                    break
        screen = escapes.sub(b"", seen).decode("utf-8", "replace")
        assert all(ref in screen for ref in refs), screen[-2000:]
        # The helper has handed its rows over and been waited for: not even a zombie is left.
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True)
        assert children.stdout.strip() == ""
        os.write(master, b"q")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
