"""The dashboard (`d` from the queue): what needs attention, share answered on time, days to respond, requests by
right and by month, extensions and refusals with their grounds. The same figures as `dpo-tui report`, and the same
four charts as `report --format html` (requests per month by right, on-time share by month of response, days to
respond, open cases by age), drawn as terminal bars from the same series (`exports/report_html.build_series`),
in the same colour-blind-safe colours, one per right."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Sparkline, Static

from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.formatting import right_labels
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.key_bar import KeyBar

BAR = "█"
MONTHS_SHOWN = 12  # the charts by month show the last twelve months that have any (all are in the HTML report)


def bar_rows(counts: dict[str, int], width: int = 30, colour: str = "cyan") -> Text:
    """One row per key: label, a bar scaled to the largest value, the count."""
    out = Text()
    if not counts:
        return Text("none", style="dim")
    top = max(counts.values()) or 1
    label_w = min(28, max(len(k) for k in counts))
    for key, n in counts.items():
        length = max(1 if n else 0, round(n / top * width))
        out.append(f"{key.replace('_', ' ')[:label_w]:<{label_w}} ")
        out.append(BAR * length, style=f"bold {colour}")
        out.append(f" {n}\n")
    return out


def stacked_rows(columns: list[str], stacks: list[tuple[str, str, list[int]]], width: int = 40) -> Text:
    """One row per column (month): one coloured segment per series (right), scaled to the largest total; then a
    legend. `stacks`: (label, colour, value per column)."""
    if not columns:
        return Text("none", style="dim")
    totals = [sum(values[i] for _, _, values in stacks) for i in range(len(columns))]
    top = max(totals) or 1
    out = Text()
    for i, column in enumerate(columns):
        out.append(f"{column} ")
        for _, colour, values in stacks:
            n = values[i]
            if n:
                out.append(BAR * max(1, round(n / top * width)), style=colour)
        out.append(f" {totals[i]}\n")
    for label, colour, _ in stacks:
        out.append("■ ", style=colour)
        out.append(f"{label}  ")
    return out


def share_rows(labels: list[str], answered: list[int], on_time: list[int], width: int = 30) -> Text:
    """One row per month of response: a bar for the share answered on time (full width = 100%)."""
    if not labels:
        return Text("none answered yet", style="dim")
    out = Text()
    for label, n, ok in zip(labels, answered, on_time, strict=True):
        share = ok / n if n else 0.0
        out.append(f"{label} ")
        out.append(BAR * round(share * width), style="bold #009E73")
        out.append("░" * (width - round(share * width)), style="dim")
        out.append(f" {share:.0%} ({ok} of {n})\n")
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
        self.series: Any = None
        self.year: int | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Dashboard · loading…", id="dash-title", classes="section")
            yield Static("", id="dash-attention")
            yield Static("Requests per month, by right", classes="section")
            yield Sparkline([], id="dash-spark")
            yield Static("", id="dash-months")
            yield Static("Answered on time, by month of response", classes="section")
            yield Static("", id="dash-on-time")
            with Horizontal():
                yield Static("", id="dash-days")
                yield Static("", id="dash-age")
            with Horizontal():
                yield Static("", id="dash-rights")
                yield Static("", id="dash-grounds")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def action_cycle_year(self) -> None:
        self.year = None if self.year else self._today().year
        self.load()

    def _today(self) -> date:
        return self.app.today()

    def load(self) -> None:
        from dpo_tui.exports.register import build_report
        from dpo_tui.exports.report_html import build_series

        today, year = self._today(), self.year

        def read(w: Any) -> tuple[Any, Any]:
            return build_report(w.db, today=today, year=year), build_series(w.db, today=today, year=year)

        self.call_in_thread(read, lambda both: self.show_report(*both), group="dashboard", exclusive=True)

    def show_report(self, rep: Any, series: Any = None) -> None:
        self.report = rep
        self.series = series
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
        if series is not None:
            self._show_charts(series)
        else:
            self.query_one("#dash-months", Static).update(bar_rows(dict(list(months.items())[-MONTHS_SHOWN:])))
        rights = Text("Requests by right\n", style="bold")
        rights.append_text(bar_rows(rep.by_right, 24))
        self.query_one("#dash-rights", Static).update(rights)
        grounds = Text(f"Extensions: {rep.extensions}\n", style="bold")
        grounds.append_text(bar_rows(rep.extension_grounds, 16))
        grounds.append(f"\nRefusals: {rep.refusals} (in part: {rep.partial_refusals})\n", style="bold")
        grounds.append_text(bar_rows(rep.refusal_grounds, 16))
        self.query_one("#dash-grounds", Static).update(grounds)

    def _show_charts(self, series: Any) -> None:
        from dpo_tui.exports.report_html import AGE_BUCKETS, DAY_BUCKETS, PALETTE, RIGHT_ORDER

        months = sorted(series.month_by_right)[-MONTHS_SHOWN:]
        rights = sorted({r for c in series.month_by_right.values() for r in c},
                        key=lambda r: (RIGHT_ORDER.index(r) if r in RIGHT_ORDER else 99, r))  # fmt: skip
        # colours as the HTML report's stacked bars give them: the palette in the order of the rights shown
        stacks = [(right_labels([r]), PALETTE[k % len(PALETTE)], [series.month_by_right[m][r] for m in months])
                  for k, r in enumerate(rights)]  # fmt: skip
        self.query_one("#dash-months", Static).update(stacked_rows(months, stacks))
        answered = sorted(series.answered_by_month)[-MONTHS_SHOWN:]
        self.query_one("#dash-on-time", Static).update(share_rows(
            answered, [series.answered_by_month[m] for m in answered], [series.on_time_by_month[m] for m in answered]
        ))  # fmt: skip
        days = Text("Days to respond\n", style="bold")
        days.append_text(bar_rows({b[2]: series.days_to_respond[b[2]] for b in DAY_BUCKETS}, 20, PALETTE[1]))
        self.query_one("#dash-days", Static).update(days)
        age = Text("Open cases by age\n", style="bold")
        age.append_text(bar_rows({b[2]: series.open_by_age[b[2]] for b in AGE_BUCKETS}, 20, PALETTE[5]))
        self.query_one("#dash-age", Static).update(age)
