"""`dpo-tui queue` (and plain `dpo-tui`): open the Textual app."""

from __future__ import annotations

import click


@click.command("queue")
@click.pass_context
def queue(ctx: click.Context) -> None:
    """Open the case queue (the default when no command is given)."""
    from dpo_tui.launch import run_queue

    ctx.exit(run_queue((ctx.obj or {}).get("db")))
