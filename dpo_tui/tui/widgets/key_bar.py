"""The key bar at the foot of every screen: the keys the focused widget and its screen offer, in one line.

Textual's Footer mounts a widget per key and recomposes them all whenever the bindings change (every focus
change): on the queue that was ~120 ms of CPU before the first paint (measured: 0.40-0.61 s with it, 0.28-0.35 s
without) and a full relayout on each `/` or escape. This is one widget that re-renders one line of text. Keys are
clickable, like the Footer's: a click presses the key drawn under it (an `@click` span would be drawn in the link
colour, over the key colours).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


_RANKS: dict[type, dict[str, int]] = {}


def _declared_rank(cls: type, binding: Binding) -> int:
    """Where `cls` declares `binding` (by id, else action) among its bindings, its bases' included."""
    ranks = _RANKS.get(cls)
    if ranks is None:
        ranks = {}
        merged = getattr(cls, "_merged_bindings", None)  # Textual's bindings of the class, before any keymap
        for declared in merged.key_to_bindings.values() if merged is not None else ():
            for b in declared:
                ranks.setdefault(b.id or b.action, len(ranks))
        _RANKS[cls] = ranks
    return ranks.get(binding.id or binding.action, len(ranks))


class KeyBar(Widget):
    """One line: ` key description ` for each shown binding (one per action), the command palette's at the end."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, key) as last rendered

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()  # one line: no layout pass

    def _shown(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """Shown bindings, the first of each action, in the screen's order; and the command palette's. Within each
        widget, keys keep the order its class declares them in: Textual moves a key rebound by the settings'
        `[keymap]` to the end, where a narrow bar left it off."""
        seen: set[str] = set()
        keys: list[tuple[int, int, Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        nodes: dict[object, int] = {}
        for key, (node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if self.app.ENABLE_COMMAND_PALETTE and key == self.app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((nodes.setdefault(node, len(nodes)), _declared_rank(type(node), binding), binding, enabled))
        keys.sort(key=lambda item: item[:2])  # stable: equal ranks keep the screen's order
        return [(binding, enabled) for _node, _rank, binding, enabled in keys], palette

    def pieces(self, width: int) -> list[tuple[str, Style]]:
        """The line as (text, style) pieces, `width` cells at most: the keys that fit whole. Records where each key is
        (for clicks)."""
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text_style = self.get_component_rich_style("key-bar--description", partial=True)
        dim = Style(dim=True)
        keys, palette = self._shown()
        spans: list[tuple[int, int, str]] = []
        pieces: list[tuple[str, Style]] = []
        used = 0

        def item(binding: Binding, enabled: bool) -> bool:
            nonlocal used
            key = f" {self.app.get_key_display(binding)} "
            description = f"{binding.description} "
            end = used + cell_len(key) + cell_len(description)
            if end > width:
                return False
            pieces.append((key, key_style if enabled else key_style + dim))
            pieces.append((description, text_style if enabled else text_style + dim))
            spans.append((used, end, binding.key.split(",")[0]))
            used = end
            return True

        for binding, enabled in keys:
            if not item(binding, enabled):
                break  # whole keys only: a narrow terminal shows the first ones (? lists them all)
        if palette is not None:
            tail_width = cell_len(f" {self.app.get_key_display(palette[0])} {palette[0].description} ")
            gap = width - used - tail_width
            if gap >= 1:  # the palette's key sits at the right edge, as in Textual's Footer; dropped when no room
                pieces.append((" " * gap, Style()))
                used += gap
                item(*palette)
        self._spans = spans
        return pieces

    def render_line(self, y: int) -> Strip:
        # Segments straight into the strip: as a Rich Text, Textual converted and wrapped the line at each paint
        # (the bar took ~1.6 ms of the queue's first paint, traced; ~1 ms now, most of it finding the bindings).
        width = self.size.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        return Strip([Segment(text, base + style) for text, style in self.pieces(width)]).extend_cell_length(width, base)

    def on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
