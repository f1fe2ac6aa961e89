"""Where dpo-tui keeps its files, and how it creates them: readable by the owner only."""

from __future__ import annotations

import errno
import os
import os.path
import stat
import tempfile
from pathlib import Path
from typing import Any

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


# ---- the database file's permissions ---------------------------------------------------------------------------


def database_files(path: Path) -> list[Path]:
    """An SQLite database file and the side files (WAL, shared memory, journal) that hold its data too."""
    return [p for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))) if p.is_file()]


def loose_permissions(path: Path) -> list[tuple[Path, int]]:
    """The database's files that someone other than the owner can read or write, with their modes."""
    loose = []
    for p in database_files(path):
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & 0o077:
            loose.append((p, mode))
    return loose


def permission_warning(url: str) -> str | None:
    """One line for stderr when an existing SQLite database is readable beyond its owner (None: all is well)."""
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url[len("sqlite:///") :])
    try:
        loose = loose_permissions(path)
    except (OSError, ValueError):
        return None  # opening it reports the real problem
    if not loose:
        return None
    p, mode = loose[0]
    return (
        f"warning: {shown(p)} can be read by others (mode {mode:04o}): it holds personal data; "
        "run `dpo-tui db secure` to make it owner-only"
    )


def secure_database(path: Path) -> list[Path]:
    """Make the database file and its side files owner-only (0600); returns the files changed."""
    changed = []
    for p, _mode in loose_permissions(path):
        os.chmod(p, 0o600)
        changed.append(p)
    return changed


# ---- safe output files ----------------------------------------------------------------------------------------


class OutputError(Exception):
    """An output file cannot be written where asked; the message is one line naming the path and why."""


class OutputExists(OutputError):
    """The output file exists and overwriting it was not asked for (`--force`)."""


def shown(path: object) -> str:
    """A path fit for a one-line message: control characters and undecodable bytes escaped."""
    from dpo_tui.text import clean_line

    text = clean_line(os.fspath(path) if isinstance(path, os.PathLike) else str(path))
    return text if len(text) <= 200 else f"{text[:120]}…{text[-60:]}"  # one readable line, even for 4,000 bytes


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    if exc.errno == errno.ENOTDIR:
        return "part of the path is a file, not a folder"
    return (exc.strerror or type(exc).__name__).lower()


def _check_name(path: Path | str) -> Path:
    raw = os.fspath(path)
    if raw == "":
        raise OutputError("output path is empty: name a file")
    if "\x00" in raw:
        raise OutputError(f"{shown(raw)}: a path cannot contain a NUL character")
    try:
        os.fsencode(raw)
    except UnicodeError:
        raise OutputError(f"{shown(raw)}: the path is not valid for this file system's encoding") from None
    return Path(raw)


def check_output(path: Path | str, *, force: bool = False) -> Path:
    """Refuse an output path before anything is written or recorded: NUL, symlink, folder, existing file.

    Returns the path; a missing parent folder is fine (it is created 0700 when the file is written)."""
    p = _check_name(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # ENAMETOOLONG, ENOTDIR (a file where a folder should be), EACCES, ELOOP
        raise OutputError(f"{shown(p)}: {_os_reason(exc)}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(f"{shown(p)} is a symbolic link; refusing to write through it (name the real file)")
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{shown(p)} is a folder; name a file")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{shown(p)} is not a regular file; refusing to write to it")
        if not force:
            raise OutputExists(f"{shown(p)} already exists; use --force to overwrite it")
    parent = p.parent
    while True:  # the nearest existing ancestor must be a folder we can write into
        try:
            pst = os.stat(parent)
        except FileNotFoundError:
            if parent == parent.parent:
                break
            parent = parent.parent
            continue
        except OSError as exc:
            raise OutputError(f"{shown(p)}: {_os_reason(exc)}") from None
        if not stat.S_ISDIR(pst.st_mode):
            raise OutputError(f"{shown(p)}: {shown(parent)} is not a folder")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"{shown(p)}: permission denied (cannot write in {shown(parent)})")
        break
    return p


class PrivateOutput:
    """A file written owner-only (0600) and published under its name only when complete.

    The content goes to a temporary file in the target folder; `publish()` then links it into place without ever
    following a symlink at the final name and without overwriting an existing file unless `force`. Work that both
    writes a file and records an event writes first, commits, then publishes, so a failure before the commit leaves
    neither. Folders it has to create are 0700 and are removed again when the output is discarded.
    """

    def __init__(self, path: Path | str, *, force: bool = False) -> None:
        self.path = check_output(path, force=force)
        self.force = force
        self._made: list[Path] = []
        self._published = False
        try:
            self._make_parents()
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".dpo-tui-", suffix=".tmp")
        except OSError as exc:
            self._remove_made()
            raise OutputError(f"{shown(self.path)}: {_os_reason(exc)}") from None
        os.fchmod(fd, 0o600)
        self.tmp = Path(tmp)
        self._fd: int | None = fd
        self._fh: Any = None

    def _make_parents(self) -> None:
        missing: list[Path] = []
        parent = self.path.parent
        while not os.path.lexists(parent):
            missing.append(parent)
            if parent == parent.parent:
                break
            parent = parent.parent
        for folder in reversed(missing):
            os.mkdir(folder, 0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
            self._made.append(folder)

    def _remove_made(self) -> None:
        for folder in reversed(self._made):
            try:
                os.rmdir(folder)
            except OSError:
                pass  # someone put something there meanwhile: leave it
        self._made = []

    def fileno(self) -> int:
        assert self._fd is not None, "output already closed"
        return self._fd

    def write(self, data: str | bytes) -> None:
        chunk = data.encode("utf-8") if isinstance(data, str) else data
        try:
            view = memoryview(chunk)
            while view:
                view = view[os.write(self.fileno(), view) :]
        except OSError as exc:
            raise OutputError(f"{shown(self.path)}: {_os_reason(exc)}") from None

    def text(self) -> Any:
        """A text stream onto the temporary file (for csv/json writers); `publish()` flushes and closes it."""
        if self._fh is None:
            self._fh = os.fdopen(self.fileno(), "w", encoding="utf-8", newline="", closefd=False)
        return self._fh

    def close(self) -> None:
        """Flush the content to disk and close the temporary file (before another writer opens `tmp` itself)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    def publish(self) -> Path:
        """Put the finished file in place. Refuses (and discards) when the name was taken meanwhile."""
        try:
            self.close()
            if self.force:
                check_output(self.path, force=True)  # still no symlink or folder there
                os.replace(self.tmp, self.path)  # replaces a link itself, never follows it
            else:
                try:
                    os.link(self.tmp, self.path)  # fails if the name exists, even as a dangling symlink
                except FileExistsError:
                    raise OutputExists(f"{shown(self.path)} already exists; use --force to overwrite it") from None
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                        raise
                    check_output(self.path)  # a file system without hard links: check, then rename
                    os.rename(self.tmp, self.path)
                else:
                    os.unlink(self.tmp)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{shown(self.path)}: {_os_reason(exc)}") from None
        except OutputError:
            self.discard()
            raise
        self._published = True
        self._made = []
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (and folders made for it); nothing is left behind."""
        try:
            if self._fh is not None:
                self._fh.close()
        except (OSError, ValueError):
            pass  # a full disk fails the flush too: the file is removed below anyway
        self._fh = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if not self._published:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
            self._remove_made()

    def __enter__(self) -> PrivateOutput:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None and not self._published:
            self.publish()
        elif exc_type is not None:
            self.discard()


def write_private(path: Path | str, data: str | bytes, *, force: bool = False) -> Path:
    """Write a whole file readable by the owner only (exports, letters): never through a symlink, never over an
    existing file unless `force`."""
    with PrivateOutput(path, force=force) as out:
        out.write(data)
    return out.path
