"""The command palette (ctrl+p): every action of the current screen, plus "Go to case …" by reference or name."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from dpo_tui.tui.modals.help import screen_bindings
from dpo_tui.tui.text import clean

if TYPE_CHECKING:
    from dpo_tui.store.queue import QueueRow
    from dpo_tui.tui.app import DpoApp


def _plain(text: str) -> Content:
    # Content(...) never parses markup: a requester called "[bold]x[/]" stays those characters.
    return Content(text)


class DpoCommands(Provider):
    def _actions(self) -> list[tuple[str, str, object]]:
        out = []
        for key, b in screen_bindings(self.screen):
            if b.action == "command_palette":
                continue
            node = next((a.node for a in self.screen.active_bindings.values() if a.binding.action == b.action), self.screen)
            out.append((b.description, key, partial(self.app.run_action, b.action, node)))
        return out

    async def discover(self) -> Hits:
        for description, key, command in self._actions():
            yield DiscoveryHit(_plain(description), command, text=description, help=f"key: {key}")  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, key, command in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), command, text=description, help=f"key: {key}")  # type: ignore[arg-type]
        app = cast("DpoApp", self.app)
        reader = app.reader
        if reader is None or len(query.strip()) < 2:
            return
        rows: list[QueueRow] = await asyncio.to_thread(reader.find, query.strip(), 12)
        for row in rows:
            text = f"Go to case {row.ref} — {clean(row.name)}"
            yield Hit(0.9, _plain(text), partial(app.open_case, row.ref), text=text, help=clean(row.email))
