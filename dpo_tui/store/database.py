"""Opening the case database: SQLite (default, owner-only file) or PostgreSQL by URL.

A session lives for one user action. Every write takes the database's one write lock first, so writers queue
instead of deadlocking: on SQLite BEGIN IMMEDIATE; on PostgreSQL the audit head row (`SELECT ... FOR UPDATE`) before
anything else, then the services lock the cases they change sorted by id. A deadlock or serialization failure that
still happens (another program writing, a future code path) is retried by `retry_transient`, a bounded number of
times, then reported as one line.
"""

from __future__ import annotations

import functools
import os
import os.path
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError as SADatabaseError, DBAPIError as SADBAPIError, OperationalError
from sqlmodel import Session, create_engine

from dpo_tui.paths import create_private_file, ensure_private_dir
from dpo_tui.store import guard
from dpo_tui.store.schema import HEAD_REVISION
from dpo_tui.store.urls import DatabaseError, resolve_url

guard.install()  # every session of every database: unstorable text is refused before it is flushed


__all__ = ["Database", "DatabaseError", "describe"]  # DatabaseError lives in urls.py, which must stay ORM-free


class TransientWriteError(DatabaseError):
    """A write was rolled back by the database itself (deadlock, serialization failure): nothing was changed, and the
    same action may succeed if run again. `retry_transient` runs it again; the user sees it only if every try failed."""


class DatabaseBusy(DatabaseError):
    """SQLite's write lock stayed taken for the whole busy timeout: nothing was changed. Not retried (the user already
    waited the timeout); the message says to try again."""


# PostgreSQL SQLSTATEs for "rolled back, try again": serialization_failure, deadlock_detected.
_PG_RETRY = {"40001": "serialization failure", "40P01": "deadlock"}
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (primary result codes)
MAX_ATTEMPTS = 5
GENESIS_HASH = "0" * 64  # = audit.GENESIS; repeated here so the store's engine code does not import the ORM models


class _RetryStats:
    """Process-wide count of transient failures retried (the stress benchmark reports it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.retried = 0
        self.gave_up = 0

    def add(self, *, gave_up: bool) -> None:
        with self._lock:
            if gave_up:
                self.gave_up += 1
            else:
                self.retried += 1


RETRY_STATS = _RetryStats()
P = ParamSpec("P")
T = TypeVar("T")


def retry_transient(fn: Callable[P, T]) -> Callable[P, T]:
    """Run one user action again when the database rolled it back as a deadlock or serialization failure.

    Safe because an action's only effect is its transaction, which the database rolled back; each try opens a fresh
    session and re-reads (and re-checks the version of) what it changes."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except TransientWriteError as exc:
                if attempt == MAX_ATTEMPTS:
                    RETRY_STATS.add(gave_up=True)
                    raise TransientWriteError(
                        f"{exc} {MAX_ATTEMPTS} times in a row; nothing was changed: try again"
                    ) from None
                RETRY_STATS.add(gave_up=False)
                # Jittered backoff so the transactions that collided do not collide again in lockstep.
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    return wrapper


def classify(exc: SADBAPIError) -> DatabaseError | None:
    """The typed error for a driver failure that is about contention, by error code (never by message text)."""
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    if state in _PG_RETRY:
        return TransientWriteError(f"the database rolled the change back ({_PG_RETRY[state]} with another writer)")
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(orig, sqlite3.OperationalError) and code is not None and code & 0xFF in _SQLITE_BUSY:
        return DatabaseBusy("the database stayed busy (another program holds its write lock); nothing was changed: try again")
    return None


def describe(url: str) -> str:
    """A URL fit for messages: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<invalid URL>"


class Database:
    def __init__(self, engine: Engine, url: str, created: tuple[Path, ...] = ()) -> None:
        self.engine = engine
        self.url = url
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._writer = engine.execution_options(dpo_write=True)
        self.created = created  # what opening it created (a folder, the database file), for commands to say so

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.engine.url.database) if self.is_sqlite and self.engine.url.database else None

    @classmethod
    def open(cls, target: str | None = None, *, upgrade: bool = True, create: bool = True) -> Database:
        """Open (and upgrade) the database. `create`: a missing SQLite file (and its folders) may be created, listed
        in `created`; without it (a reading command) a missing file is an error and nothing is created."""
        url = resolve_url(target)
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise DatabaseError(f"not a database path or URL: {target!r}") from None
        created: list[Path] = []
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(parsed.database, create=create, created=created)
        elif parsed.get_backend_name() == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        else:
            raise DatabaseError(f"unsupported database {describe(url)} (use an SQLite path or postgresql+psycopg://)")
        db = cls(engine, url, tuple(created))
        db._check_schema(upgrade=upgrade)
        return db

    def _check_schema(self, *, upgrade: bool) -> None:
        try:
            with self.engine.connect() as conn:
                _check_whole_pages(conn, self.sqlite_path)
                tables = set(inspect(conn).get_table_names())
                current = None
                if "alembic_version" in tables:
                    current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SADatabaseError as exc:
            if getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
                raise DatabaseError(f"{describe(self.url)} is not a dpo-tui database (not an SQLite file)") from None
            if isinstance(exc, OperationalError):
                raise DatabaseError(f"cannot open {describe(self.url)}: {_first_line(exc)}") from None
            raise DatabaseError(f"{describe(self.url)} is not a usable database: {_first_line(exc)}") from None
        if current == HEAD_REVISION:
            return
        if current is None and tables - {"alembic_version"}:
            raise DatabaseError(f"{describe(self.url)} is not a dpo-tui database (it has other tables)")
        from dpo_tui.store.migrate import known_revisions, upgrade_to_head

        if current is not None and current not in known_revisions():
            raise DatabaseError(
                f"{describe(self.url)} was created by a newer dpo-tui (schema {current}); upgrade dpo-tui to open it"
            )
        if upgrade:
            upgrade_to_head(self.engine)

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def reader(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: commit everything or nothing. Holds the write lock from the first statement (see the
        module docstring); contention failures come out typed (TransientWriteError, DatabaseBusy)."""
        with Session(self._writer, expire_on_commit=False) as session:
            try:
                if not self.is_sqlite:
                    _lock_audit_head(session)
                yield session
                session.commit()
            except SADBAPIError as exc:
                session.rollback()
                if _permission_denied(exc):  # a read-only (auditor) login: one line, not a driver traceback
                    raise DatabaseError(f"this database login may only read; nothing was changed ({_first_line(exc)})") from None
                typed = classify(exc)
                if typed is None:
                    raise
                raise typed from exc
            except BaseException:
                session.rollback()
                raise

    def backup(self, dest: Path | str, *, force: bool = False) -> Path:
        """A consistent copy of an SQLite database, safe while other windows write to it.

        Written owner-only to a temporary file beside `dest` and put in place when complete: never through a
        symlink, never over an existing file unless `force`."""
        from dpo_tui.paths import PrivateOutput

        from dpo_tui.paths import OutputError, shown

        if not self.is_sqlite or self.sqlite_path is None:
            raise DatabaseError("backup copies SQLite databases; for PostgreSQL use pg_dump")
        target = os.path.expanduser(os.fspath(dest))  # "" stays "" (refused by PrivateOutput)
        folder = Path(target).parent
        if target and not folder.is_dir():  # a mistyped folder is not created: the copy would land somewhere unseen
            raise OutputError(f"{shown(target)}: the folder {shown(folder)} does not exist; nothing was written")
        out = PrivateOutput(target, force=force)
        try:
            out.close()  # sqlite3 opens the temporary file itself
            src = sqlite3.connect(self.sqlite_path)
            try:
                copy = sqlite3.connect(out.tmp)
                try:
                    src.backup(copy)
                finally:
                    copy.close()
            finally:
                src.close()
            return out.publish().resolve()
        except sqlite3.Error as exc:
            raise DatabaseError(f"backup failed: {_first_line(exc)}") from None
        finally:
            out.discard()

    def dispose(self) -> None:
        self.engine.dispose()


def _lock_audit_head(session: Session) -> None:
    """PostgreSQL: the first lock of every write transaction, so every writer takes its locks in the same order
    (head, then cases by id) and none can deadlock another. A fresh database has no head row to lock yet: create it
    with ON CONFLICT DO NOTHING, which waits for a concurrent creator instead of failing on the primary key."""
    lock = text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
    if session.execute(lock).first() is None:
        session.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :genesis) ON CONFLICT (id) DO NOTHING"),
            {"genesis": GENESIS_HASH},
        )
        session.execute(lock)


def _sqlite_engine(database: str | None, *, create: bool = True, created: list[Path] | None = None) -> Engine:
    if not database or database == ":memory:":
        raise DatabaseError("an in-memory database would lose every case; give a file path")
    path = Path(database)
    # Never open() the database file here: this process may already hold SQLite connections to it (the queue's
    # reader opens before the ORM), and on POSIX closing *any* descriptor of a file drops *all* of the process's
    # advisory locks on it. Another process then believes it is the last one, checkpoints and deletes the WAL
    # that our connections still write to, and acknowledged cases vanish (issue 12). SQLite itself reports a file
    # that is not a database (SQLITE_NOTADB, mapped in `_check_schema`).
    if path.exists():
        # A zero-length file is what a truncated copy or a failed restore leaves; SQLite would silently take it
        # for a new empty database and we would migrate it, hiding the loss (os.stat: no descriptor, see above).
        if os.stat(path).st_size == 0:
            raise DatabaseError(
                f"{path} is empty (0 bytes): a truncated or failed copy? Not initialising it; "
                "restore it from a backup, or remove it to start a new database"
            )
    else:
        made = created if created is not None else []
        if not create:
            where = "no database there" if path.parent.is_dir() else f"the folder {path.parent} does not exist"
            raise DatabaseError(
                f"{path}: {where}; nothing was created (`dpo-tui new`, `dpo-tui demo` or `dpo-tui db upgrade` "
                "create a database)"
            )
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        for folder in reversed(missing):  # each one 0700 (mkdir's parents would take the umask's mode)
            ensure_private_dir(folder)
            made.append(folder)
        if _create_sqlite_file(path):  # False: another process created it first
            made.append(path)
    # Pooled connections: closing the last connection to a WAL database checkpoints it (an fsync), which made
    # every user action cost ~10 ms more with a connection per action.
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("dpo_write") else "BEGIN")

    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.chmod(side, 0o600)
    return engine


def _create_sqlite_file(path: Path) -> bool:
    """A new database appears at its final path already initialised (header written, WAL mode), never as an
    empty file: another process opening it meanwhile would otherwise refuse it as truncated. Built under a
    private temporary name and linked into place; if another process won the race, its file is used (False)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.unlink(missing_ok=True)
    create_private_file(tmp)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes page 1: the file is a database from now on
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _check_whole_pages(conn: Connection, path: Path | None) -> None:
    """A database file is always a whole number of pages; anything else was cut short (a copy interrupted,
    a full disk). SQLite reads the page size from the header; only the size comes from the file system."""
    if path is None:
        return
    page = int(conn.exec_driver_sql("PRAGMA page_size").scalar() or 0)
    size = os.stat(path).st_size
    if page and size % page:
        raise DatabaseError(
            f"{path} is truncated or damaged ({size} bytes is not a whole number of {page}-byte pages); "
            "restore it from a backup"
        )


def _permission_denied(exc: SADBAPIError) -> bool:
    """PostgreSQL's insufficient_privilege (SQLSTATE 42501): the login's role does not grant the write."""
    return getattr(exc.orig, "sqlstate", None) == "42501"


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or ["unknown error"])[0]
