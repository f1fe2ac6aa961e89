"""Where dpo-tui keeps its files, and how it creates them: readable by the owner only."""

from __future__ import annotations

import os
from pathlib import Path

APP = "dpo-tui"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def settings_path() -> Path:
    env = os.environ.get("DPO_TUI_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "settings.toml"


def default_db_path() -> Path:
    return data_dir() / "cases.db"


def ensure_private_dir(path: Path) -> Path:
    """Create a folder (and parents) with mode 0700; tighten it if we created it earlier looser."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def create_private_file(path: Path) -> None:
    """Create a new empty file with mode 0600 (before anything writes personal data to it).

    O_EXCL: never open a file that already exists. If it is an SQLite database this process holds connections to,
    closing our descriptor would drop the process's POSIX locks on it (see store/database.py)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it first; it sets its own mode
    try:
        os.fchmod(fd, 0o600)  # the umask may have been looser than 0600's complement
    finally:
        os.close(fd)


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a whole file readable by the owner only (exports, letters, backups)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(path, 0o600)
    return path
