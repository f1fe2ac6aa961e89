"""A zero-length or truncated SQLite file is refused with one line and left exactly as it was: never silently
initialised as a new empty database (that would hide the loss of every case)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dpo_tui.store.database import Database
from tests.conftest import make_work, new_request


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPO_TUI_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "dpo_tui", *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpointed database of several pages (no -wal left: every connection closed)."""
    from dpo_tui.settings import load_settings

    path = tmp_path_factory.mktemp("healthy") / "cases.db"
    work = make_work(f"sqlite:///{path}", load_settings())
    for i in range(30):
        work.log_request(new_request(email=f"p{i}@example.org", description="x" * 400))
    work.db.dispose()
    assert not Path(f"{path}-wal").exists() and os.stat(path).st_size > 16 * 4096
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # this process holds no SQLite connection to it


CUTS: dict[str, Callable[[int], int]] = {
    "empty": lambda size: 0,
    "inside the header": lambda size: 50,
    "mid-page": lambda size: size - 100,
    "at a page boundary": lambda size: 8 * 4096,
}


@pytest.mark.parametrize("cut", list(CUTS))
def test_cut_file_is_refused_in_one_line_and_left_alone(healthy: Path, tmp_path: Path, cut: str) -> None:
    path = tmp_path / "cut.db"
    path.write_bytes(healthy.read_bytes()[: CUTS[cut](os.stat(healthy).st_size)])
    before = _digest(path)
    for args in (["cases"], ["audit", "verify"], ["new", "--name", "A B", "--email", "a@example.org", "--rights", "access", "--received", "2026-11-02"]):
        done = _cli(path, *args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, (cut, args, done.stderr)
        assert str(path) in lines[0] or "not a usable database" in lines[0]
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_empty_file_message_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "zero.db"
    path.touch()
    done = _cli(path, "cases")
    assert "empty (0 bytes)" in done.stderr and "backup" in done.stderr and os.stat(path).st_size == 0


def test_a_new_database_never_exists_as_an_empty_file(tmp_path: Path) -> None:
    """Created under a temporary name and linked into place initialised, so a second process opening it at the
    same moment never sees a zero-length file; no temporary file is left behind."""
    path = tmp_path / "fresh.db"
    db = Database.open(str(path))
    try:
        assert os.stat(path).st_size >= 512 and (os.stat(path).st_mode & 0o777) == 0o600
    finally:
        db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("fresh.db")) == []
