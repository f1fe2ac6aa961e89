"""`?`: every key of the screen underneath, read from its live bindings (so a remapped key shows as remapped)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from dpo_tui.tui.base import DpoModal


def screen_bindings(screen: Screen) -> list[tuple[str, Binding]]:  # type: ignore[type-arg]
    """(key display, binding) for every described binding active on `screen`, one row per action."""
    app = screen.app
    seen: dict[tuple[int, str], tuple[list[str], Binding]] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.description or b.system:
            continue
        slot = (id(active.node), b.action)
        display = b.key_display or app.get_key_display(b.with_key(key))
        if slot in seen:
            if display not in seen[slot][0]:
                seen[slot][0].append(display)
            if b.id and not seen[slot][1].id:  # Textual's own ctrl+q and our q: show the id that remaps
                seen[slot] = (seen[slot][0], b)
        else:
            seen[slot] = ([display], b)
    return [(" / ".join(keys), b) for keys, b in seen.values()]


class HelpScreen(DpoModal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
    ]


    def __init__(self, target: Screen) -> None:  # type: ignore[type-arg]
        super().__init__()
        self.target = target
        self.rows = screen_bindings(target)

    def compose(self) -> ComposeResult:
        title = self.target.title or type(self.target).__name__.removesuffix("Screen") or "Screen"
        with VerticalScroll():
            yield Label(Text(f"Keys on this screen: {title}"), id="help-title")
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold", no_wrap=True)
            table.add_column()
            table.add_column(style="dim", no_wrap=True)  # the binding id that [keymap] remaps (README)
            for keys, b in self.rows:
                table.add_row(Text(keys), Text(b.description), Text(b.id or ""))
            yield Static(table, id="help-keys")
            # A Static wraps (a Label cut "by binding id." off at the frame's edge).
            yield Static(
                Text("Remap a key in the settings file under [keymap] by its binding id (the last column): "
                     '"queue.search" = "ctrl+f".', style="dim"),  # fmt: skip
                id="help-remap",
            )

    def action_close(self) -> None:
        self.dismiss(None)
