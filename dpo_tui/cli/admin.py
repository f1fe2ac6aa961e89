"""`audit verify`, `db upgrade`, `db backup`, `config`: keeping the record sound."""

from __future__ import annotations

from pathlib import Path

import click

from dpo_tui.cli.common import clean_errors


@click.group()
def audit() -> None:
    """Verify the tamper-evident audit trail."""


@audit.command("verify")
@click.pass_context
@clean_errors
def audit_verify(ctx: click.Context) -> None:
    """Recompute the hash chain; exit 1 naming the first altered, removed or reordered event."""
    from dpo_tui.store import audit as trail
    from dpo_tui.store.database import Database

    db = Database.open((ctx.obj or {}).get("db"))
    try:
        with db.reader() as s:
            result = trail.verify(s)
    finally:
        db.dispose()
    if not result.ok:
        raise click.ClickException(result.describe())
    click.echo(result.describe())


@click.group()
def db() -> None:
    """Upgrade or back up the case database."""


@db.command("upgrade")
@click.pass_context
@clean_errors
def db_upgrade(ctx: click.Context) -> None:
    """Apply schema migrations (the app also does this when it opens a database)."""
    from dpo_tui.store.database import Database, describe

    database = Database.open((ctx.obj or {}).get("db"), upgrade=True)
    click.echo(f"{describe(database.url)} is at schema {database.revision()}")
    database.dispose()


@db.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.pass_context
@clean_errors
def db_backup(ctx: click.Context, path: Path, force: bool) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while the app is open)."""
    from dpo_tui.paths import check_output, shown
    from dpo_tui.store.database import Database

    check_output(path, force=force)
    database = Database.open((ctx.obj or {}).get("db"))
    try:
        out = database.backup(path, force=force)
    finally:
        database.dispose()
    click.echo(f"backup written to {shown(out)} (owner-only)")


@click.group(invoke_without_command=True)
@click.pass_context
def config(ctx: click.Context) -> None:
    """Show the settings file path, or check the settings (`config check`)."""
    if ctx.invoked_subcommand is None:
        from dpo_tui.paths import settings_path

        path = settings_path()
        state = "exists" if path.exists() else "not created yet: the demo organisation's defaults apply"
        click.echo(f"settings file: {path} ({state})")
        click.echo("example: data/settings.example.toml in the source tree; copy it there and edit")


@config.command("check")
@clean_errors
def config_check() -> None:
    """Validate the settings file, the checklist templates and the regime profiles."""
    from dpo_tui.settings import load_settings

    settings = load_settings()
    problems: list[str] = []
    from dpo_tui.domain.checklist import check_templates
    from dpo_tui.domain.regimes import load_regimes
    from dpo_tui.domain.errors import InvalidInput

    user_checklists = settings.config_dir / "checklists"  # optional: the shipped templates apply without it
    problems += check_templates(user_checklists if user_checklists.is_dir() else None)
    try:
        load_regimes(settings.config_dir / "regimes")
    except InvalidInput as exc:
        problems.append(str(exc))
    if problems:
        for p in problems:
            click.echo(p, err=True)
        raise click.ClickException(f"{len(problems)} problem(s) found")
    source = settings.path if settings.exists else "defaults (no settings file)"
    click.echo(f"settings OK: {source}; organisation: {settings.organisation.name}")
