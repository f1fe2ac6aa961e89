"""The `dpo-tui` entry point.

Plain `dpo-tui` (optionally with `--db`) is what a DPO types dozens of times a day, and it must paint the queue
near the floor of a bare Textual app: so it goes straight to the queue without importing click (~25 ms).
Every other invocation goes through the click CLI in `dpo_tui.cli`.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dpo_tui.store.early_page import EarlyPage

INTERNAL_ERROR = "internal error in dpo-tui"  # the fuzz test asserts this never appears


def main(argv: list[str] | None = None) -> int | None:
    # Everything this process creates (database, its WAL and SHM side files, exports, letters, backups) holds
    # personal data: make it owner-only from the start rather than chmod-ing after the fact.
    os.umask(0o077)
    args = sys.argv[1:] if argv is None else argv
    db = _plain_queue_db(args)
    if db is not False:
        code = run_queue(db if isinstance(db, str) else os.environ.get("DPO_TUI_DB") or None)
        if argv is None:
            sys.exit(code)
        return code
    from dpo_tui.cli import cli

    try:
        return cli.main(args=args, prog_name="dpo-tui")  # type: ignore[no-any-return]
    except Exception as exc:
        # Expected failures are already one line (dpo_tui.cli.common.one_line_error); this is a bug. Still one
        # line, because a DPO should not get 90 lines of traceback; DPO_TUI_DEBUG=1 shows it for the report.
        if os.environ.get("DPO_TUI_DEBUG"):
            raise
        from dpo_tui.text import clean_line

        print(f"Error: {INTERNAL_ERROR} ({type(exc).__name__}: {clean_line(exc)}); run again with DPO_TUI_DEBUG=1 "
              "for the details to report", file=sys.stderr)
        if argv is None:
            sys.exit(70)
        return 70


def _plain_queue_db(args: list[str]) -> str | None | bool:
    """The --db value when `args` only opens the queue (None: no --db), else False."""
    if not args:
        return None
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > 5:
        return args[0][5:]
    if len(args) == 2 and args[0] == "--db" and not args[1].startswith("-"):
        return args[1]
    return False


SWITCH_INTERVAL_S = 0.0005


def run_queue(db: str | None) -> int:
    """Open the queue on `db` (None: the default database). Errors: one line on stderr, exit status 1."""
    # Start-up allocates ~100,000 objects that all live on (Textual's and the queue's modules, the first page), and
    # the collector would walk them again and again as they arrive: ~13 ms of a ~200 ms first paint. The app
    # turns it back on once the first page is on screen (`DpoApp._first_paint_done`); at the latest, here.
    gc.disable()
    # Textual writes each frame from its writer thread, which needs the GIL the UI thread holds while it goes on
    # with the next layout: with Python's 5 ms switch interval the first frame waited ~4 ms to be written (traced),
    # and a key arriving while a worker runs Python waited as long. 0.5 ms: first paint 1.127-1.141x -> 1.095-1.114x
    # the bare app (1,000 and 1,000,000 cases, 15 alternating starts each).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        return _run_queue(db)
    finally:
        sys.setswitchinterval(interval)
        gc.enable()


def _run_queue(db: str | None) -> int:
    from dpo_tui.text import clean_line
    from dpo_tui.store.urls import DatabaseError, resolve_url

    try:
        url = resolve_url(db)
    except DatabaseError as exc:
        print(f"Error: {clean_line(exc)}", file=sys.stderr)
        return 1
    helper = _read_first_page_ahead(url)  # first: before this process has more memory a fork would share
    from dpo_tui.paths import permission_warning
    from dpo_tui.tui.app import DpoApp  # Textual: ~0.3 s, paid only when the TUI opens; the helper reads meanwhile

    early = helper.result() if helper is not None else None
    if early is not None:
        settings = early.settings
    else:  # no helper, or it could not read them: read here, where an error is reported
        from dpo_tui.settings import SettingsError, load_settings

        try:
            settings = load_settings()
        except SettingsError as exc:
            print(f"Error: {clean_line(exc)}", file=sys.stderr)
            return 1
    app = DpoApp(url, settings, early=early.rows if early is not None else None)
    try:
        app.open_database()
    except Exception as exc:
        message = _open_error(exc)
        if message is None:
            raise
        print(f"Error: {clean_line(message)}", file=sys.stderr)
        return 1
    warning = permission_warning(url)  # after the open succeeded: a failure stays one line
    if warning:
        print(warning, file=sys.stderr)
    if not has_terminal():
        print(f"Error: {NO_TERMINAL}", file=sys.stderr)
        return 1
    app.run()
    return app.return_code or 0


NO_TERMINAL = "the queue needs a terminal (its input and its screen are not one); every other command works without: dpo-tui --help"


def has_terminal() -> bool:
    """Whether the queue can run here: Textual reads the keys from stdin and draws on stderr. Without a terminal it
    wrote its escape codes into a pipe or a log and waited for keys that never came."""
    return bool(sys.__stdin__ and sys.__stdin__.isatty() and sys.__stderr__ and sys.__stderr__.isatty())


def _read_first_page_ahead(url: str) -> EarlyPage | None:
    """A helper process reads the settings and the first page while this one imports Textual (store.early_page)."""
    from dpo_tui.store import early_page

    return early_page.start(url)


def _open_error(exc: Exception) -> str | None:
    """A one-line message for the ways opening a database fails, or None for a real bug. Matched by class."""
    from dpo_tui.store.queue import SchemaMismatch
    from dpo_tui.store.urls import DatabaseError

    if isinstance(exc, (DatabaseError, SchemaMismatch)):
        return str(exc)
    if isinstance(exc, _driver_errors()):
        first = (str(exc).strip().splitlines() or ["unknown error"])[0]
        return f"cannot open the database: {first}"
    return None


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The database layers' own failures to connect or read. Only from modules already loaded: a driver that was
    never imported raised nothing, and importing one here would cost start-up time for an error path."""
    kinds: list[type[BaseException]] = []
    if (sqlite3 := sys.modules.get("sqlite3")) is not None:
        kinds.append(sqlite3.OperationalError)
    if (sa_exc := sys.modules.get("sqlalchemy.exc")) is not None:
        kinds.append(sa_exc.OperationalError)
    if (psycopg := sys.modules.get("psycopg")) is not None:
        kinds.append(psycopg.Error)
    return tuple(kinds)
