"""The queue's first page, read by a helper process while the queue's own process starts Textual.

Why: a bare Textual app's whole start is ~0.17 s on the 2-core machine, and everything the queue does before its
first rows show counts against that. On PostgreSQL the driver costs ~60 ms to import (psycopg loads its type
adapters, its error classes and its version metadata) and a connection a few round trips; on SQLite, importing
sqlite3, opening the file, checking the schema revision and reading the page cost 3-5 ms. A child forked first
thing does that work on the other core and hands the rows back through a pipe (pickled: parent and child are the
same program). The parent opens its own connections after the first paint (`QueueReader`, `early`).

It is forked as early as can be, before the settings are read: every memory page the parent writes after a fork,
while the child lives, is copied first, and a fork after the settings and the queue's modules had loaded cost the
parent ~1,100 page faults (1-2 ms, the whole gain on SQLite: measured). A new interpreter instead (posix_spawn)
copies nothing but must import everything again: on PostgreSQL its rows came ~40 ms too late (first paint 1.37x
the bare app's, against 1.15x with the fork). So the child reads the settings itself, and hands them over with the
rows: the parent then neither imports the TOML parser nor reads and checks the file before its first paint (its
first paint came 1-8 ms sooner, SQLite, in three A/B measurements against the previous release). Its rows answer the first paint only if the queue's process asks for that same query
(`QueueReader.page_at`).

The helper only ever saves time. Settings it cannot read (or no fork on this platform, a crash) make `result()`
None; a connection refused, a file or a schema to create or migrate leave its rows None. The parent then reads as it
would without the helper: the error, if there is one, is raised there, in the one place that reports it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

try:  # the unpickler alone: `pickle` itself (its pure-Python pickler) costs ~1.3 ms more to import, before Textual
    from _pickle import loads
except ImportError:  # an interpreter without CPython's accelerator
    from pickle import loads

if TYPE_CHECKING:
    from dpo_tui.settings import Settings
    from dpo_tui.store.queue import EarlyRows


class Early(NamedTuple):
    """What the helper read: the settings, and the first page when it could read one."""

    settings: Settings
    rows: EarlyRows | None


class EarlyPage(NamedTuple):  # a NamedTuple: defined on the way to the first paint (see store.queue.QueueRow)
    pid: int
    fd: int  # the read end of the pipe the helper writes its rows to

    def result(self) -> Early | None:
        """The settings and rows (waiting for the helper if it is still reading), or None when it could not read the
        settings. Once."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            os.waitpid(self.pid, 0)
        try:
            settings, rows = loads(b"".join(chunks)) if chunks else (None, None)
        except Exception:  # noqa: BLE001 - a helper that died mid-write: read as without it
            return None
        return Early(settings, rows) if settings is not None else None


def start(url: str) -> EarlyPage | None:
    """Fork the helper reading the first page of the queue's opening view at `url` (Linux only: macOS
    frameworks are not fork-safe, Windows has no fork). Call it before any thread starts and before this process
    opens a connection: a forked child inherits only the thread that forked, and must share no connection."""
    if not hasattr(os, "fork") or sys.platform != "linux":
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return EarlyPage(pid, read_end)
    # The child: never returns. os._exit skips the parent's exit handlers and buffered output, which are the
    # parent's; nothing it says (a warning) reaches the terminal.
    os.close(read_end)
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        data = _read(url)
    except BaseException:  # noqa: BLE001 - any failure (even ctrl+c): the parent does the work and reports
        data = b""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    finally:
        os._exit(0)


def _read(url: str) -> bytes:
    """This user's settings, and the queue's opening view read with them (its first rows, the reference width and the
    data version they were read at, or None when they cannot be read), pickled. Settings that cannot be read: b""."""
    import pickle
    from datetime import date

    from dpo_tui.settings import load_settings
    from dpo_tui.store.queue import PAGE, EarlyRows, QueueQuery, QueueReader

    settings = load_settings()
    query = QueueQuery(me=settings.me, today=date.today())
    rows: EarlyRows | None = None
    try:
        reader = QueueReader.open(url)
    except Exception:  # noqa: BLE001 - nothing to read yet, or no server: the queue's process opens it and reports
        pass
    else:
        try:
            version = reader.data_version()  # first: a change made while the rows are read shows as a change
            rows = EarlyRows(query, PAGE, reader.page_at(query, 0, PAGE), reader.ref_width(), version)
        except Exception:  # noqa: BLE001 - the same: the queue's process reads again, and reports
            rows = None
        finally:
            reader.close()
    return pickle.dumps((settings, rows))
