"""The queue's top two lines: the counts (open, overdue, due this week, ...) and the quick views (1-9).

One widget for both lines: each widget on the queue costs ~2 ms of the first paint (measured). Either line is
replaced on its own, and only this widget is repainted (no layout pass).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget


class QueueSummary(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"queue-summary--views"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts = Text()
        self.views = Text()

    def show(self, *, counts: Text | None = None, views: Text | None = None) -> None:
        if counts is not None:
            self.counts = counts
        if views is not None:
            self.views = views
        self.refresh()

    def render(self) -> Text:
        views = Text(no_wrap=True, overflow="ellipsis", end="", style=self.get_component_rich_style("queue-summary--views"))
        views.append_text(self.views)
        return Text("\n", no_wrap=True, overflow="ellipsis", end="").join((self.counts, views))
