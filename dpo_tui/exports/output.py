"""Writing a whole output file (calendar, report) safely.

Until the CLI hardening branch's shared writer lands in dpo_tui/paths.py, this is the one place that decides: owner-only
(0600), never through a symbolic link (it could point at a file the user did not mean to overwrite), an existing file
only when asked (`--force`), replaced atomically so a program reading it meanwhile (a calendar app polling the .ics)
sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dpo_tui.domain.errors import InvalidInput


class OutputRefused(InvalidInput):
    """The output file exists (without --force), is a symbolic link, or its folder is missing."""


def write_output(path: Path, data: bytes, *, force: bool = False) -> Path:
    path = Path(path)
    if path.is_symlink():
        raise OutputRefused(f"{path} is a symbolic link; write to a regular file")
    if path.exists() and not force:
        raise OutputRefused(f"{path} exists; use --force to replace it")
    if path.exists() and not path.is_file():
        raise OutputRefused(f"{path} is not a regular file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputRefused(f"{parent} is not a folder")
    fd, tmp = tempfile.mkstemp(prefix=".dpo-tui-", suffix=".tmp", dir=parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
