"""Issue 12: the queue and the CLI share one SQLite file, as a DPO runs them, and no acknowledged case is lost.

The scenario, with real processes: a CLI process logs case A and exits; this test process then plays the TUI (it
opens the queue's read connections first and the casework layer after them, in that order, as `DpoApp` does); a
second CLI process logs case B and exits; the "TUI" logs case C; a fresh process must then see A, B and C and a
verifying audit chain, both while the "TUI" still holds its connections and after it closed them. It failed while `store/database.py` opened the database file with a plain `open()`: closing
that descriptor dropped this process's POSIX locks, so the exiting CLI process checkpointed and deleted the WAL
that the "TUI" went on writing into.

The processes are forked from a parent that has imported dpo-tui and opened nothing (tests/support/fork_runner.py),
so 200 rounds take seconds rather than minutes of interpreter start-up. SQLite runs on
the settings dpo-tui ships (WAL, synchronous=NORMAL, pooled connections).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.support.fork_runner import ForkRunner

ROUNDS = int(__import__("os").environ.get("ROUNDS", "200"))
RECEIVED = "2026-11-20"


def _new_args(db: Path, name: str, email: str) -> list[str]:
    return ["--db", str(db), "new", "--name", name, "--email", email, "--rights", "access", "--received", RECEIVED]


@pytest.fixture(scope="module")
def processes() -> Iterator[ForkRunner]:
    runner = ForkRunner()
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, checkpointed empty database to copy for each round (migrating 200 times would dominate)."""
    from dpo_tui.store.database import Database

    path = tmp_path_factory.mktemp("template") / "empty.db"
    Database.open(f"sqlite:///{path}").dispose()  # the last connection closing checkpoints and removes the WAL
    assert not Path(f"{path}-wal").exists()
    return path


def test_queue_and_cli_sharing_an_sqlite_file_keep_every_case(
    processes: ForkRunner, empty_db: Path, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.rights import Right
    from dpo_tui.services.casework import Casework, NewRequest
    from dpo_tui.store.database import Database
    from dpo_tui.store.queue import QueueReader

    lost: list[tuple[int, list[str]]] = []
    for i in range(ROUNDS):
        path = tmp_path / f"round{i}.db"
        shutil.copyfile(empty_db, path)  # no process holds connections to this new file yet
        url = f"sqlite:///{path}"
        assert processes.call("cli", _new_args(path, "A One", "a@example.com")) == 0

        # The TUI's order: the queue's plain sqlite3 readers first, the ORM-backed casework layer after them.
        reader = QueueReader.open(url)
        work = Casework(Database.open(url), settings, today=lambda: date(2026, 11, 25))
        try:
            assert processes.call("cli", _new_args(path, "B Two", "b@example.com")) == 0
            c = work.log_request(
                NewRequest(name="C Three", email="c@example.com", rights=(Right.ACCESS,), received=date(2026, 11, 22))
            )
            assert work.get(c.ref).ref == c.ref  # acknowledged to the user
            # A teammate's CLI while the queue is still open must see it too...
            seen_while_open = processes.call("refs_and_audit", url)
        finally:
            reader.close()
            work.db.dispose()
        # ...and so must anyone after the queue has closed.
        seen_after = processes.call("refs_and_audit", url)
        for refs, chain_ok, events in (seen_while_open, seen_after):
            if len(refs) != 3 or not chain_ok or events != 3:
                lost.append((i, refs))
        path.unlink()
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
    assert lost == [], f"{len(lost)} of {ROUNDS} rounds lost acknowledged cases: {lost[:5]}"
