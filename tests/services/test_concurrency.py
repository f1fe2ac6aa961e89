"""Issue 13 (1): concurrent writers never see a driver error. One typed conflict on every database, versions required
by every mutating call, deadlocks retried a bounded number of times, references issued race-free."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from dpo_tui.services import checklist_work, decisions, follow_ups, identity, letters, outbound
from dpo_tui.services.casework import Casework, StaleCase, lock_case
from dpo_tui.store import database
from dpo_tui.store.database import TransientWriteError, retry_transient
from tests.conftest import PG_ENV, _pg_database, make_work, new_request

MUTATING = [
    Casework.change_status,
    Casework.add_note,
    *(getattr(decisions, n) for n in (
        "assess", "request_fee", "record_fee_paid", "record_further_copy_fee", "refuse", "extend",
        "ask_clarification", "record_clarification_answer", "close_no_response",
    )),
    *(getattr(identity, n) for n in ("record_not_needed", "request_identity", "record_received", "record_outcome", "close_no_response")),
    *(getattr(checklist_work, n) for n in ("tick", "untick", "mark_not_applicable", "add_note", "add_item", "complete_case")),
    letters.save_letter,
    follow_ups.set_follow_up,
    follow_ups.complete_follow_ups,
    outbound.send_letter,
]  # fmt: skip


@pytest.mark.parametrize("fn", MUTATING, ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__qualname__}")
def test_every_mutating_call_requires_the_version_the_user_saw(fn) -> None:  # type: ignore[no-untyped-def]
    param = inspect.signature(fn).parameters["version"]
    assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is inspect.Parameter.empty


@pytest.mark.parametrize("fn", [Casework.assign, Casework.bulk_status], ids=lambda f: f.__name__)
def test_bulk_calls_require_each_marked_case_version(fn) -> None:  # type: ignore[no-untyped-def]
    param = inspect.signature(fn).parameters["versions"]
    assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is inspect.Parameter.empty


def test_a_stale_bulk_action_changes_nothing_and_names_the_case(work) -> None:  # type: ignore[no-untyped-def]
    a = work.log_request(new_request(email="a@example.org"))
    b = work.log_request(new_request(email="b@example.org"))
    work.add_note(b.ref, "someone else was here", version=b.version)
    with pytest.raises(StaleCase) as caught:
        work.assign("Sam Patel", versions={b.ref: b.version, a.ref: a.version})
    assert caught.value.ref == b.ref and caught.value.who == work.get(b.ref).events[-1].actor  # as the timeline names them
    assert work.get(a.ref).assignee is None and work.get(b.ref).assignee is None


def test_a_version_mismatch_found_at_flush_is_the_same_typed_conflict(work) -> None:  # type: ignore[no-untyped-def]
    """SQLAlchemy's own check (StaleDataError) is a backstop behind lock_case; it must read the same."""
    detail = work.log_request(new_request())
    with pytest.raises(StaleCase) as caught:
        with work.write() as s:
            lock_case(s, detail.ref, version=detail.version)
            raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")
    assert caught.value.ref == detail.ref and caught.value.who == work.get(detail.ref).events[-1].actor
    assert str(caught.value).endswith(": reopen it and try again") and "\n" not in str(caught.value)


def _deadlock() -> OperationalError:
    import psycopg.errors

    return OperationalError("UPDATE cases ...", {}, psycopg.errors.DeadlockDetected("deadlock detected\nDETAIL: ..."))


def test_a_deadlock_inside_a_write_becomes_a_typed_transient_error(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    with pytest.raises(TransientWriteError) as caught:
        with work.db.write():
            raise _deadlock()
    assert "\n" not in str(caught.value)
    assert work.get(detail.ref).version == detail.version  # rolled back


def test_transient_failures_are_retried_a_bounded_number_of_times() -> None:
    calls: list[int] = []

    @retry_transient
    def flaky(fail: int) -> str:
        calls.append(1)
        if len(calls) <= fail:
            raise TransientWriteError("the database rolled the change back (deadlock with another writer)")
        return "done"

    before = database.RETRY_STATS.retried
    assert flaky(2) == "done" and len(calls) == 3
    assert database.RETRY_STATS.retried == before + 2
    calls.clear()
    with pytest.raises(TransientWriteError, match=f"{database.MAX_ATTEMPTS} times in a row; nothing was changed"):
        flaky(99)
    assert len(calls) == database.MAX_ATTEMPTS


def _simultaneously(argvs: list[list[str]]) -> list[tuple[int, str]]:
    """Run `dpo-tui ARGV` in one process each, all released at the same instant; (exit status, output) of each.
    The processes are forked from this one after a warm-up, so they race on the database, not on imports."""
    from tests.support.fork_runner import cli

    go_r, go_w = os.pipe()
    children: list[tuple[int, int]] = []
    for argv in argvs:
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: wait for the start, run the command, report through the pipe, leave without cleanup
            os.close(go_w)
            os.close(out_r)
            os.read(go_r, 1)
            sys.stdout = sys.stderr = os.fdopen(out_w, "w")
            code = 1
            try:
                code = cli(argv)
            finally:
                sys.stdout.flush()
                os._exit(code)
        os.close(out_w)
        children.append((pid, out_r))
    os.close(go_r)
    os.close(go_w)  # every child's read returns now: the start
    results = []
    for pid, out_r in children:
        with os.fdopen(out_r) as out:
            text = out.read()
        _, status = os.waitpid(pid, 0)
        results.append((os.waitstatus_to_exitcode(status), text))
    return results


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_six_simultaneous_new_on_a_fresh_database_all_succeed(backend: str, tmp_path: Path) -> None:
    """The reviewer's case: on a fresh database the schema and the year's reference counter are created by
    whichever process comes first; the others wait for it instead of failing on a primary key."""
    from tests.support.fork_runner import cli

    new = ["new", "--rights", "access", "--received", "2026-11-20"]
    assert cli(["--db", str(tmp_path / "warm.db"), *new, "--name", "W", "--email", "w@example.org"]) == 0  # imports
    if backend == "postgresql":
        if not os.environ.get(PG_ENV):
            pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} to run them")
        gen = _pg_database()
        url = next(gen)
    else:
        gen, url = None, str(tmp_path / "fresh.db")
    try:
        results = _simultaneously([["--db", url, *new, "--name", f"P {i}", "--email", f"p{i}@example.org"] for i in range(6)])
        assert [code for code, _ in results] == [0] * 6, [out for _, out in results]
        # The last line is the reference; the process that created the database says so on a line before it.
        assert sorted(out.strip().splitlines()[-1] for _, out in results) == [f"DSAR-2026-{n:04d}" for n in range(1, 7)]
        assert sum("created database" in out for _, out in results) == (1 if backend == "sqlite" else 0)
    finally:
        if gen is not None:
            gen.close()


def test_two_windows_on_postgresql_get_the_plain_conflict(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    """Two engines (two windows) act on the same version: the second gets the one-line conflict, never a driver error."""
    first, second = make_work(db_url, settings), make_work(db_url, settings)
    second.actor = "Sam Patel"
    try:
        detail = first.log_request(new_request())
        second.assign("Sam Patel", versions={detail.ref: detail.version})
        with pytest.raises(StaleCase, match=rf"^{detail.ref}: changed by (\S+ \()?Sam Patel\)? at .*: reopen it and try again$"):
            decisions.assess(first, detail.ref, {}, "comply", version=detail.version)
    finally:
        first.db.dispose()
        second.db.dispose()
