"""The one safe-write primitive behind every output file (letters, exports, register, backups)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dpo_tui.paths import (
    OutputError,
    OutputExists,
    PrivateOutput,
    check_output,
    loose_permissions,
    permission_warning,
    secure_database,
    write_private,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".dpo-tui-*"))


def test_writes_owner_only_and_creates_private_folders(tmp_path: Path) -> None:
    out = write_private(tmp_path / "a" / "b" / "letter.md", "hello")
    assert out.read_text() == "hello"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
    assert _leftovers(tmp_path) == []


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    target.write_text("keep me")
    with pytest.raises(OutputExists, match="already exists; use --force"):
        write_private(target, "new")
    assert target.read_text() == "keep me"
    write_private(target, "new", force=True)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("dangling", [False, True])
def test_never_writes_through_a_symlink(tmp_path: Path, force: bool, dangling: bool) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("original")
        os.chmod(victim, 0o644)
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_private(link, "payload", force=force)
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "original" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert link.is_symlink()


def test_a_symlink_planted_after_the_check_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    target = tmp_path / "out.md"
    out = PrivateOutput(target)
    out.write("payload")
    target.symlink_to(victim)  # the race: someone plants a link between the check and the publish
    with pytest.raises(OutputExists):
        out.publish()
    assert victim.read_text() == "original"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "make, name, needle",
    [
        (lambda d: None, "", "output path is empty"),
        (lambda d: None, "a\x00b", "NUL"),
        (lambda d: (d / "file").write_text("x"), "file/x.md", "not a folder"),
        (lambda d: (d / "sub").mkdir(), "sub", "is a folder"),
        (lambda d: None, "n" * 300, "too long"),
        (lambda d: None, "bad\udcff\x1b[2J\r\nname", "bad\\xff\\x1b[2J\\x0d\\x0aname"),
    ],
)
def test_bad_paths_are_one_line_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make, name: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(OutputError) as err:
        check_output(name) if "\udcff" not in name else write_private(Path(name) / "x" / ("y" * 300), "z")
    message = str(err.value)
    assert needle in message and "\n" not in message and "\r" not in message and "\x1b" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no folder left behind


def test_discard_leaves_nothing(tmp_path: Path) -> None:
    out = PrivateOutput(tmp_path / "new" / "deeper" / "file.csv")
    out.write("a,b\n")
    out.discard()
    assert list(tmp_path.iterdir()) == []


def test_loose_database_is_reported_and_secured(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    db.write_bytes(b"x")
    (tmp_path / "cases.db-wal").write_bytes(b"")
    os.chmod(db, 0o644)
    os.chmod(tmp_path / "cases.db-wal", 0o640)
    warning = permission_warning(f"sqlite:///{db}")
    assert warning is not None and "0644" in warning and "dpo-tui db secure" in warning and "\n" not in warning
    assert sorted(p.name for p in secure_database(db)) == ["cases.db", "cases.db-wal"]
    assert loose_permissions(db) == [] and permission_warning(f"sqlite:///{db}") is None
    assert permission_warning("postgresql+psycopg://x@h/db") is None
