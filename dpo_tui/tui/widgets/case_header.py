"""The case screen's header, which never scrolls away: reference, status and assignee; requester (or the note that
their personal data was removed); rights; the deadline badge; the legal holds keeping the case."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.formatting import requester_line, right_labels, status_words
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.badge import deadline_badge
from dpo_tui.tui.widgets.case_tabs import LoadedCase

BADGE_LEVELS = ("overdue", "soon", "paused", "ok", "closed")


class CaseHeader(Vertical):
    def __init__(self, ref: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ref = ref

    def compose(self) -> ComposeResult:
        yield Static(literal(f"{self.ref} · loading…"), id="case-title")
        yield Static("", id="case-requester")
        yield Static("", id="case-rights")
        yield Static("", id="case-badge")
        yield Static("", id="case-hold")

    def show_failure(self, error: BaseException) -> None:
        """The case could not be opened: say so where its title would be."""
        self.query_one("#case-title", Static).update(literal(f"{self.ref}: could not open the case"))
        self.query_one("#case-requester", Static).update(literal(str(error)))

    def show(self, case: LoadedCase) -> None:
        d = case.detail
        title = Text()
        title.append(d.ref, style="bold")
        title.append("  ·  ")
        title.append(status_words(d.status))
        title.append("  ·  ")
        if d.assignee:
            title.append("assigned to ")
            title.append_text(literal(d.assignee))
        else:
            title.append("unassigned", style="dim")
        self.query_one("#case-title", Static).update(title)

        rights = Text(right_labels(d.rights))
        if case.purged is not None:
            at, action = case.purged
            who = Text(f"Personal data removed for retention on {fmt(at.date())} ({action or 'purge'})", style="dim")
        else:
            who = requester_line(d.requester, d.agent)
            if d.kind == "complaint":
                rights = Text(f"Complaint about {d.about_ref} ({right_labels(d.rights).lower()} request)", style="bold")
        self.query_one("#case-requester", Static).update(who)
        self.query_one("#case-rights", Static).update(rights)
        self._show_badge(case)
        self._show_holds(case)

    def _show_badge(self, case: LoadedCase) -> None:
        d = case.detail
        badge = deadline_badge(d, case.today)
        text = Text()
        if d.kind == "complaint" and d.is_open and d.deadline.effective_due is None:
            text.append("Acknowledged: the outcome is due without undue delay (no fixed date)", style="bold")
        elif badge.due.startswith("no "):
            text.append(badge.due.capitalize(), style="bold")
        else:
            text.append("Acknowledge by " if d.kind == "complaint" else "Due ", style="bold")
            text.append(badge.due, style="bold")
        if badge.days:
            text.append("  ")
            text.append(badge.days, style=badge.style)
        text.append("  ·  ")
        text.append(badge.clock)
        text.append("   (w: why this date)", style="dim")
        widget = self.query_one("#case-badge", Static)
        widget.update(text)
        for level in BADGE_LEVELS:
            widget.set_class(level == badge.level, f"badge-{level}")

    def _show_holds(self, case: LoadedCase) -> None:
        hold = self.query_one("#case-hold", Static)
        hold.set_class(bool(case.holds), "-held")
        lines = Text()
        for i, h in enumerate(case.holds):
            lines.append("\n" if i else "")
            lines.append("On legal hold: ")
            lines.append_text(literal(h.describe(case.today)))
        if case.holds:
            lines.append("   (H: release)", style="dim")
        hold.update(lines)
