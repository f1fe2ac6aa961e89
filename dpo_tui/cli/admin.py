"""`audit verify`, `db upgrade`, `db backup`, `config`: keeping the record sound."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from dpo_tui.cli.common import check_target, clean_errors, open_database
from dpo_tui.text import clean_line
from dpo_tui.paths import shown


@click.group()
def audit() -> None:
    """Verify the tamper-evident audit trail, or print its anchor (the head, to file elsewhere)."""


@audit.command("verify")
@click.option("--anchor", "anchor", metavar="SEQ:HASH", default=None,
              help="Also prove the trail still contains this head, as printed by `audit anchor` (detects a lost tail or a rewrite).")  # fmt: skip
@click.pass_context
@clean_errors
def audit_verify(ctx: click.Context, anchor: str | None) -> None:
    """Recompute the hash chain; exit 1 naming the first altered, removed or reordered event.

    The chain alone cannot show that its newest events were cut off, or that it was rewritten from scratch:
    compare it with an anchor filed earlier (--anchor) for that."""
    from dpo_tui.store import audit as trail

    wanted = trail.Anchor.parse(anchor) if anchor is not None else None
    result = _verify(ctx, wanted)
    if not result.ok:
        raise click.ClickException(result.describe())
    click.echo(result.describe())


@audit.command("anchor")
@click.pass_context
@clean_errors
def audit_anchor(ctx: click.Context) -> None:
    """Verify the trail, then print its head as SEQ:HASH: file it outside the database (ticket, email, register)
    and later run `audit verify --anchor SEQ:HASH` to prove no event after it was lost or rewritten."""
    result = _verify(ctx, None)
    if not result.ok or result.anchor is None:
        raise click.ClickException(f"{result.describe()}; no anchor printed")
    click.echo(str(result.anchor))
    if sys.stderr.isatty():
        click.echo(f"audit anchor: {result.events} events; check later with: dpo-tui audit verify --anchor {result.anchor}", err=True)


def _verify(ctx: click.Context, anchor: Any) -> Any:
    """One streamed pass over the trail; a progress bar on stderr when it is a terminal (a million events take
    a few seconds), gone before the result is printed."""
    from dpo_tui.store import audit as trail

    db = open_database(ctx)
    try:
        with _progress_bar("verifying audit trail", "events") as progress, db.reader() as s:
            return trail.verify(s, anchor=anchor, progress=progress)
    finally:
        db.dispose()


@contextmanager
def _progress_bar(label: str, unit: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (done/total, rate, time left), only when stderr is a terminal; transient,
    so the result printed after it stands alone. Yields None on a pipe: nothing but the result is written."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn(unit), TaskProgressColumn(), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True, refresh_per_second=10) as bar:
        task = bar.add_task(label, total=None)

        def show(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield show
        bar.refresh()


@click.group()
def db() -> None:
    """Upgrade, back up or secure the case database."""


@db.command("secure")
@click.pass_context
@clean_errors
def db_secure(ctx: click.Context) -> None:
    """Make the SQLite database file (and its WAL/SHM side files) readable by you only (0600)."""
    from dpo_tui.paths import secure_database, shown
    from dpo_tui.store.urls import DatabaseError, resolve_url  # no ORM: a chmod needs no SQLAlchemy

    url = resolve_url((ctx.obj or {}).get("db"))
    if not url.startswith("sqlite:///"):
        raise DatabaseError("db secure applies to SQLite files; on PostgreSQL, access is granted by its roles")
    path = Path(url[len("sqlite:///") :])
    if not path.is_file():
        raise DatabaseError(f"{shown(path)}: no database file there")
    changed = secure_database(path)
    if changed:
        click.echo(f"made owner-only (0600): {', '.join(shown(p) for p in changed)}")
    else:
        click.echo(f"{shown(path)} is already owner-only")


@db.command("upgrade")
@click.pass_context
@clean_errors
def db_upgrade(ctx: click.Context) -> None:
    """Apply schema migrations (the app also does this when it opens a database)."""
    from dpo_tui.store.database import describe

    database = open_database(ctx, upgrade=True, create=True)  # creates a missing database, saying so
    click.echo(f"{describe(database.url)} is at schema {database.revision()}")
    database.dispose()


@db.command("backup")
@click.argument("path", type=str)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.pass_context
@clean_errors
def db_backup(ctx: click.Context, path: str, force: bool) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while the app is open)."""
    from dpo_tui.paths import shown

    check_target(ctx, path, force=force)
    database = open_database(ctx)
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
        from dpo_tui.settings import SettingsError, load_settings

        path = settings_path()
        state = "exists" if path.exists() else "not created yet"
        click.echo(f"settings file: {shown(path)} ({state})")
        try:
            settings = load_settings(path)
        except SettingsError as exc:
            click.echo(f"it has problems: {clean_line(str(exc))}")
            return
        if settings.is_demo:
            click.echo(settings.demo_notice)
        else:
            click.echo(f"organisation: {clean_line(settings.organisation.name)}; DPO {clean_line(settings.organisation.dpo_name)}")


_INIT_TEMPLATE = "settings.template.toml"  # dpo_tui/defaults: commented, the organisation to fill in


@config.command("init")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@clean_errors
def config_init(path: Path | None) -> None:
    """Write a commented settings file to fill in (PATH, default: the settings file's path). Never overwrites."""
    from importlib.resources import files

    from dpo_tui.paths import OutputError, OutputExists, settings_path, write_private

    target = path if path is not None else settings_path()
    text = (files("dpo_tui") / "defaults" / _INIT_TEMPLATE).read_text(encoding="utf-8")
    try:
        written = write_private(target, text)
    except OutputExists:
        raise click.ClickException(f"{shown(target)} already exists; not overwritten (edit it, or move it away first)") from None
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"settings file written: {shown(written)} (owner-only)")
    click.echo("fill in [organisation] (until then the demo organisation is used), then run `dpo-tui config check`")
    if path is not None and Path(path).resolve() != settings_path().resolve():
        click.echo(f"dpo-tui reads {shown(settings_path())}: set DPO_TUI_CONFIG={shown(written)} to use this one")


@config.command("check")
@clean_errors
def config_check() -> None:
    """Validate the settings file, the checklist templates, the regime profiles and the letter templates."""
    from dpo_tui.loaders import check_regimes, check_templates
    from dpo_tui.services.letters import check_letter_templates
    from dpo_tui.settings import SettingsError, defaults, load_settings

    # Every problem in every file is reported, not just the first: the rest are checked even when the settings
    # file itself is broken (against the defaults, in the same folder).
    problems: list[str] = []
    try:
        settings = load_settings()
    except SettingsError as exc:
        problems.extend(exc.problems)  # every problem in the file, not just the first
        settings = defaults()
    user_checklists = settings.config_dir / "checklists"  # optional: the shipped templates apply without it
    problems += check_templates(user_checklists if user_checklists.is_dir() else None)
    regime_problems = check_regimes(settings.config_dir / "regimes")
    problems += regime_problems
    if not regime_problems:  # the sample case needs the regimes
        problems += check_letter_templates(settings)
    if len(problems) == 1:  # the usual case stays one line, like every other failure
        raise click.ClickException(problems[0])
    if problems:
        for p in problems:
            click.echo(clean_line(p), err=True)
        raise click.ClickException(f"{len(problems)} problem(s) found")
    source = settings.path if settings.exists else "defaults (no settings file)"
    click.echo(f"settings OK: {source}; organisation: {settings.organisation.name}")
    if settings.is_demo:
        click.echo(settings.demo_notice)
