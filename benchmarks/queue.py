"""Queue speed as the user sees it (issue 21): `python benchmarks/queue.py [--sizes 1000,100000] [--runs 5]
[--backends sqlite,postgresql] [--in-process]`.

Every figure comes from a real terminal: each program runs in a pseudo-terminal (140x45), keys are written to it as
a terminal sends them, and a key counts as done when the program's output shows its result (escape sequences
stripped, only output written after the key counts):
- first paint: process start until the first case reference (`DSAR-`) is on screen; the floor is a bare Textual
  app painting one Static. A run's figure for each is the median of PAINT_STARTS starts, the two alternating (one
  start of either varies by 5-10% with what else the machine does);
- search keystroke: typing words letter by letter after `/`, until the position line reads "… matching <typed>"
  (so the rows of that search are on screen: they are painted in the same screen update); the floor is a bare app
  whose Input echoes each keystroke into a line ("matching <typed>");
- page-down: until the position line shows the new cursor row, PAGE_DOWNS keys a run (paging back up at the end of
  a short list); the floor is a bare app repainting a full screen of text per key;
- peak memory: VmHWM of the dpo-tui process after all that searching and paging (read from /proc).
dpo-tui and the bare apps alternate start by start for first paint and key by key for the keys (both programs
open side by side; after one unmeasured run of each, which warms the file cache and the database's pages), so a busy
moment of the machine slows both; ratios are per run (p95 of dpo-tui over p95 of the bare app in the same run),
reported as min / median / max over the runs.

dpo-tui reads a copy of `data/settings.example.toml` (every section filled in, as a DPO's own file), so each
start reads and checks a settings file as it does for a real user.

Databases: SQLite files are created once per size with `dpo_tui.demo.generate` and cached in $TMPDIR; a PostgreSQL
database `dpo_bench_<n>` is created on --pg-url's server and dropped at the end (--keep-postgres keeps it).
`--in-process` adds the old in-process figures (action to every visible line rendered, without key handling, the
compositor or the terminal write) as a second table, for profiling only. Asserts nothing.
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
import re  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import tempfile  # noqa: E402
import termios  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

COLS, ROWS = 140, 45
SETTINGS_EXAMPLE = Path(_HERE).parent / "data" / "settings.example.toml"  # every section filled in
WORDS = ("smith", "ann", "zq", "lee", "jones", "mar", "xq", "example.org", "dsar-2026-01", "zzz")
# A p95 of 30 keys is the second slowest: one stray scheduler pause in either program moved a run's ratio from 0.65x
# to 1.75x with the same code (SQLite 100,000 cases, both programs at a 4-7 ms p95). Of 100 keys it is the sixth
# slowest; each program's keys take ~3 s more a run.
PAGE_DOWNS = 100
PGDN = b"\x1b[6~"
PGUP = b"\x1b[5~"
CLEAR_INPUT = b"\x15"  # ctrl+u: delete to the start of the input

BARE_PAINT = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("BARE-FLOOR-MARKER")
    def on_key(self, event):
        self.exit()
Bare().run()
"""

# The floor for keys: an Input that echoes each keystroke into a line, and a full-screen widget that repaints all
# its lines (with a page number) on page-down. Nothing else.
BARE_KEYS = """
from textual.app import App
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static
from rich.segment import Segment

class Rows(Widget, can_focus=True):
    BINDINGS = [Binding("pagedown", "page", ""), Binding("pageup", "page", "")]
    page = 0
    def render_line(self, y):
        text = f"  BARE-{self.page * 100 + y:07d}  row {y} of page {self.page}  " + "x" * 80
        return Strip([Segment(text[: self.size.width].ljust(self.size.width))], self.size.width)
    def action_page(self):
        self.page += 1
        self.refresh()
        self.app.query_one("#pos", Static).update(f"{self.page + 1} of 999 in pages", layout=False)

class Bare(App):
    AUTO_FOCUS = "Rows"
    CSS = "Rows { height: 1fr; } #pos { height: 1; } Input { height: 3; }"
    BINDINGS = [Binding("slash", "search", ""), Binding("q", "quit", "")]
    def compose(self):
        yield Input(id="box")
        yield Rows()
        yield Static("1 of 999 in pages", id="pos")
    def on_mount(self):
        self.query_one(Rows).focus()
    def action_search(self):
        self.query_one(Input).focus()
    def on_input_changed(self, event):
        self.query_one("#pos", Static).update(f"1 of 999 in pages matching {event.value}", layout=False)
Bare().run()
"""

_ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)")


def _plain(data: bytes) -> str:
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


class Term:
    """A program in a pseudo-terminal: write keys, wait for text on screen."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.environ["TERM"] = "xterm-256color"
            os.environ.pop("TEXTUAL", None)
            os.environ.update(env or {})
            os.execvp(argv[0], argv)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pid, self.fd = pid, fd
        self.seen = b""

    def send(self, keys: bytes) -> float:
        self.seen = b""
        t = time.perf_counter()
        os.write(self.fd, keys)
        return t

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 30.0) -> tuple[float, re.Match[str] | None]:
        """Seconds (perf_counter) when output written since the last `send` first matches `pattern`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk
            m = pattern.search(_plain(self.seen[-65536:]))
            if m:
                return time.perf_counter(), m
        return float("nan"), None

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                try:
                    if not os.read(self.fd, 1 << 16):
                        return
                except OSError:
                    return

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until the program stops using CPU (dpo-tui imports its ORM in a thread after the first paint,
        ~0.7 s of CPU holding the GIL; keys pressed meanwhile measure that import, not the queue)."""

        def cpu() -> float:
            try:
                fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                return 0.0

        end = time.perf_counter() + timeout
        before = cpu()
        while time.perf_counter() < end:
            self.drain(0.25)
            now = cpu()
            if now - before < 0.02:
                return
            before = now

    def vm_hwm_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        stop = time.perf_counter() + 5
        while time.perf_counter() < stop:
            self.drain(0.05)
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def first_paint(argv: list[str], marker: str, env: dict[str, str] | None = None) -> float:
    term = Term(argv, env)
    t, _ = term.wait_for(re.compile(re.escape(marker)))
    term.close()
    return t - term.t0


# One start of either app varies by 5-10% with what else the machine does; with five starts a run's ratio still
# moved by +-0.05 from run to run on the 2-core machine, with nine by about half that.
PAINT_STARTS = 9


def paint_pair(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(bare, dpo-tui) first paint: the median of PAINT_STARTS starts of each, alternating."""
    bare, ours = [], []
    for _ in range(PAINT_STARTS):
        bare.append(first_paint([sys.executable, "-c", BARE_PAINT], "BARE-FLOOR-MARKER"))
        ours.append(first_paint(argv, "DSAR-", env))
    return statistics.median(bare), statistics.median(ours)


@dataclass
class KeyRun:
    search: list[float] = field(default_factory=list)
    short: list[float] = field(default_factory=list)  # 1-2 character terms
    page: list[float] = field(default_factory=list)
    hwm_mb: float = float("nan")


_POSITION = re.compile(r"([\d,]+) of ([\d,]+)\+? in ")


class Keys:
    """One program in a pseudo-terminal, driven key by key; each key's time until its result is on screen."""

    def __init__(self, argv: list[str], env: dict[str, str] | None, rows_marker: str) -> None:
        self.run = KeyRun()
        self.term = Term(argv, env)
        self.term.wait_for(re.compile(re.escape(rows_marker)))
        self.last, self.total, self.down = 1, None, True

    def page(self) -> None:
        """Page down (up at the end of a short list) until the position line shows the new cursor row."""
        term = self.term
        if self.total is not None and self.last >= self.total:
            self.down = False  # at the end of a short list: page back up (same work, other direction)
        elif self.last <= 1:
            self.down = True
        t0 = term.send(PGDN if self.down else PGUP)
        deadline = time.perf_counter() + 10
        t = float("nan")
        while time.perf_counter() < deadline:
            t1, m = term.wait_for(_POSITION, timeout=deadline - time.perf_counter())
            if m is None:
                break
            # the newest position line in the output decides
            number_text, total_text = _POSITION.findall(_plain(term.seen))[-1]
            number, self.total = int(number_text.replace(",", "")), int(total_text.replace(",", ""))
            if number != self.last:
                self.last, t = number, t1
                break
        self.run.page.append(t - t0)
        term.drain(0.03)

    def open_search(self) -> None:
        self.term.send(b"/")
        self.term.drain(0.3)

    def type(self, typed: str) -> None:
        """Type the last letter of `typed`, until the position line reads "… matching <typed>"."""
        t0 = self.term.send(typed[-1].encode())
        shown = re.compile(r"(?:[\d,]+ of [\d,]+\+?|no cases) in [^\n]*?matching " + re.escape(typed) + r"(?![\w.@-])")
        t1, _ = self.term.wait_for(shown)
        (self.run.short if len(typed) <= 2 else self.run.search).append(t1 - t0)
        self.term.drain(0.03)

    def end_word(self) -> None:
        self.term.drain(0.3)  # typing pauses: the exact count runs
        self.term.send(CLEAR_INPUT)
        self.term.drain(0.3)

    def close(self) -> KeyRun:
        self.run.hwm_mb = self.term.vm_hwm_mb()
        self.term.close()
        return self.run


def drive_keys(programs: list[tuple[list[str], dict[str, str] | None, str]]) -> list[KeyRun]:
    """(argv, env, marker of the first rows) each: page down PAGE_DOWNS times, then type WORDS letter by letter
    (clearing between words), in each program in turn, key by key. A busy moment of the machine (it varies from one
    second to the next) then slows all of them alike: driven one after the other, ~15 s each, a run's ratio compared
    two different moments, and the bare app's own page-down p95 moved from 4 to 7 ms between runs."""
    drivers: list[Keys] = []
    try:
        for argv, env, marker in programs:
            drivers.append(Keys(argv, env, marker))
        for d in drivers:
            d.term.settle()  # let the work after the first paint (counts, summary, the ORM import) finish
        for _ in range(PAGE_DOWNS):
            for d in drivers:
                d.page()
        for d in drivers:
            d.open_search()
        for word in WORDS:
            for i in range(1, len(word) + 1):
                for d in drivers:
                    d.type(word[:i])
            for d in drivers:
                d.end_word()
        runs = []
        while drivers:
            runs.append(drivers[0].close())
            drivers.pop(0)
        return runs
    finally:
        for d in drivers:  # left open by an error
            d.term.close()


def p95(values: list[float]) -> float:
    ordered = sorted(v for v in values if v == v)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def spread(values: list[float], scale: float = 1.0, fmt: str = "{:.0f}") -> str:
    vals = [v * scale for v in values if v == v]
    if not vals:
        return "n/a"
    return "/".join(fmt.format(v) for v in (min(vals), statistics.median(vals), max(vals)))


# ---- databases -----------------------------------------------------------------------------------------------------


def ensure_sqlite(n: int, today: date) -> str:
    path = Path(tempfile.gettempdir()) / f"dpo-bench-{n}.db"
    if path.exists():
        from dpo_tui.store.database import Database

        Database.open(f"sqlite:///{path}").dispose()  # migrate a file cached by an older dpo-tui, outside the clock
        return f"sqlite:///{path}"
    from dpo_tui.demo.generate import generate

    t0 = time.perf_counter()
    partial = path.with_suffix(".partial.db")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    generate(f"sqlite:///{partial}", n, 7, None, today=today)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    print(f"  created {path} ({n:,} cases) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return f"sqlite:///{path}"


def ensure_postgres(server: str, n: int, today: date) -> str:
    """`dpo_bench_<n>` on the server, generated under another name first so a stopped run leaves nothing usable."""
    import psycopg

    name = f"dpo_bench_{n}"
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_partial" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}_partial"')
    if not exists:
        from dpo_tui.demo.generate import generate

        t0 = time.perf_counter()
        generate(f"{base}/{name}_partial", n, 7, None, today=today)
        with psycopg.connect(f"{base}/{name}_partial", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load: index-only counts
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"')
        print(f"  created {name} ({n:,} cases) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return f"{base}/{name}"


def drop_postgres(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


# ---- in-process figures (profiling aid) --------------------------------------------------------------------------


async def in_process(url: str, today: date) -> tuple[list[float], list[float]]:
    """From the action to every visible line rendered: leaves out key handling, the compositor and the terminal."""
    from textual.widgets import Input

    from dpo_tui.settings import load_settings
    from dpo_tui.tui.app import DpoApp
    from dpo_tui.tui.screens.queue import QueueScreen

    app = DpoApp(url, load_settings(), today=lambda: today)
    search: list[float] = []
    paging: list[float] = []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.table

        def repaint() -> None:
            for y in range(table.size.height):
                table.render_line(y)

        for _ in range(PAGE_DOWNS):
            t0 = time.perf_counter()
            table.action_page_down()
            repaint()
            paging.append(time.perf_counter() - t0)
            await pilot.pause()
        box = screen.query_one("#search", Input)
        await pilot.press("slash")
        for word in WORDS:
            for i in range(1, len(word) + 1):
                prefix = word[:i]
                t0 = time.perf_counter()
                box.value = prefix
                while table.query_.search != prefix:
                    await asyncio.sleep(0.0005)
                repaint()
                search.append(time.perf_counter() - t0)
            box.value = ""
            while table.query_.search:
                await asyncio.sleep(0.0005)
            await pilot.pause()
    return search, paging


# ---- main ----------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=5, help="runs per size and backend (each: bare apps, then dpo-tui)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("DPO_TUI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep-postgres", action="store_true", help="keep the dpo_bench_<n> databases for the next run")
    parser.add_argument("--in-process", action="store_true", help="also print the in-process figures (profiling)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    # The dpo-tui of the interpreter running the benchmark (a venv not on PATH would otherwise find none, or another).
    beside = Path(sys.executable).with_name("dpo-tui")
    dpo = str(beside) if beside.exists() else shutil.which("dpo-tui") or "dpo-tui"
    home = Path(tempfile.mkdtemp(prefix="dpo-bench-home-"))
    # A DPO's settings file, not none: reading and checking one is part of every start (~5 ms of it, measured).
    shutil.copyfile(SETTINGS_EXAMPLE, home / "settings.toml")
    env = {"DPO_TUI_CONFIG": str(home / "settings.toml")}
    os.environ.update(env)
    today = date.today()

    table = []
    inproc = []
    made_pg: list[str] = []
    try:
        for backend in backends:
            for n in sizes:
                url = ensure_sqlite(n, today) if backend == "sqlite" else ensure_postgres(args.pg_url, n, today)
                if backend != "sqlite":
                    made_pg.append(url)
                argv = [dpo, "--db", url]
                # Warm the OS file cache once for each program, and the database's pages with one unmeasured key
                # run: the first run of a size otherwise read its search indexes from disk (this VM's DAMON reclaim
                # pages out file pages idle for a minute), and its search p95 was 3-4x the next runs'.
                first_paint([sys.executable, "-c", BARE_PAINT], "BARE-FLOOR-MARKER")
                first_paint(argv, "DSAR-", env)
                keys = [([sys.executable, "-c", BARE_KEYS], None, "BARE-0000000"), (argv, env, "DSAR-")]
                drive_keys(keys)
                paint_ratio, bare_paint, ours_paint = [], [], []
                search_ratio, page_ratio, short_ratio = [], [], []
                bare_search, bare_page, ours_search, ours_short, ours_page, hwm = [], [], [], [], [], []
                for _ in range(args.runs):
                    b, o = paint_pair(argv, env)
                    bare_paint.append(b)
                    ours_paint.append(o)
                    paint_ratio.append(o / b)
                    bare, ours = drive_keys(keys)
                    bare_keys = bare.search + bare.short
                    bare_search.append(p95(bare_keys))
                    bare_page.append(p95(bare.page))
                    ours_search.append(p95(ours.search))
                    ours_short.append(p95(ours.short))
                    ours_page.append(p95(ours.page))
                    search_ratio.append(p95(ours.search) / p95(bare_keys))
                    short_ratio.append(p95(ours.short) / p95(bare_keys))
                    page_ratio.append(p95(ours.page) / p95(bare.page))
                    hwm.append(ours.hwm_mb)
                    print(
                        f"  {backend} {n:,}: paint {o:.3f}/{b:.3f} s, search p95 {p95(ours.search) * 1000:.0f} ms "
                        f"(1-2 chars {p95(ours.short) * 1000:.0f}) / echo {p95(bare_keys) * 1000:.0f} ms, page-down p95 "
                        f"{p95(ours.page) * 1000:.0f} / repaint {p95(bare.page) * 1000:.0f} ms, VmHWM {ours.hwm_mb:.0f} MB",
                        file=sys.stderr,
                    )
                table.append((backend, n, bare_paint, ours_paint, paint_ratio, bare_search, ours_search, ours_short,
                              search_ratio, short_ratio, bare_page, ours_page, page_ratio, hwm))  # fmt: skip
                if args.in_process:
                    s, p = asyncio.run(in_process(url, today))
                    inproc.append((backend, n, p95(s), p95(p)))
    finally:
        if not args.keep_postgres:
            for url in made_pg:
                drop_postgres(args.pg_url, url)

    print(f"\nMeasured in a pseudo-terminal {COLS}x{ROWS}, key to result on screen; min/median/max over {args.runs} runs.")
    print(f"Ratios are dpo-tui / bare Textual app in the same run (first paint: one Static, the median of {PAINT_STARTS}")
    print("starts of each; search: an Input that echoes; page-down: a full-screen repaint). Search p95 is over 3+")
    print("character prefixes; 1-2 characters apart.\n")
    head = (
        f"{'backend':<10} {'cases':>9} | {'paint s ours':>16} {'bare':>16} {'ratio':>15} | {'search p95 ms':>13} "
        f"{'1-2 ch':>11} {'echo':>9} {'ratio':>15} {'1-2 ratio':>15} | {'pgdn p95 ms':>11} {'repaint':>9} "
        f"{'ratio':>15} | {'VmHWM MB':>11}"
    )
    print(head)
    print("-" * len(head))
    for (backend, n, bp, op, pr, bs, os_, osh, sr, shr, bpg, opg, pgr, hwm) in table:
        print(
            f"{backend:<10} {n:>9,} | {spread(op, 1, '{:.3f}'):>16} {spread(bp, 1, '{:.3f}'):>16} {spread(pr, 1, '{:.2f}'):>15} | "
            f"{spread(os_, 1000):>13} {spread(osh, 1000):>11} {spread(bs, 1000):>9} {spread(sr, 1, '{:.2f}'):>15} "
            f"{spread(shr, 1, '{:.2f}'):>15} | {spread(opg, 1000):>11} {spread(bpg, 1000):>9} {spread(pgr, 1, '{:.2f}'):>15} | "
            f"{spread(hwm):>11}"
        )
    print("\ntargets (issue 21): first paint <= 1.15x bare on SQLite in every run (<= 1.3x PostgreSQL); search p95")
    print("<= 1.3x the echo app; page-down p95 <= 1.5x the repaint app; VmHWM < 60 MB")
    if inproc:
        print("\nIn-process figures (profiling only: action to lines rendered, no key handling, compositor or terminal):")
        print(f"{'backend':<10} {'cases':>9} {'search p95 ms':>14} {'pgdn p95 ms':>12}")
        for backend, n, s, p in inproc:
            print(f"{backend:<10} {n:>9,} {s * 1000:>14.1f} {p * 1000:>12.1f}")


if __name__ == "__main__":
    main()
