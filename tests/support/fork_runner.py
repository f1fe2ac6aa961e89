"""Run calls in fresh processes, cheaply: a parent that has imported dpo-tui (and opened nothing) forks one child
per call. Used where a test needs many real, separate processes (a CLI that starts, writes and exits) and paying
the interpreter's and the ORM's import cost each time would make 200 rounds take minutes.

Protocol: one JSON line per call on stdin, `{"fn": NAME, "args": [...]}`; one JSON line back, `{"ok": RESULT}` or
`{"error": TRACEBACK}`. A child's own stdout and stderr go to /dev/null.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from typing import Any


def cli(args: list[str]) -> int:
    """`dpo-tui ARGS` as a user runs it; the exit status."""
    from dpo_tui.launch import main

    try:
        return int(main(args) or 0)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1


def refs_and_audit(url: str) -> tuple[list[str], bool, int]:
    """What a fresh process sees: every case reference, and whether the audit chain verifies (and its length)."""
    from sqlmodel import select

    from dpo_tui.store import audit
    from dpo_tui.store.database import Database
    from dpo_tui.store.models import Case

    db = Database.open(url, upgrade=False)
    try:
        with db.reader() as s:
            refs = sorted(c.ref for c in s.exec(select(Case)))
            result = audit.verify(s)
        return refs, result.ok, result.events
    finally:
        db.dispose()


CALLS = {"cli": cli, "refs_and_audit": refs_and_audit}


def _warm_up() -> None:
    """One real `new` on a throwaway database, so every lazy import (click commands, ORM, migrations, holiday
    calendars) is paid once here and inherited by every child. Its connections are closed before any child runs."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "warm.db")
        args = ["--db", db, "new", "--name", "W", "--email", "w@example.com", "--rights", "access"]
        assert cli([*args, "--received", "2026-01-05"]) == 0
        refs_and_audit(f"sqlite:///{db}")


def _serve() -> None:
    saved = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the warm-up's own output must not reach the protocol
    _warm_up()
    os.dup2(saved, 1)

    for line in sys.stdin:
        request = json.loads(line)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            try:
                answer: dict[str, Any] = {"ok": CALLS[request["fn"]](*request["args"])}
            except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
                answer = {"error": traceback.format_exc()}
            os.write(w, json.dumps(answer).encode())
            os._exit(0)
        os.close(w)
        chunks = []
        while chunk := os.read(r, 65536):
            chunks.append(chunk)
        os.close(r)
        os.waitpid(pid, 0)
        sys.stdout.write(b"".join(chunks).decode() + "\n")
        sys.stdout.flush()


class ForkRunner:
    """The test side: start the parent once, then `call(name, *args)` runs in a new process each time."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy()
        )

    def call(self, fn: str, *args: Any) -> Any:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps({"fn": fn, "args": list(args)}) + "\n")
        self._proc.stdin.flush()
        answer = json.loads(self._proc.stdout.readline())
        if "error" in answer:
            raise AssertionError(f"{fn} failed in its process:\n{answer['error']}")
        return answer["ok"]

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


if __name__ == "__main__":
    _serve()
