"""`audit verify` speed (issues 13 and 21): `python benchmarks/audit.py [--events 100000 1000000] [--runs 3]`.

For each size it builds once (cached in $TMPDIR/dpo-audit-bench-N.db) an SQLite database whose trail holds N events
written by the current formula (version 2, payloads of a typical size), plus, when `--legacy` is given, a copy whose
events were written by the first release's formula (version 1, also checked against a case table of N/10 cases).
It then times, min/median/max over `--runs`:
- `verify()` in process (the streamed pass alone);
- `dpo-tui audit verify` as a user runs it (process start, open, verify, exit), progress line off (stderr not a TTY);
and prints the peak memory of the CLI run (ru_maxrss of the child). It asserts nothing. Target: < 10 s at 1,000,000.
PostgreSQL: add `--postgres URL` (a server where it may create and drop a database).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

BATCH = 20_000


def _fill(url: str, n: int, *, legacy: bool) -> None:
    """N chained events appended in bulk (the same rows `audit.append` writes, without a transaction per event)."""
    from sqlalchemy import insert

    from dpo_tui.store import audit
    from dpo_tui.store.database import Database
    from dpo_tui.store.models import AuditEvent, AuditHead, Case

    db = Database.open(url)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    prev, seq = audit.GENESIS, 0
    with db.write() as s:
        if legacy:  # cases for the version 1 case-id cross-check (one case per ten events)
            s.connection().execute(insert(Case.__table__), [_case(i) for i in range(1, n // 10 + 2)])  # type: ignore[attr-defined]
        while seq < n:
            rows = []
            for _ in range(min(BATCH, n - seq)):
                seq += 1
                case = seq // 10 + 1
                ref = f"DSAR-2026-{case:06d}"
                at = start + timedelta(seconds=seq * 7, microseconds=seq % 1_000_000)
                payload = audit.canonical({"rights": "access,erasure", "status": "in_progress", "from": "awaiting_id",
                                           "note": f"Called the requester about item {seq}; scope agreed by email."})  # fmt: skip
                if legacy:
                    digest = audit.content_digest(seq, at, "Alice Smith", "case.status_changed", ref, payload)
                    row = dict(seq=seq, case_id=case, case_ref=ref, at=at, actor="Alice Smith", actor_name=None,
                               kind="case.status_changed", payload=payload, payload_digest=None, digest=digest,
                               prev_hash=prev, hash=audit.chain_hash(prev, digest), purged=False, hash_version=1)  # fmt: skip
                else:
                    row = audit.event_row(seq=seq, prev_hash=prev, at=at, actor="alice", actor_name="Alice Smith",
                                          kind="case.status_changed", payload=payload, case_id=case, case_ref=ref)  # fmt: skip
                prev = row["hash"]
                rows.append(row)
            s.connection().execute(insert(AuditEvent.__table__), rows)  # type: ignore[attr-defined]
            print(f"\r  building {seq:,}/{n:,}", end="", file=sys.stderr)
        s.merge(AuditHead(id=1, seq=seq, hash=prev))
    print(file=sys.stderr)
    db.dispose()


def _case(i: int) -> dict[str, object]:
    return {"id": i, "ref": f"DSAR-2026-{i:06d}", "regime": "uk-gdpr", "country": "GB", "channel": "email",
            "received": date(2026, 1, 5), "status": "in_progress", "rights": "access", "requester_name": "A",
            "requester_email": "a@example.org", "email_norm": "a@example.org", "identity": {}, "decision": {}}  # fmt: skip


def ensure_db(n: int, legacy: bool) -> Path:
    path = Path(tempfile.gettempdir()) / f"dpo-audit-bench-{n}{'-v1' if legacy else ''}.db"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.partial.db")
        t0 = time.perf_counter()
        _fill(f"sqlite:///{partial}", n, legacy=legacy)
        partial.rename(path)
        print(f"  built {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def time_in_process(url: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `verify()` (CPU is the fair figure on a shared machine)."""
    from dpo_tui.store import audit
    from dpo_tui.store.database import Database

    db = Database.open(url)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        with db.reader() as s:
            result = audit.verify(s)
        return time.perf_counter() - t0, time.process_time() - c0, result.describe()
    finally:
        db.dispose()


# The command as `dpo-tui audit verify` runs it, reporting its own peak memory (VmHWM) on exit.
_CLI = (
    "import atexit, sys\n"
    "def hwm():\n"
    "    line = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
    "    sys.stderr.write('VMHWM ' + line.split()[1] + '\\n')\n"
    "atexit.register(hwm)\n"
    "sys.argv = ['dpo-tui', 'audit', 'verify']\n"
    "from dpo_tui.launch import main\n"
    "sys.exit(main())\n"
)


def time_cli(url: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of `dpo-tui audit verify` (the child process), and its peak memory in kB."""
    env = {**os.environ, "DPO_TUI_DB": url}
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CLI], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"audit verify failed: {done.stderr.strip()}")
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    hwm = int(done.stderr.split("VMHWM ")[1].split()[0])
    return elapsed, cpu, hwm


def _pg_copy(server: str, path: Path) -> tuple[str, str]:
    """A PostgreSQL database holding the same trail, built by reading the SQLite one."""
    import psycopg

    name = f"dpo_audit_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{server.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    from dpo_tui.store.database import Database

    Database.open(url).dispose()  # schema
    src = __import__("sqlite3").connect(path)
    cols = "seq, case_id, case_ref, at, actor, actor_name, kind, payload, payload_digest, digest, prev_hash, hash, purged, hash_version"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        # The synthetic actor is not this login: skip the actor trigger for the bulk copy (needs a superuser).
        conn.execute("SET session_replication_role = replica")
        with conn.cursor().copy(f"COPY audit_events ({cols}) FROM STDIN") as copy:
            for row in src.execute(f"SELECT {cols} FROM audit_events ORDER BY id"):
                row = list(row)
                row[3] = row[3] + "+00"
                row[12] = bool(row[12])
                copy.write_row(row)
        seq, hash_ = src.execute("SELECT seq, hash FROM audit_head").fetchone()
        conn.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, %s, %s)", (seq, hash_))
    return url, name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--legacy", action="store_true", help="also time a trail written by the version 1 formula")
    ap.add_argument("--postgres", default=None, help="server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; seconds as min/median/max of {args.runs} runs")
    print(f"{'trail':<24}{'events':>10}  {'verify() wall':<18}{'verify() CPU':<18}{'CLI wall':<18}{'CLI CPU':<18}{'CLI peak MB':>11}")
    for n in args.events:
        for legacy in ([False, True] if args.legacy else [False]):
            path = ensure_db(n, legacy)
            targets = [("SQLite " + ("v1 (first release)" if legacy else "v2"), f"sqlite:///{path}", None)]
            if args.postgres:
                url, name = _pg_copy(args.postgres, path)
                targets.append(("PostgreSQL " + ("v1" if legacy else "v2"), url, name))
            for label, url, pg_name in targets:
                inproc = [time_in_process(url) for _ in range(args.runs)]
                cli = [time_cli(url) for _ in range(args.runs)]
                peak = max(m for *_, m in cli) / 1024

                def fmt(xs: list[float]) -> str:
                    return f"{min(xs):.2f}/{statistics.median(xs):.2f}/{max(xs):.2f}"

                print(
                    f"{label:<24}{n:>10,}  {fmt([w for w, _, _ in inproc]):<18}{fmt([c for _, c, _ in inproc]):<18}"
                    f"{fmt([w for w, _, _ in cli]):<18}{fmt([c for _, c, _ in cli]):<18}{peak:>11.0f}",
                    flush=True,
                )
                if pg_name:
                    import psycopg

                    with psycopg.connect(args.postgres, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
