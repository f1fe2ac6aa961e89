"""What every database-backed command needs: settings, the database, and errors as one clear line."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        # A ClickException, not BadParameter: one line on stderr, without the usage block.
        raise click.ClickException(f"{field}: '{value}' is not a date (use YYYY-MM-DD)") from None


def clean_errors(fn: F) -> F:
    """Turn every expected failure into one line on stderr and exit 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dpo_tui.domain.errors import DomainError
        from dpo_tui.settings import SettingsError
        from dpo_tui.store.database import DatabaseError

        try:
            return fn(*args, **kwargs)
        except (DomainError, SettingsError, DatabaseError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def open_casework(ctx: click.Context) -> Any:
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    settings = load_settings()
    db = Database.open((ctx.obj or {}).get("db"))
    ctx.call_on_close(db.dispose)
    return Casework(db, settings)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
