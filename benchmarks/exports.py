"""Export speed benchmark (issue 8): `python benchmarks/exports.py [--cases 100000] [--summaries 1000]`.

Uses (or creates once, cached in $TMPDIR/dpo-bench-N.db, shared with benchmarks/queue.py) a demo database made by
`dpo_tui.demo.generate`, then times:
- the register of every case as CSV and as JSON (streamed from plain SQL), target < 3 s at 100,000 cases;
- the report figures (`dpo-tui report`);
- exporting `--summaries` case summaries in each of md, html and json (one audit-chain verification per export run).
It prints a table and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]


def ensure_db(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"dpo-bench-{n}.db"
    if path.exists():
        return path
    from dpo_tui.demo import generate

    t0 = time.perf_counter()
    partial = path.with_suffix(f".exports-{os.getpid()}.partial.db")

    def progress(done: int, total: int) -> None:
        print(f"\r  generating {done:,}/{total:,}", end="", file=sys.stderr)

    generate(f"sqlite:///{partial}", n, 7, progress)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        partial.rename(path)
    else:
        partial.unlink()
    print(f"\n  created {path} ({n:,} cases) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--summaries", type=int, default=1_000)
    args = parser.parse_args()

    os.environ.setdefault("DPO_TUI_CONFIG", str(Path(tempfile.mkdtemp(prefix="dpo-bench-cfg-")) / "settings.toml"))
    db_path = ensure_db(args.cases)

    from sqlmodel import select

    from dpo_tui.exports.case_summary import export_cases
    from dpo_tui.exports.register import build_report, write_register
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database
    from dpo_tui.store.models import Case

    db = Database.open(f"sqlite:///{db_path}")
    work = Casework(db, load_settings(), today=date.today)
    out = Path(tempfile.mkdtemp(prefix="dpo-bench-exports-"))
    rows: list[tuple[str, float, str]] = []
    try:
        for fmt in ("csv", "json"):
            t0 = time.perf_counter()
            n = write_register(db, out / f"register.{fmt}", fmt, today=work.today())
            rows.append((f"register {fmt} ({n:,} cases)", time.perf_counter() - t0, "target < 3 s"))
        t0 = time.perf_counter()
        rep = build_report(db, today=work.today())
        rows.append((f"report ({rep.total:,} cases)", time.perf_counter() - t0, ""))
        with db.reader() as s:
            refs = list(s.exec(select(Case.ref).order_by(Case.id).limit(args.summaries)))
        for fmt in ("md", "html", "json"):
            t0 = time.perf_counter()
            paths = export_cases(work, refs, fmt, out / fmt)
            dt = time.perf_counter() - t0
            rows.append((f"export {len(paths):,} summaries {fmt}", dt, f"{dt / max(1, len(paths)) * 1000:.1f} ms/case"))
    finally:
        db.dispose()
        shutil.rmtree(out, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  note")
    for what, secs, note in rows:
        print(f"{what:<{width}}  {secs:>8.2f}  {note}")


if __name__ == "__main__":
    main()
