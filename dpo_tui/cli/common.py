"""What every database-backed command needs: settings, the database, and errors as one clear line."""

from __future__ import annotations

import errno
import functools
import json
import os
import os.path
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click
import click.exceptions

from dpo_tui.text import clean_line

F = TypeVar("F", bound=Callable[..., Any])


class OneLineError(click.ClickException):
    """What every failure becomes: `Error: ...` as one line on stderr (control characters escaped, so a value the
    user or a requester typed can never forge a second line), then the exit status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(clean_line(message))
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.message}", file=file or sys.stderr)


def _loaded(module: str, name: str) -> type[BaseException] | None:
    """An exception class from a module only if something already imported it (keeps `--help` light)."""
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    return cls if isinstance(cls, type) and issubclass(cls, BaseException) else None


def one_line_error(exc: BaseException, ctx: click.Context | None = None) -> OneLineError | None:
    """The one-line error for an expected failure, or None for a bug (which the entry point reports itself)."""
    from dpo_tui.paths import OutputError, shown

    if isinstance(exc, OneLineError):
        return exc
    if isinstance(exc, click.UsageError):
        cmd = exc.ctx.command_path if exc.ctx is not None else (ctx.command_path if ctx is not None else "dpo-tui")
        no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)  # click >= 8.2: its message is the whole help
        if no_args is not None and isinstance(exc, no_args) and isinstance(getattr(exc.ctx, "command", None), click.Group):
            assert exc.ctx is not None
            names = ", ".join(exc.ctx.command.list_commands(exc.ctx))  # type: ignore[attr-defined]
            return OneLineError(f"name a command: {names} (see '{cmd} --help')", exc.exit_code)
        return OneLineError(f"{exc.format_message()} (see '{cmd} --help')", exc.exit_code)
    if isinstance(exc, click.ClickException):
        return OneLineError(exc.format_message(), exc.exit_code)
    expected = tuple(
        cls
        for cls in (
            OutputError,
            _loaded("dpo_tui.domain.errors", "DomainError"),
            _loaded("dpo_tui.settings", "SettingsError"),
            _loaded("dpo_tui.store.urls", "DatabaseError"),
        )
        if cls is not None
    )
    if isinstance(exc, expected):
        return OneLineError(str(exc))
    sa_error = _loaded("sqlalchemy.exc", "DBAPIError")
    if sa_error is not None and isinstance(exc, sa_error):
        # The driver's message without its SQL and parameters: a read-only or locked file, a dropped connection.
        orig = getattr(exc, "orig", None) or exc
        if str(getattr(orig, "sqlite_errorname", "")).startswith("SQLITE_READONLY"):
            return OneLineError(
                "the database is read-only (file or folder permissions, an immutable file or a read-only mount); "
                "nothing was changed"
            )
        first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
        return OneLineError(f"database error: {first}; nothing was changed")
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:
        where = f"{shown(exc.filename)}: " if exc.filename is not None else ""
        return OneLineError(f"{where}{(exc.strerror or type(exc).__name__).lower()}")
    return None


def clean_errors(fn: F) -> F:
    """Turn every expected failure into one line on stderr and exit 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            converted = one_line_error(exc)
            if converted is None or converted is exc:
                raise
            raise converted from None

    return wrapper  # type: ignore[return-value]


def check_target(ctx: click.Context, path: str, *, force: bool) -> None:
    """`paths.check_output`, and never the case database or its side files (a WAL left by us would be read as
    the database's): replacing the live file under other windows' connections would lose what they write next."""
    from dpo_tui.paths import OutputError, check_output, shown
    from dpo_tui.store.urls import resolve_url

    target = check_output(path, force=force)
    url = resolve_url((ctx.obj or {}).get("db"))
    if not url.startswith("sqlite:///"):
        return
    db = url[len("sqlite:///") :]
    names = {os.path.realpath(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    if os.path.realpath(target) in names or (os.path.exists(target) and os.path.exists(db) and os.path.samefile(db, target)):
        raise OutputError(f"{shown(target)} is the case database (or one of its files); choose another file")


def open_database(ctx: click.Context, *, upgrade: bool = True, create: bool = False) -> Any:
    """The database named by --db / DPO_TUI_DB (or the default); warns once if its file is readable by others.

    Only commands that create databases (`new`, `demo`, `db upgrade`) pass `create`: they say on stderr what they
    created. Every other command refuses a missing database in one line and creates nothing (no file, no folder)."""
    from dpo_tui.paths import permission_warning, shown
    from dpo_tui.store.database import Database

    db = Database.open((ctx.obj or {}).get("db"), upgrade=upgrade, create=create)
    for made in db.created:
        what = "database" if made == db.sqlite_path else "folder"
        click.echo(f"created {what} {shown(made)}" + (" (owner-only)"), err=True)
    warning = permission_warning(db.url)
    if warning:
        add_warning(ctx, warning)
    return db


def add_warning(ctx: click.Context, text: str) -> None:
    """A line for stderr shown when the command has succeeded (LazyGroup.invoke): a failure stays one line."""
    obj = ctx.find_root().ensure_object(dict)
    obj["warning"] = f"{obj['warning']}\n{text}" if obj.get("warning") else text


def open_casework(ctx: click.Context, *, create: bool = False) -> Any:
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings

    settings = load_settings()
    db = open_database(ctx, create=create)
    ctx.call_on_close(db.dispose)
    return Casework(db, settings)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
