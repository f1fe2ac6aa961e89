"""The dashboard (`d` from the queue): what needs attention, share answered on time, days to respond, requests by
right and by month, extensions and refusals with their grounds. The same figures as `dpo-tui report`."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Sparkline, Static

from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.text import literal

BAR = "█"


def bar_rows(counts: dict[str, int], width: int = 30) -> Text:
    """One row per key: label, a bar scaled to the largest value, the count."""
    out = Text()
    if not counts:
        return Text("none", style="dim")
    top = max(counts.values()) or 1
    label_w = min(28, max(len(k) for k in counts))
    for key, n in counts.items():
        length = max(1 if n else 0, round(n / top * width))
        out.append(f"{key.replace('_', ' ')[:label_w]:<{label_w}} ")
        out.append(BAR * length, style="bold cyan")
        out.append(f" {n}\n")
    return out


class DashboardScreen(DpoScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="dashboard.back"),
        Binding("r", "reload", "Reload", id="dashboard.reload"),
        Binding("y", "cycle_year", "This year / all", id="dashboard.year"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: Any = None
        self.year: int | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Dashboard · loading…", id="dash-title", classes="section")
            yield Static("", id="dash-attention")
            yield Static("Requests by month received", classes="section")
            yield Sparkline([], id="dash-spark")
            yield Static("", id="dash-months")
            with Horizontal():
                yield Static("", id="dash-rights")
                yield Static("", id="dash-grounds")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self._load()

    def action_cycle_year(self) -> None:
        self.year = None if self.year else self._today().year
        self._load()

    def _today(self) -> date:
        return self.app.today()

    def _load(self) -> None:
        from dpo_tui.exports.register import build_report

        today, year = self._today(), self.year
        self.call_in_thread(lambda w: build_report(w.db, today=today, year=year), self.show_report,
                            group="dashboard", exclusive=True)  # fmt: skip

    def show_report(self, rep: Any) -> None:
        self.report = rep
        scope = f"cases received in {rep.year}" if rep.year else "all cases"
        self.query_one("#dash-title", Static).update(literal(f"Dashboard · {rep.today.isoformat()} · {scope}: {rep.total}"))
        t = Table.grid(padding=(0, 3))
        t.add_column(justify="right", style="bold")
        t.add_column()
        share = "-" if rep.on_time_share is None else f"{rep.on_time_share:.1%}  ({rep.on_time} of {rep.responded})"
        med = "-" if rep.median_days is None else f"{rep.median_days:g} days"
        p90 = "-" if rep.p90_days is None else f"{rep.p90_days:.0f} days"
        t.add_row(Text(str(rep.overdue), style="bold red" if rep.overdue else ""), "overdue")
        t.add_row(Text(str(rep.due_this_week), style="bold yellow" if rep.due_this_week else ""), "due within 7 days")
        t.add_row(str(rep.awaiting_requester), "awaiting the requester (ID, fee, clarification)")
        t.add_row(str(rep.open), "open")
        t.add_row(share, "answered on time")
        t.add_row(f"{med} / {p90}", "days to respond: median / 90th percentile")
        self.query_one("#dash-attention", Static).update(t)
        months = rep.by_month
        self.query_one("#dash-spark", Sparkline).data = list(months.values()) or [0]
        self.query_one("#dash-months", Static).update(bar_rows(dict(list(months.items())[-12:])))
        rights = Text("Requests by right\n", style="bold")
        rights.append_text(bar_rows(rep.by_right, 24))
        self.query_one("#dash-rights", Static).update(rights)
        grounds = Text(f"Extensions: {rep.extensions}\n", style="bold")
        grounds.append_text(bar_rows(rep.extension_grounds, 16))
        grounds.append(f"\nRefusals: {rep.refusals} (in part: {rep.partial_refusals})\n", style="bold")
        grounds.append_text(bar_rows(rep.refusal_grounds, 16))
        self.query_one("#dash-grounds", Static).update(grounds)
