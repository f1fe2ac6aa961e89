"""`report --format html` (issue 19): SVG charts drawn at build time, no scripts, the case export's CSP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from tests.conftest import TODAY, new_request
from dpo_tui.domain.rights import Right
from dpo_tui.exports.register import build_report
from dpo_tui.exports.report_html import build_series, render_html, report_html

SVG = "{http://www.w3.org/2000/svg}"


def _case_export_csp() -> str:
    template = Path(__file__).parents[2] / "dpo_tui" / "defaults" / "exports" / "case.html.j2"
    return re.search(r'Content-Security-Policy" content="([^"]+)"', template.read_text()).group(1)  # type: ignore[union-attr]


def test_html_report_has_four_svg_charts_and_no_scripts(work) -> None:  # type: ignore[no-untyped-def]
    work.log_request(new_request(received=date(2026, 9, 1), email="a@example.org"))
    work.log_request(new_request(received=date(2026, 11, 2), rights=(Right.ACCESS, Right.ERASURE), email="b@example.org"))
    closed = work.log_request(new_request(received=date(2026, 10, 1), email="c@example.org")).ref
    work.change_status(closed, "in_progress", version=work.get(closed).version)
    work.change_status(closed, "completed", reason="answered before the checklist was worked", outcome="completed", version=work.get(closed).version)
    html = report_html(work.db, today=TODAY, year=None, org="Org <script>alert(1)</script>")

    assert re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1) == _case_export_csp()  # type: ignore[union-attr]
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and not re.search(r"\son\w+=", lowered)
    assert not re.search(r'(src|href)=', lowered)  # nothing fetched
    assert "Org &lt;script&gt;" in html
    charts = [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, re.S)]
    assert [c.get("aria-label") for c in charts] == [
        "Requests per month, by right", "Share answered on time", "Cases by days to respond", "Open cases by age",
    ]
    # Requests per month: one bar segment per month and right; tooltips carry the figures.
    tips = sorted(t.text for t in charts[0].iter(f"{SVG}title") if t.text and ":" in t.text)
    assert tips == ["2026-09: access 1", "2026-10: access 1", "2026-11: access 1", "2026-11: erasure 1"]
    for chart in charts:  # every bar inside the picture
        w, h = (float(v) for v in chart.get("viewBox").split()[2:])  # type: ignore[union-attr]
        for r in chart.iter(f"{SVG}rect"):
            assert 0 <= float(r.get("x")) and float(r.get("x")) + float(r.get("width")) <= w  # type: ignore[arg-type]
            assert 0 <= float(r.get("y")) and float(r.get("y")) + float(r.get("height")) <= h  # type: ignore[arg-type]


def test_series_agree_with_the_report(work) -> None:  # type: ignore[no-untyped-def]
    for day in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 20)):
        work.log_request(new_request(received=day, email=f"{day.isoformat()}@example.org"))
    rep = build_report(work.db, today=TODAY)
    series = build_series(work.db, today=TODAY)
    assert sum(series.open_by_age.values()) == rep.open == 3
    assert dict(series.open_by_age) == {"2–3 months": 1, "1–2 months": 1, "under a week": 1}  # 85, 55 and 5 days
    assert sum(sum(c.values()) for c in series.month_by_right.values()) == sum(rep.by_right.values())
    assert sum(series.answered_by_month.values()) == rep.responded
    page = render_html(rep, series, "AltoStack Ltd")
    assert "<td>Open</td><td>3</td>" in page
