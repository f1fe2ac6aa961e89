"""`dpo-tui report --format html`: the management report as one self-contained page with charts.

The charts are SVG drawn here, at build time: no scripts, no fonts or images fetched, the same Content-Security-Policy
as the case export (`default-src 'none'; style-src 'unsafe-inline'`). Every chart has its figures in a table beside
it (screen readers, printing in black and white). Labels are ours (rights, months, buckets) but are escaped anyway.
The figures are those of `build_report`, plus four series computed from the same rows:
requests per month by right, on-time share per month of response, days to respond, open cases by age.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from dpo_tui.exports.register import Report, _iso, _stream, build_report
from dpo_tui.domain.lifecycle import Status

CSP = "default-src 'none'; style-src 'unsafe-inline'"
# Colour-blind-safe palette (Okabe-Ito), one colour per right in a fixed order so charts compare across reports.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RIGHT_ORDER = ("access", "rectification", "erasure", "restriction", "portability", "objection", "automated_decision",
               "withdraw_consent")  # fmt: skip
DAY_BUCKETS = ((0, 7, "0–7"), (8, 14, "8–14"), (15, 21, "15–21"), (22, 31, "22–31"), (32, 60, "32–60"),
               (61, 90, "61–90"), (91, 10**6, "over 90"))  # fmt: skip
AGE_BUCKETS = ((0, 7, "under a week"), (8, 14, "1–2 weeks"), (15, 30, "2 weeks–1 month"), (31, 60, "1–2 months"),
               (61, 90, "2–3 months"), (91, 10**6, "over 3 months"))  # fmt: skip


@dataclass
class Series:
    month_by_right: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    answered_by_month: Counter[str] = field(default_factory=Counter)
    on_time_by_month: Counter[str] = field(default_factory=Counter)
    days_to_respond: Counter[str] = field(default_factory=Counter)
    open_by_age: Counter[str] = field(default_factory=Counter)


def _bucket(n: int, buckets: tuple[tuple[int, int, str], ...]) -> str:
    for lo, hi, label in buckets:
        if lo <= n <= hi:
            return label
    return buckets[-1][2]


def build_series(db: Any, *, today: date, year: int | None = None) -> Series:
    s = Series()
    for _ref, received, rights, _ch, status, is_open, due, _legal, _ext, final, _out, _raw, _clock, _e, kind, _about, *_pack in _stream(db, None, None, year):
        if kind == "complaint":  # requests only: complaints are counted in the report's own line
            continue
        rec = _iso(received) or ""
        for r in rights.split(","):
            s.month_by_right[rec[:7]][r] += 1
        final_s, due_s = _iso(final), _iso(due)
        if final_s and status != Status.WITHDRAWN:
            month = final_s[:7]
            s.answered_by_month[month] += 1
            if due_s and final_s <= due_s:
                s.on_time_by_month[month] += 1
            s.days_to_respond[_bucket((date.fromisoformat(final_s) - date.fromisoformat(rec)).days, DAY_BUCKETS)] += 1
        if is_open and rec:
            s.open_by_age[_bucket((today - date.fromisoformat(rec)).days, AGE_BUCKETS)] += 1
    return s


# ---- SVG ---------------------------------------------------------------------------------------------------------

W, H, LEFT, BOTTOM, TOP = 640, 240, 44, 46, 14


def _axis(max_value: float, percent: bool = False) -> tuple[list[str], float]:
    top = 1.0 if percent else max(1.0, float(max_value))
    if not percent:
        step = max(1, round(top / 4))
        top = step * 4 if step * 4 >= top else step * 5
    out = []
    for i in range(5):
        v = top * i / 4
        y = H - BOTTOM - (H - BOTTOM - TOP) * i / 4
        label = f"{v:.0%}" if percent else f"{v:g}"
        out.append(f'<line x1="{LEFT}" x2="{W - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')  # fmt: skip
    return out, top


def _svg(title: str, body: list[str], height: float = H) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {max(H, height):g}" width="100%" role="img" '
        f'aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def stacked_bars(title: str, columns: list[str], stacks: list[tuple[str, list[int]]]) -> str:
    """Columns left to right; each stack (label, one value per column) in its palette colour."""
    totals = [sum(vals[i] for _, vals in stacks) for i in range(len(columns))]
    grid, top = _axis(max(totals, default=0))
    body = list(grid)
    n = max(1, len(columns))
    slot = (W - LEFT - 8) / n
    bar = max(2.0, slot * 0.7)
    scale = (H - BOTTOM - TOP) / top
    for i, col in enumerate(columns):
        x = LEFT + i * slot + (slot - bar) / 2
        y = H - BOTTOM
        for k, (label, vals) in enumerate(stacks):
            v = vals[i]
            if not v:
                continue
            h = v * scale
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                        f"<title>{escape(col)}: {escape(label)} {v}</title></rect>")  # fmt: skip
        if n <= 12 or i % max(1, n // 12) == 0:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{H - BOTTOM + 14}" text-anchor="middle">{escape(col)}</text>')
    # Legend under the axis labels, wrapping onto further rows (the picture grows to fit them).
    lx, ly = float(LEFT), H - 16
    for k, (label, _vals) in enumerate(stacks):
        width = 18 + 6.5 * len(label)
        if lx + width > W - 8 and lx > LEFT:
            lx, ly = float(LEFT), ly + 16
        body.append(f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
                    f'<text x="{lx + 14:.1f}" y="{ly + 9}">{escape(label)}</text>')  # fmt: skip
        lx += width
    return _svg(title, body, height=ly + 16)


def bars(title: str, labels: list[str], values: list[float], *, percent: bool = False, colour: str = PALETTE[0]) -> str:
    grid, top = _axis(max(values, default=0), percent=percent)
    body = list(grid)
    n = max(1, len(labels))
    slot = (W - LEFT - 8) / n
    bar = max(2.0, slot * 0.6)
    scale = (H - BOTTOM - TOP) / top
    for i, (label, v) in enumerate(zip(labels, values)):
        x = LEFT + i * slot + (slot - bar) / 2
        h = v * scale
        shown = f"{v:.0%}" if percent else f"{v:g}"
        body.append(f'<rect x="{x:.1f}" y="{H - BOTTOM - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{escape(label)}: {escape(shown)}</title></rect>")  # fmt: skip
        body.append(f'<text x="{x + bar / 2:.1f}" y="{H - BOTTOM + 14}" text-anchor="middle">{escape(label)}</text>')
    return _svg(title, body)


# ---- the page ----------------------------------------------------------------------------------------------------


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _label(right: str) -> str:
    return right.replace("_", " ")


def render_html(rep: Report, series: Series, org: str) -> str:
    months = sorted(series.month_by_right)
    rights = sorted({r for c in series.month_by_right.values() for r in c},
                    key=lambda r: (RIGHT_ORDER.index(r) if r in RIGHT_ORDER else 99, r))  # fmt: skip
    stacks = [(_label(r), [series.month_by_right[m][r] for m in months]) for r in rights]
    answered = sorted(series.answered_by_month)
    shares = [series.on_time_by_month[m] / series.answered_by_month[m] for m in answered]
    day_labels = [b[2] for b in DAY_BUCKETS]
    age_labels = [b[2] for b in AGE_BUCKETS]
    share = "–" if rep.on_time_share is None else f"{rep.on_time_share:.1%} ({rep.on_time} of {rep.responded})"
    scope = f"cases received in {rep.year}" if rep.year else "all cases"

    def fig(title: str, svg: str, table: str) -> str:
        return f"<section><h2>{escape(title)}</h2>{svg}<details><summary>Figures</summary>{table}</details></section>"

    sections = [
        fig("Requests per month, by right", stacked_bars("Requests per month, by right", months, stacks),
            _table(["month", *[_label(r) for r in rights]], [[m, *[series.month_by_right[m][r] for r in rights]] for m in months])),
        fig("Answered on time, by month of response", bars("Share answered on time", answered, shares, percent=True, colour=PALETTE[2]),
            _table(["month", "answered", "on time", "share"],
                   [[m, series.answered_by_month[m], series.on_time_by_month[m], f"{s:.0%}"] for m, s in zip(answered, shares)])),
        fig("Days to respond", bars("Cases by days to respond", day_labels, [series.days_to_respond[b] for b in day_labels], colour=PALETTE[1]),
            _table(["days", "cases"], [[b, series.days_to_respond[b]] for b in day_labels])),
        fig("Open cases by age", bars("Open cases by age", age_labels, [series.open_by_age[b] for b in age_labels], colour=PALETTE[5]),
            _table(["age", "open cases"], [[b, series.open_by_age[b]] for b in age_labels])),
    ]  # fmt: skip
    figures = _table(
        ["", ""],
        [["Cases", rep.total], ["Open", rep.open], ["Overdue", rep.overdue], ["Due this week", rep.due_this_week],
         ["Awaiting the requester", rep.awaiting_requester], ["Answered on time", share],
         ["Days to respond (median / 90th percentile)", f"{_num(rep.median_days)} / {_num(rep.p90_days)}"],
         ["Extensions", rep.extensions], ["Refusals (partial)", f"{rep.refusals} ({rep.partial_refusals})"]],
    )  # fmt: skip
    title = f"{org}: rights requests report"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{escape(title)}</title>
<style>
  body {{ font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2em auto; max-width: 50em; padding: 0 1em; }}
  h1 {{ font-size: 1.5em; border-bottom: 2px solid #333; }}
  h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
  table {{ border-collapse: collapse; margin: .5em 0; }}
  th, td {{ border: 1px solid #bbb; padding: .2em .5em; text-align: left; }}
  th {{ background: #eee; }}
  svg text {{ fill: #333; }}
  .muted {{ color: #666; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">As of {escape(rep.today.isoformat())}; {escape(scope)}. On-time share and days to respond count cases with a
final response (withdrawn excluded); open, overdue and age are as of the report date.</p>
{figures}
{''.join(sections)}
<p class="muted">Audit anchor (chain head): {escape(rep.audit_anchor or '-')}; prove later that no event up to it was
lost or rewritten with <code>dpo-tui audit verify --anchor SEQ:HASH</code>.</p>
</body>
</html>
"""


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:g}"


def report_html(db: Any, *, today: date, year: int | None, org: str) -> str:
    return render_html(build_report(db, today=today, year=year), build_series(db, today=today, year=year), org)
