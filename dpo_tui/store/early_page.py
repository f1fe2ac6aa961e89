"""The queue's first page, read by a helper process while the queue's own process starts Textual.

Why: a bare Textual app's whole start is ~0.17 s on the 2-core machine, and everything the queue does before its
first rows show counts against that. On PostgreSQL the driver costs ~60 ms to import (psycopg loads its type
adapters, its error classes and its version metadata) and a connection a few round trips; on SQLite, importing
sqlite3, opening the file, checking the schema revision and reading the page cost 3-5 ms. A helper started first
does that work on the other core and hands the rows back through a pipe (pickled: parent and helper are the same
program). The parent opens its own connections after the first paint (`QueueReader`, `early`).

The helper is a new interpreter (`posix_spawn`), not a fork: a forked child shares the parent's memory pages, and
every page the parent then wrote while importing Textual was copied first (~1,100 more page faults, 1-2 ms: the
gain on SQLite, measured). It reads its own settings for the query; the rows answer the first paint only if the
queue's process asks for that same query (`QueueReader.page_at`). The database URL goes through its stdin, never
its command line (a PostgreSQL URL can hold a password, and `ps` shows command lines to every user).

The helper only ever saves time. Anything but rows (no helper on this platform, a connection refused, a file or a
schema to create or migrate, settings it cannot read, a crash) makes `result()` None, and the parent reads as it
would without the helper: the error, if there is one, is raised there, in the one place that reports it.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

try:  # the unpickler alone: `pickle` itself (its pure-Python pickler) costs ~1.3 ms more to import, before Textual
    from _pickle import loads
except ImportError:  # an interpreter without CPython's accelerator
    from pickle import loads

from dpo_tui.store.queue import EarlyRows

# -P: the helper imports dpo_tui from where the interpreter installed it, never from the current directory.
_HELPER = "from dpo_tui.store.early_page import serve; serve()"


class EarlyPage(NamedTuple):  # a NamedTuple: defined on the way to the first paint (see store.queue.QueueRow)
    pid: int
    fd: int  # the read end of the pipe the helper writes its rows to

    def result(self) -> EarlyRows | None:
        """The rows (waiting for the helper if it is still reading), or None when it brought none. Once."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            os.waitpid(self.pid, 0)
        try:
            early = loads(b"".join(chunks)) if chunks else None
        except Exception:  # noqa: BLE001 - a helper that died mid-write: read as without it
            return None
        return early if isinstance(early, EarlyRows) else None


def start(url: str, limit: int) -> EarlyPage | None:
    """Start the helper reading the first `limit` rows of the queue's opening view at `url`."""
    if not hasattr(os, "posix_spawn") or not sys.executable:
        return None
    rows_read, rows_write = os.pipe()
    url_read, url_write = os.pipe()
    try:
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-P", "-c", _HELPER],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, url_read, 0),
                (os.POSIX_SPAWN_DUP2, rows_write, 1),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),  # nothing of it reaches the terminal
            ],
            setpgroup=0,  # its own process group: a ctrl+c in the terminal is the queue's, not the helper's
        )
    except OSError:
        for fd in (rows_read, rows_write, url_read, url_write):
            os.close(fd)
        return None
    os.close(rows_write)
    os.close(url_read)
    try:
        os.write(url_write, f"{limit}\n{url}".encode())  # a few hundred bytes: a pipe holds 64 KiB
    except OSError:
        pass  # the helper is gone already: result() finds no rows
    finally:
        os.close(url_write)
    return EarlyPage(pid, rows_read)


def serve() -> None:
    """The helper: the rows of the queue's opening view (this user's settings, today) on stdout. Any failure
    writes nothing."""
    import pickle
    from datetime import date

    from dpo_tui.settings import load_settings
    from dpo_tui.store.queue import QueueQuery, QueueReader

    data = b""
    try:
        limit_text, url = sys.stdin.buffer.read().decode().split("\n", 1)
        limit = int(limit_text)
        query = QueueQuery(me=load_settings().me, today=date.today())
        reader = QueueReader.open(url)
        try:
            data = pickle.dumps(EarlyRows(query, limit, reader.page_at(query, 0, limit), reader.ref_width()))
        finally:
            reader.close()
    except Exception:  # noqa: BLE001 - any failure: the parent does the work itself and reports the error
        data = b""
    out = sys.stdout.buffer
    out.write(data)
    out.flush()
