"""`dpo-tui queue` (and plain `dpo-tui`): open the Textual app. Textual is imported here, inside the command."""

from __future__ import annotations

import click


@click.command("queue")
@click.pass_context
def queue(ctx: click.Context) -> None:
    """Open the case queue (the default when no command is given)."""
    from dpo_tui.settings import SettingsError, load_settings
    from dpo_tui.store.urls import resolve_url

    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(f"dpo-tui: {exc}", err=True)
        ctx.exit(1)
    url = resolve_url((ctx.obj or {}).get("db"))

    from dpo_tui.tui.app import DpoApp  # Textual: ~0.3 s, paid only by the commands that need it

    app = DpoApp(url, settings)
    from dpo_tui.store.queue import SchemaMismatch

    try:
        app.open_database()
    except SchemaMismatch as exc:  # pragma: no cover - open_database migrates; this is a safety net
        click.echo(f"dpo-tui: {exc}", err=True)
        ctx.exit(1)
    except Exception as exc:  # DatabaseError (imported lazily with SQLAlchemy): one line, no traceback
        if type(exc).__name__ != "DatabaseError":
            raise
        click.echo(f"dpo-tui: {exc}", err=True)
        ctx.exit(1)
    app.run()
