"""The queue's first page on PostgreSQL, read by a helper process while the queue's own process starts Textual.

Why: on the way to the first paint, the PostgreSQL driver costs ~60 ms to import (psycopg loads its type adapters,
its error classes and its version metadata) and a connection a few round trips: 0.3-0.4x of a bare Textual app's
whole start, on top of the queue's. A child forked before Textual is imported does that work on the other core,
reads the schema revision and the first page, and hands the rows back through a pipe (pickled: parent and child
are the same program). The parent opens its own connections after the first paint (`QueueReader`, `early`).

The helper only ever saves time. Anything but rows (no fork on this platform, a connection refused, a schema to
create or migrate, a crash) makes `result()` None, and the parent reads as it would without the helper: the
error, if there is one, is raised there, in the one place that reports it.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import NamedTuple

from dpo_tui.store.queue import EarlyRows, QueueQuery, QueueReader


class EarlyPage(NamedTuple):  # a NamedTuple: defined on the way to the first paint (see store.queue.QueueRow)
    pid: int
    fd: int  # the read end of the pipe the child writes its rows to
    query: QueueQuery
    limit: int

    def result(self) -> EarlyRows | None:
        """The rows (waiting for the child if it is still reading), or None when it brought none. Once."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            os.waitpid(self.pid, 0)
        data = b"".join(chunks)
        if not data:
            return None
        rows, ref_width = pickle.loads(data)
        return EarlyRows(self.query, self.limit, rows, ref_width)


def start(url: str, query: QueueQuery, limit: int) -> EarlyPage | None:
    """Fork the helper reading `query`'s first `limit` rows at `url` (PostgreSQL on a platform with fork only).
    Call it before any thread starts: a forked child inherits only the thread that forked."""
    if url.startswith("sqlite:") or not hasattr(os, "fork") or sys.platform != "linux":
        return None  # SQLite opens in a millisecond; macOS frameworks are not fork-safe
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return EarlyPage(pid, read_end, query, limit)
    # The child: never returns. Nothing it does reaches the terminal; os._exit skips the parent's exit handlers
    # and buffered output, which belong to the parent.
    os.close(read_end)
    data = b""
    try:
        reader = QueueReader.open(url)
        try:
            data = pickle.dumps((reader.page_at(query, 0, limit), reader.ref_width()))
        finally:
            reader.close()
    except BaseException:  # noqa: BLE001 - any failure: the parent does the work itself and reports the error
        data = b""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    finally:
        os._exit(0)
