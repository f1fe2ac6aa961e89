"""`dpo-tui demo`: a database full of realistic synthetic cases, then the queue on it."""

from __future__ import annotations

import sys

import click

from dpo_tui.cli.common import clean_errors


@click.command()
@click.option("--cases", "n_cases", type=click.IntRange(min=1, max=1_000_000), default=300, show_default=True, help="How many cases to add.")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed (and same day), same data.")
@click.option("--no-open", is_flag=True, help="Fill the database and exit without opening the queue.")
@click.pass_context
@clean_errors
def demo(ctx: click.Context, n_cases: int, seed: int, no_open: bool) -> None:
    """Fill a database with realistic synthetic cases (every status, right and regime) and open it.

    The demo uses its own file (demo.db in the user data directory) unless `--db` is given on the command
    line: DPO_TUI_DB is ignored here, so demo data never lands in your real case database by accident.
    """
    from click.core import ParameterSource

    from dpo_tui.paths import data_dir
    from dpo_tui.store.urls import resolve_url

    parent = ctx.parent
    explicit = parent is not None and parent.get_parameter_source("db") is ParameterSource.COMMANDLINE
    target = (ctx.obj or {}).get("db") if explicit else str(data_dir() / "demo.db")
    url = resolve_url(target)
    from dpo_tui.demo import generate
    from dpo_tui.store.database import Database

    db = Database.open(url)  # a database that cannot be used fails here, in one line, before the progress bar
    db.dispose()
    from dpo_tui.paths import shown

    for made in db.created:
        click.echo(f"created {'database' if made == db.sqlite_path else 'folder'} {shown(made)} (owner-only)", err=True)

    with click.progressbar(length=n_cases, label="Creating demo cases", file=sys.stderr) as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

        result = generate(url, n_cases, seed, progress)
        bar.update(n_cases - state["done"])
    click.echo(f"{result.stories + result.bulk} demo cases added to {target}", err=True)
    if no_open:
        return
    from dpo_tui.launch import has_terminal

    if not has_terminal():
        click.echo(f"not opening the queue: no terminal here; open it in one with: dpo-tui --db {target}", err=True)
        return
    ctx.obj = {**(ctx.obj or {}), "db": target}
    from dpo_tui.cli.tui_cmd import queue

    ctx.invoke(queue)
