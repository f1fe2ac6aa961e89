"""Queue speed benchmark (issue 4): run `python benchmarks/queue.py [--sizes 1000,10000,100000] [--runs 5]`.

For each size it creates (once, cached in $TMPDIR/dpo-bench-N.db) a demo database with `dpo_tui.demo.generate`, then:
- first paint: process start → first queue row on screen, for `dpo-tui --db FILE` and for a bare Textual app that
  paints one line (the floor), each run in a pty (120x40) and timed until a marker string reaches the output;
- peak memory: ru_maxrss of that dpo-tui process (it stays up ~1.5 s, long enough to warm the ORM after paint);
- search keystroke → repaint and page-down → repaint p95, in-process with `run_test`: from setting the search
  text (or the page-down action) until the new rows are loaded and every visible line is rendered.
It prints a table and asserts nothing. Targets at 100k: first paint ≤ 1.3× bare, search and page-down < 50 ms p95,
peak memory < 80 MB.
"""

from __future__ import annotations

import os
import sys

# This file is named queue.py: keep its folder off sys.path so `import queue` still finds the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import fcntl  # noqa: E402
import pty  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import tempfile  # noqa: E402
import termios  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("BARE-FLOOR-MARKER")
    def on_key(self, event):
        self.exit()
Bare().run()
"""


def ensure_db(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"dpo-bench-{n}.db"
    if path.exists():
        # A database cached by an older dpo-tui: migrate it now, so no run times a migration.
        from dpo_tui.store.database import Database

        Database.open(f"sqlite:///{path}").dispose()
        return path
    from dpo_tui.demo import generate

    t0 = time.perf_counter()
    partial = path.with_suffix(".partial.db")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    generate(f"sqlite:///{partial}", n, 7, None)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    print(f"  created {path} ({n:,} cases) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def time_to_marker(argv: list[str], marker: bytes, *, linger: float = 0.0, timeout: float = 60.0) -> tuple[float, int]:
    """Seconds from fork to `marker` in the pty output, and the child's peak RSS in KiB."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    elapsed = float("nan")
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen = (seen + chunk)[-8192:]
            if marker in seen:
                elapsed = time.perf_counter() - t0
                break
    # keep draining while lingering (the app warms its ORM after the first paint), then quit
    end = time.perf_counter() + linger
    while time.perf_counter() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
    try:
        os.write(fd, b"q")
    except OSError:
        pass
    rss = 0
    stop = time.perf_counter() + 10
    while time.perf_counter() < stop:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            rss = usage.ru_maxrss
            break
    else:
        os.kill(pid, 9)
        _, _, usage = os.wait4(pid, 0)
        rss = usage.ru_maxrss
    if not rss:
        try:
            _, _, usage = os.wait4(pid, 0)
            rss = usage.ru_maxrss
        except ChildProcessError:
            pass
    os.close(fd)
    return elapsed, rss


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def interaction_latencies(db: Path, today: date) -> tuple[list[float], list[float]]:
    """In-process: from the key's action to every visible line rendered (the terminal write is not included;
    Pilot.press is not used for timing because it waits for the whole process to go idle)."""
    from textual.widgets import Input

    from dpo_tui.settings import load_settings
    from dpo_tui.tui.app import DpoApp
    from dpo_tui.tui.queue_screen import QueueScreen

    app = DpoApp(f"sqlite:///{db}", load_settings(), today=lambda: today)
    search: list[float] = []
    paging: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.table

        def repaint() -> None:
            for y in range(table.size.height):
                table.render_line(y)

        for _ in range(60):
            t0 = time.perf_counter()
            table.action_page_down()
            repaint()
            paging.append(time.perf_counter() - t0)
            await pilot.pause()
        box = screen.query_one("#search", Input)
        await pilot.press("slash")
        for word in ("smith", "ann", "lee", "jones", "mar", "example.org", "DSAR-2026-01", "zzz"):
            for i in range(1, len(word) + 1):
                prefix = word[:i]
                t0 = time.perf_counter()
                box.value = prefix  # what a keystroke does: Input.Changed → search worker → rows replaced
                while table.query_.search != prefix:
                    await asyncio.sleep(0.0005)
                repaint()
                search.append(time.perf_counter() - t0)
            box.value = ""
            while table.query_.search:
                await asyncio.sleep(0.0005)
            await pilot.pause()
    return search, paging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5, help="process starts per measurement (median reported)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    dpo = shutil.which("dpo-tui") or "dpo-tui"
    home = Path(tempfile.mkdtemp(prefix="dpo-bench-home-"))
    os.environ.setdefault("DPO_TUI_CONFIG", str(home / "settings.toml"))
    today = date.today()

    rows = []
    for n in sizes:
        db = ensure_db(n)
        # warm the OS file cache once for each program, then measure
        time_to_marker([sys.executable, "-c", BARE_APP], b"BARE-FLOOR-MARKER")
        time_to_marker([dpo, "--db", str(db)], b"DSAR-")
        bare, ours, rss = [], [], []
        for _ in range(args.runs):
            bare.append(time_to_marker([sys.executable, "-c", BARE_APP], b"BARE-FLOOR-MARKER")[0])
            t, kib = time_to_marker([dpo, "--db", str(db)], b"DSAR-", linger=1.5)
            ours.append(t)
            rss.append(kib)
        search, paging = asyncio.run(interaction_latencies(db, today))
        rows.append(
            (
                n,
                statistics.median(bare),
                statistics.median(ours),
                statistics.median(ours) / statistics.median(bare),
                p95(search) * 1000,
                p95(paging) * 1000,
                statistics.median(rss) / 1024,
            )
        )

    print()
    print(f"{'cases':>8} {'bare s':>8} {'dpo-tui s':>10} {'ratio':>6} {'search p95 ms':>14} {'pgdn p95 ms':>12} {'peak MB (median)':>17}")
    for n, b, o, r, s, p, m in rows:
        print(f"{n:>8,} {b:>8.3f} {o:>10.3f} {r:>6.2f} {s:>14.1f} {p:>12.1f} {m:>17.1f}")
    print("\ntargets at 100k: ratio ≤ 1.30, search and page-down p95 < 50 ms, peak memory < 80 MB")


if __name__ == "__main__":
    main()
