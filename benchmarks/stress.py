"""Durability under concurrency and crashes (issues 12 and 13). Prints figures; asserts nothing (the test suite runs a
short version and asserts on its figures).

    python benchmarks/stress.py writers --db sqlite      [--writers 3 --edits 500 --cases 4]
    python benchmarks/stress.py writers --db postgresql  [--pg postgresql://postgres@127.0.0.1:5432/postgres]
    python benchmarks/stress.py crash  [--kills 300]
    python benchmarks/stress.py soak   [--seconds 60]
    python benchmarks/stress.py all    (the three above, both databases)

writers: N writer processes make M edits each on the same few cases (read the case, then act on the version read,
  as a DPO at a screen does): notes, assignments (single and bulk across two cases), status moves, new requests.
crash:   one writer process on SQLite, SIGKILLed over and over at points inside its transactions (it reports each
  flush and commit as it happens; the kill lands on the k-th report, k random), restarted each time.
soak:    on one SQLite file for a while: TUI-like processes (a store.queue.QueueReader open, then the casework layer
  opened after it, as the app does) writing; CLI-like short-lived `dpo-tui new` and `dpo-tui letter --save`;
  `dpo-tui db backup`; `dpo-tui export`.

Every action carries a unique token, so afterwards each acknowledged action (the service call returned, or the CLI
exited 0) is looked for in the database:
- lost: acknowledged, but its change or its audit event is missing;
- half-applied: a change without its audit event or an event without its change (the per-case state disagrees with
  the newest event that set it, or notes and note events do not pair up), or an action applied twice;
- conflicts reported: StaleCase ("REF: changed by NAME at TIME: reopen it and try again");
- unhandled: any exception that is not one of the app's typed, one-line errors;
- deadlocks retried: transient failures (deadlock, serialization) the transaction wrapper ran again;
- audit verify: the hash chain over every event, as `dpo-tui audit verify` reports it.

Each run uses its own temporary SQLite file, or its own PostgreSQL database (created, then dropped), and its own
settings folder: it never touches the user's database or settings. Processes are forked after the imports, so a
crash-loop iteration costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

# This folder holds queue.py, which would shadow the standard library's queue module that SQLAlchemy imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
RECEIVED = date(2026, 11, 2)


# ---------------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    title: str
    acknowledged: int = 0
    lost: int = 0
    half_applied: int = 0
    conflicts: int = 0
    refused: int = 0  # plain domain refusals (a status move the case's current status does not allow)
    reported_plainly: int = 0  # other typed one-line errors: database busy, retries exhausted, a CLI command's exit 1
    unhandled: int = 0
    deadlocks_retried: int = 0
    kills: int = 0
    kill_points: Counter[str] = field(default_factory=Counter)  # where the kills landed: after a flush, at commit
    audit: str = ""
    integrity: str = ""
    problems: list[str] = field(default_factory=list)
    plain: Counter[str] = field(default_factory=Counter)  # the one-line errors reported, by text
    unhandled_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.half_applied == 0 and self.unhandled == 0 and self.audit.startswith("audit trail intact")

    def lines(self) -> list[str]:
        out = [
            f"== {self.title}",
            f"actions acknowledged: {self.acknowledged}",
            f"lost: {self.lost}",
            f"half-applied: {self.half_applied}",
            f"conflicts reported: {self.conflicts}",
            f"refused (plain domain refusals): {self.refused}",
            f"other one-line errors reported: {self.reported_plainly}",
            f"unhandled exceptions: {self.unhandled}" + (f" {dict(self.unhandled_kinds)}" if self.unhandled_kinds else ""),
            f"deadlocks retried: {self.deadlocks_retried}",
        ]
        if self.kills:
            where = ", ".join(f"{n} {at}" for at, n in sorted(self.kill_points.items()))
            out.append(f"SIGKILLs: {self.kills} (landing just after: {where})")
        if self.integrity:
            out.append(f"integrity_check: {self.integrity}")
        out.append(f"audit verify: {self.audit}")
        out += [f"  reported ({n}x): {text}" for text, n in self.plain.most_common(5)]
        out += [f"  problem: {p}" for p in self.problems[:20]]
        return out

    def print(self) -> None:
        print("\n".join(self.lines()), flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Databases and settings, private to the run
# ---------------------------------------------------------------------------------------------------------------


def isolate_settings(root: Path) -> None:
    """Every process of the run (forked or started) uses default settings in `root`, never the user's."""
    os.environ["DPO_TUI_CONFIG"] = str(root / "config" / "settings.toml")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ.pop("DPO_TUI_DB", None)


@contextmanager
def pg_database(server: str) -> Iterator[str]:
    import psycopg

    server = server.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"dpo_tui_stress_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{server.rsplit('/', 1)[0].removeprefix('postgresql://')}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _work(url: str, actor: str) -> Any:
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    work = Casework(Database.open(url), load_settings(), today=lambda: date(2026, 11, 25))
    work.actor = actor
    return work


def _request(token: str, n: int) -> Any:
    from dpo_tui.domain.rights import Right
    from dpo_tui.services.casework import NewRequest

    return NewRequest(
        name=f"Stress Person {n}", email=f"person{n}@example.org", rights=(Right.ACCESS,), received=RECEIVED, description=token
    )


def seed(url: str, cases: int) -> list[str]:
    work = _work(url, "seed")
    try:
        return [work.log_request(_request(f"seed-{i}", i)).ref for i in range(cases)]
    finally:
        work.db.dispose()


# ---------------------------------------------------------------------------------------------------------------
# One writer's actions: read the case (what the user saw), then act on that version
# ---------------------------------------------------------------------------------------------------------------


def act(work: Any, refs: list[str], rng: random.Random, token: str) -> dict[str, Any]:
    """One action; returns its acknowledgement (what to look for afterwards)."""
    roll = rng.random()
    ref = rng.choice(refs)
    if roll < 0.05:
        detail = work.log_request(_request(token, rng.randrange(10**6)))
        return {"what": "new", "ref": detail.ref, "token": token}
    seen = work.get(ref, with_events=False)
    if roll < 0.35:
        work.add_note(ref, token, version=seen.version)
        return {"what": "note", "ref": ref, "token": token}
    if roll < 0.60:
        work.assign(token, versions={ref: seen.version})
        return {"what": "assign", "refs": [ref], "token": token}
    if roll < 0.75:
        other = rng.choice([r for r in refs if r != ref] or [ref])
        # Marked in either order: the service locks by id, so two bulk actions never deadlock each other.
        versions = {ref: seen.version, other: work.get(other, with_events=False).version}
        work.assign(token, versions=versions)
        return {"what": "assign", "refs": sorted(versions), "token": token}
    target = "in_progress" if seen.status != "in_progress" else rng.choice(("awaiting_id", "awaiting_clarification"))
    work.change_status(ref, target, version=seen.version, reason=token)
    return {"what": "status", "ref": ref, "token": token, "to": target}


def attempt(out: Any, work: Any, refs: list[str], rng: random.Random, token: str) -> None:
    """One acknowledged action, reported as the user would see it: acknowledged, a conflict, a refusal, a plain
    database error, or an unhandled exception (counted: this is what the figures are about)."""
    from dpo_tui.domain.errors import DomainError
    from dpo_tui.services.casework import StaleCase
    from dpo_tui.store.database import DatabaseError

    try:
        out({"kind": "ack", **act(work, refs, rng, token)})
    except StaleCase:
        out({"kind": "conflict"})
    except DomainError:
        out({"kind": "refused"})
    except DatabaseError as exc:
        out({"kind": "plain", "error": str(exc)})
    except Exception as exc:  # noqa: BLE001
        out({"kind": "unhandled", "type": type(exc).__name__, "error": (str(exc).splitlines() or [""])[0][:160]})


def writer(url: str, name: str, refs: list[str], edits: int, seed_: int, out: Callable[[dict[str, Any]], None]) -> None:
    """A writer process: `edits` actions, each reported to the parent as ack / conflict / refused / error."""
    from dpo_tui.store.database import RETRY_STATS

    rng = random.Random(seed_)
    work = _work(url, name)
    for i in range(edits):
        token = f"{name}-{i}-{uuid.uuid4().hex[:8]}"
        attempt(out, work, refs, rng, token)
    out({"kind": "done", "retried": RETRY_STATS.retried})


# ---------------------------------------------------------------------------------------------------------------
# Processes: fork after the imports; children speak JSON lines on a pipe and leave with os._exit
# ---------------------------------------------------------------------------------------------------------------


def _preload() -> None:
    """Import what children use before forking, so each fork starts in milliseconds."""
    import dpo_tui.services.casework  # noqa: F401
    import dpo_tui.store.database  # noqa: F401
    import dpo_tui.store.queue  # noqa: F401


@dataclass
class Child:
    pid: int
    reader: Any  # text file on the pipe

    def messages(self) -> Iterator[dict[str, Any]]:
        for line in self.reader:
            if line.endswith("\n"):  # a line cut short by a kill is not a message
                yield json.loads(line)


def spawn(body: Callable[[Callable[[dict[str, Any]], None]], None]) -> Child:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        code = 0
        try:
            wf = os.fdopen(w, "w", buffering=1)

            def out(msg: dict[str, Any]) -> None:
                wf.write(json.dumps(msg) + "\n")

            body(out)
            wf.flush()
        except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
            import traceback

            traceback.print_exc()
            code = 1
        # os._exit: no atexit, no finalizers - the parent's inherited connections are left alone.
        os._exit(code)
    os.close(w)
    return Child(pid, os.fdopen(r, "r"))


def _collect(report: Report, msg: dict[str, Any], acks: list[dict[str, Any]]) -> None:
    kind = msg["kind"]
    if kind == "ack":
        acks.append(msg)
    elif kind == "conflict":
        report.conflicts += 1
    elif kind == "refused":
        report.refused += 1
    elif kind == "plain":
        report.reported_plainly += 1
        report.plain[msg["error"]] += 1
    elif kind == "unhandled":
        report.unhandled += 1
        report.unhandled_kinds[msg["type"]] += 1
        if len(report.problems) < 20:
            report.problems.append(f"unhandled {msg['type']}: {msg['error']}")
    elif kind == "done":
        report.deadlocks_retried += msg.get("retried", 0)


# ---------------------------------------------------------------------------------------------------------------
# Verification: every acknowledged action present, every change paired with its event
# ---------------------------------------------------------------------------------------------------------------



def _run_then_reap(threads: list[threading.Thread], children: list[Any], report: Any, what: str) -> None:
    """Run the reader/driver threads to the end, then reap the child processes: a non-zero exit is unhandled."""
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in children:
        _, status = os.waitpid(c.pid, 0)
        if status != 0:
            report.unhandled += 1
            report.problems.append(f"{what} process {c.pid} exited with status {status}")

def verify(url: str, report: Report, acks: list[dict[str, Any]]) -> None:
    from sqlmodel import select

    from dpo_tui.store import audit
    from dpo_tui.store.database import Database
    from dpo_tui.store.models import AuditEvent, Case, Letter, Note

    report.acknowledged = len(acks)
    db = Database.open(url)
    try:
        with db.reader() as s:
            cases = {c.ref: c for c in s.exec(select(Case))}
            by_id = {c.id: c for c in cases.values()}
            events: dict[str, list[tuple[str, dict[str, Any]]]] = {ref: [] for ref in cases}
            orphans = 0
            for ev in s.exec(select(AuditEvent).order_by(AuditEvent.seq)):  # type: ignore[arg-type]
                if ev.case_ref not in events:
                    orphans += 1
                    continue
                events[ev.case_ref].append((ev.kind, json.loads(ev.payload) if ev.payload else {}))
            notes: dict[str, list[str]] = {ref: [] for ref in cases}
            for n in s.exec(select(Note)):
                notes[by_id[n.case_id].ref].append(n.body)
            letters = Counter(by_id[l.case_id].ref for l in s.exec(select(Letter)))
            report.audit = audit.verify(s).describe()
    finally:
        db.dispose()
    if db.is_sqlite and db.sqlite_path is not None:
        report.integrity = integrity(db.sqlite_path)
        if report.integrity != "ok":
            report.half_applied += 1
            report.problems.append(f"integrity_check: {report.integrity}")

    def half(problem: str) -> None:
        report.half_applied += 1
        report.problems.append(problem)

    def lost(problem: str) -> None:
        report.lost += 1
        report.problems.append(problem)

    if orphans:
        half(f"{orphans} audit events name a case that does not exist")
    # Per case: the state must agree with the events that set it, and each change must have its one event.
    tokens: Counter[str] = Counter()
    for ref, case in cases.items():
        evs = events[ref]
        logged = [p for k, p in evs if k == "case.logged"]
        if len(logged) != 1:
            half(f"{ref}: {len(logged)} case.logged events")
        tokens[case.description] += 1
        noted = sum(1 for k, _ in evs if k == "note.added")
        if noted != len(notes[ref]):
            half(f"{ref}: {len(notes[ref])} notes but {noted} note events")
        tokens.update(notes[ref])
        assigned = [p for k, p in evs if k == "case.assigned"]
        if (assigned[-1]["to"] if assigned else None) != case.assignee:
            half(f"{ref}: assignee {case.assignee!r} but the newest assignment event says {assigned[-1]['to'] if assigned else None!r}")
        tokens.update(p["to"] for p in assigned)
        moved = [p for k, p in evs if k == "case.status"]
        if (moved[-1]["to"] if moved else "new") != case.status:
            half(f"{ref}: status {case.status} but the newest status event says {moved[-1]['to'] if moved else 'new'}")
        tokens.update(p["reason"] for p in moved if p.get("reason"))
        saved = sum(1 for k, _ in evs if k == "letter.saved")
        if saved != letters[ref]:
            half(f"{ref}: {letters[ref]} letters but {saved} letter events")
    # Per acknowledged action: present, and exactly once (a retry must never apply an action twice).
    letters_acked: Counter[str] = Counter()
    for a in acks:
        what = a["what"]
        if what == "letter":
            letters_acked[a["ref"]] += 1
            continue
        if what == "new" and (a["ref"] not in cases or cases[a["ref"]].description != a["token"]):
            lost(f"new case {a['ref']} ({a['token']}) is missing")
            continue
        expected = len(a.get("refs", [])) or 1
        found = tokens[a["token"]]
        if found < expected:
            lost(f"{what} {a['token']} on {a.get('ref') or a.get('refs')}: found {found} of {expected}")
        elif found > expected:
            half(f"{what} {a['token']} applied {found} times")
    for ref, n in letters_acked.items():
        if letters[ref] < n:
            lost(f"{ref}: {n} letters acknowledged, {letters[ref]} kept")


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return ", ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------------------------------------------


def run_writers(url: str, *, writers: int = 3, edits: int = 500, cases: int = 4, seed_: int = 1, title: str = "") -> Report:
    _preload()
    refs = seed(url, cases)
    report = Report(title or f"{writers} writers x {edits} edits on {cases} cases, {url.split(':', 1)[0].split('+')[0]}")
    children = [
        spawn(lambda out, i=i: writer(url, f"writer{i}", refs, edits, seed_ * 1000 + i, out)) for i in range(writers)
    ]
    acks: list[dict[str, Any]] = []
    lock = threading.Lock()

    def drain(child: Child) -> None:
        for msg in child.messages():
            with lock:
                _collect(report, msg, acks)

    # One reader thread per child: a child must never block on a full pipe while the parent reads another.
    _run_then_reap([threading.Thread(target=drain, args=(c,)) for c in children], children, report, "writer")
    verify(url, report, acks)
    return report


def run_crash_loop(path: Path, *, kills: int = 300, cases: int = 4, seed_: int = 7) -> Report:
    """SIGKILL a writer at the k-th flush/commit/ack it reports (k random), `kills` times, then verify."""
    from sqlalchemy import event
    from sqlmodel import Session

    _preload()
    url = f"sqlite:///{path}"
    refs = seed(url, cases)
    report = Report(f"SIGKILL crash loop, {kills} kills, sqlite")
    rng = random.Random(seed_)
    acks: list[dict[str, Any]] = []

    for k in range(kills):

        def body(out: Callable[[dict[str, Any]], None], k: int = k) -> None:
            # Report the points inside each transaction where the parent may kill us.
            event.listen(Session, "after_flush", lambda *_: out({"kind": "point", "at": "flush"}))
            event.listen(Session, "before_commit", lambda *_: out({"kind": "point", "at": "commit"}))
            writer(url, f"crash{k}", refs, 10**9, seed_ * 100_000 + k, out)

        child = spawn(body)
        target = rng.randint(1, 25)
        seen = 0
        for msg in child.messages():
            if msg["kind"] == "point":
                seen += 1
                if seen >= target:
                    os.kill(child.pid, signal.SIGKILL)
                    report.kill_points["a flush" if msg["at"] == "flush" else "the start of a commit"] += 1
                    break
            else:
                _collect(report, msg, acks)
        # Acks already in the pipe were sent after their commit returned: they count.
        for msg in child.messages():
            if msg["kind"] != "point":
                _collect(report, msg, acks)
        os.waitpid(child.pid, 0)
        report.kills += 1
    verify(url, report, acks)
    return report


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dpo_tui", "--db", str(path), *args], capture_output=True, text=True, check=False
    )


def run_soak(
    path: Path, *, seconds: float = 60.0, rounds: int | None = None, tui: int = 2, cases: int = 4, seed_: int = 11
) -> Report:
    """Issue 12: TUI-like, CLI, backup and export processes on one SQLite file; every acknowledged action kept.

    Runs for `seconds`, or, given `rounds` (the test suite), until each CLI-like loop has run that many times and
    each TUI-like process has made 10 x rounds actions: a fixed amount of work, whatever the machine's speed."""
    _preload()
    url = f"sqlite:///{path}"
    refs = seed(url, cases)
    span = f"{rounds} rounds" if rounds else f"{seconds:.0f} s"
    report = Report(f"multi-process soak, {span}, sqlite: {tui} TUI-like, CLI new/letter, backup, export")
    deadline = time.monotonic() + seconds

    def going(n: int, per_round: int = 1) -> bool:
        return n < rounds * per_round if rounds else time.monotonic() < deadline
    acks: list[dict[str, Any]] = []
    lock = threading.Lock()

    def tui_like(out: Callable[[dict[str, Any]], None], i: int) -> None:
        from dpo_tui.store.queue import QueueQuery, QueueReader, View

        # As the app does: the queue's read connections first, the casework layer opened lazily afterwards.
        reader = QueueReader.open(url)
        reader.page_at(QueueQuery(view=View.ALL), 0, 20)
        work = _work(url, f"tui{i}")
        rng = random.Random(seed_ * 10 + i)
        n = 0
        while going(n, 10):
            n += 1
            rows = reader.page_at(QueueQuery(view=View.ALL), 0, 50)
            reader.data_version()
            mine = [r.ref for r in rows] or refs
            token = f"tui{i}-{n}-{uuid.uuid4().hex[:8]}"
            attempt(out, work, mine, rng, token)
        from dpo_tui.store.database import RETRY_STATS

        out({"kind": "done", "retried": RETRY_STATS.retried})

    children = [spawn(lambda out, i=i: tui_like(out, i)) for i in range(tui)]

    def drain(child: Child) -> None:
        for msg in child.messages():
            with lock:
                _collect(report, msg, acks)

    def failed(what: str, proc: subprocess.CompletedProcess[str]) -> None:
        with lock:
            lines = (proc.stderr or "").strip().splitlines()
            if len(lines) > 1 or "Traceback" in proc.stderr:
                report.unhandled += 1
                report.unhandled_kinds[what] += 1
                report.problems.append(f"{what}: {lines[-1] if lines else proc.returncode}")
            else:
                report.reported_plainly += 1
                report.plain[f"{what}: {lines[-1] if lines else proc.returncode}"] += 1

    def cli_loop(n_: int) -> None:
        n = 0
        while going(n):
            n += 1
            token = f"cli{n_}-{n}-{uuid.uuid4().hex[:8]}"
            proc = _cli(path, "new", "--name", f"Cli Person {n}", "--email", f"cli{n}@example.org", "--rights", "access",
                        "--received", RECEIVED.isoformat(), "--description", token)  # fmt: skip
            if proc.returncode != 0:
                failed("dpo-tui new", proc)
                continue
            ref = proc.stdout.strip()
            with lock:
                acks.append({"kind": "ack", "what": "new", "ref": ref, "token": token})
            proc = _cli(path, "letter", ref, "acknowledgement", "--save", "-o", str(path.parent / f"{ref}-{n_}-{n}.md"))
            if proc.returncode != 0:
                failed("dpo-tui letter --save", proc)
                continue
            with lock:
                acks.append({"kind": "ack", "what": "letter", "ref": ref})
            proc = _cli(path, "cases")
            if proc.returncode != 0:
                failed("dpo-tui cases", proc)

    backups: list[Path] = []

    def backup_loop() -> None:
        n = 0
        while going(n):
            n += 1
            dest = path.parent / f"backup-{n}.db"
            proc = _cli(path, "db", "backup", str(dest))
            if proc.returncode != 0:
                failed("dpo-tui db backup", proc)
            else:
                backups.append(dest)

    def export_loop() -> None:
        n = 0
        while going(n):
            n += 1
            out_dir = path.parent / f"export-{n}"
            proc = _cli(path, "export", *refs[:2], "--format", "json", "-o", str(out_dir))
            if proc.returncode != 0:
                failed("dpo-tui export", proc)

    threads = [threading.Thread(target=drain, args=(c,)) for c in children]
    threads += [threading.Thread(target=cli_loop, args=(0,)), threading.Thread(target=backup_loop), threading.Thread(target=export_loop)]
    _run_then_reap(threads, children, report, "TUI-like")
    verify(url, report, acks)
    bad = [f"{b.name}: {r}" for b in backups if (r := integrity(b)) != "ok"]
    if bad:
        report.half_applied += len(bad)
        report.problems += [f"backup {x}" for x in bad]
    report.title += f"; {len(backups)} backups checked"
    return report


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["writers", "crash", "soak", "all"])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite", help="writers: which database")
    parser.add_argument("--pg", default=os.environ.get("DPO_TUI_TEST_POSTGRES_URL", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0, help="soak: how long")
    args = parser.parse_args(argv)
    reports: list[Report] = []
    with tempfile.TemporaryDirectory(prefix="dpo-stress-") as tmp:
        root = Path(tmp)
        isolate_settings(root)
        if args.mode in ("writers", "all"):
            for which in (["sqlite", "postgresql"] if args.mode == "all" else [args.db]):
                if which == "sqlite":
                    reports.append(run_writers(f"sqlite:///{root / 'writers.db'}", writers=args.writers, edits=args.edits, cases=args.cases))
                else:
                    with pg_database(args.pg) as url:
                        reports.append(run_writers(url, writers=args.writers, edits=args.edits, cases=args.cases))
                reports[-1].print()
        if args.mode in ("crash", "all"):
            reports.append(run_crash_loop(root / "crash.db", kills=args.kills, cases=args.cases))
            reports[-1].print()
        if args.mode in ("soak", "all"):
            soak_dir = root / "soak"
            soak_dir.mkdir()
            reports.append(run_soak(soak_dir / "soak.db", seconds=args.seconds, cases=args.cases))
            reports[-1].print()
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
