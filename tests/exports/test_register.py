"""The register and the report match the database; CSV cells are formula-safe; files 0600."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from dpo_tui.domain.rights import Right
from dpo_tui.exports.register import COLUMNS, build_report, percentile, register_rows, register_text, write_register
from dpo_tui.services import decisions as dec
from dpo_tui.services import identity as idv
from tests.conftest import TODAY, new_request
from tests.exports.hostile import hostile_request

REPEAT = {"repetition": "Same request as DSAR-2026-0001 three weeks ago; nothing has changed since."}


def _set(work, ref, **values):  # type: ignore[no-untyped-def]
    sets = ", ".join(f"{k} = :{k}" for k in values)
    with work.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE cases SET {sets} WHERE ref = :ref"), {**values, "ref": ref})


def _population(work):  # type: ignore[no-untyped-def]
    """Cases on every path the register distinguishes."""
    refs = {}
    refs["open"] = work.log_request(new_request(received=date(2026, 11, 20))).ref  # due Mon 21 Dec
    refs["overdue"] = work.log_request(new_request(email="o@example.org", received=date(2026, 9, 1))).ref
    refs["on_time"] = work.log_request(new_request(email="t@example.org", rights=(Right.ERASURE,), received=date(2026, 11, 2))).ref
    work.change_status(refs["on_time"], "completed", reason="answered before the checklist was worked", version=work.version_of(refs["on_time"]))  # final response today, 25 Nov, due 2 Dec
    refs["late"] = work.log_request(new_request(email="l@example.org", received=date(2026, 10, 1), channel="post")).ref
    work.change_status(refs["late"], "completed", reason="answered before the checklist was worked", version=work.version_of(refs["late"]))
    _set(work, refs["late"], final_response_on=date(2026, 11, 5))
    refs["extended"] = work.log_request(new_request(email="e@example.org", received=date(2026, 11, 3))).ref
    dec.extend(work, refs["extended"], "complex", date(2026, 11, 10), "Many systems to search.", version=work.version_of(refs["extended"]))
    refs["refused"] = work.log_request(new_request(email="r@example.org", received=date(2026, 11, 4))).ref
    dec.assess(work, refs["refused"], REPEAT, "refuse", version=work.version_of(refs["refused"]))
    dec.refuse(work, refs["refused"], "whole", [], "Repeats an earlier request.", date(2026, 11, 20), version=work.version_of(refs["refused"]))
    refs["awaiting"] = work.log_request(new_request(email="a@example.org", received=date(2026, 11, 5))).ref
    idv.request_identity(work, refs["awaiting"], requester_kind="self", what="the postal address we hold", on=date(2026, 11, 6), version=work.version_of(refs["awaiting"]))
    refs["withdrawn"] = work.log_request(new_request(email="w@example.org", received=date(2026, 1, 5))).ref
    work.change_status(refs["withdrawn"], "withdrawn", version=work.version_of(refs["withdrawn"]))
    return refs


def test_register_rows_match_the_database(work):
    refs = _population(work)
    rows = {r["reference"]: r for r in register_rows(work.db, today=TODAY)}
    assert len(rows) == len(refs)
    assert list(rows) == sorted(rows, key=lambda r: (rows[r]["received"], r))
    for ref, row in rows.items():
        detail = work.get(ref, with_events=False)
        assert row["received"] == detail.received.isoformat()
        assert row["rights"] == ";".join(detail.rights)
        assert row["channel"] == detail.channel and row["status"] == detail.status
        assert row["due"] == (detail.deadline.effective_due.isoformat() if detail.deadline.effective_due else "")
        assert row["extended"] == ("yes" if detail.deadline.extended else "no")
        assert row["final_response"] == (detail.final_response_on.isoformat() if detail.final_response_on else "")
    assert rows[refs["open"]]["on_time"] == "pending"
    assert rows[refs["overdue"]]["on_time"] == "no (overdue)"
    assert rows[refs["on_time"]]["on_time"] == "yes" and rows[refs["on_time"]]["outcome"] == "completed"
    late = rows[refs["late"]]
    assert late["on_time"] == "no" and late["reason"].startswith("late by 3 days")  # due Mon 2 Nov, answered Thu 5 Nov
    ext = rows[refs["extended"]]
    assert ext["extended"] == "yes" and ext["reason"] == "extended: complex request (Many systems to search.)"
    ref_row = rows[refs["refused"]]
    assert ref_row["outcome"] == "refused" and ref_row["on_time"] == "yes"
    assert ref_row["reason"].startswith("refused: manifestly excessive") and "Repeats an earlier request." in ref_row["reason"]
    assert rows[refs["awaiting"]]["on_time"] == "clock not started"
    assert rows[refs["withdrawn"]]["on_time"] == "n/a"


def test_register_date_filter(work):
    refs = _population(work)
    got = [r["reference"] for r in register_rows(work.db, today=TODAY, date_from=date(2026, 11, 3), date_to=date(2026, 11, 5))]
    assert got == [refs["extended"], refs["refused"], refs["awaiting"]]


def test_register_csv_and_json_files(work, tmp_path):
    refs = _population(work)
    n = write_register(work.db, tmp_path / "r.csv", "csv", today=TODAY)
    assert n == len(refs)
    path = tmp_path / "r.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == n + 1
    write_register(work.db, tmp_path / "r.json", "json", today=TODAY)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o600
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema"] == "dpo-tui/register/1" and len(data["rows"]) == n
    assert [r["reference"] for r in data["rows"]] == [r[0] for r in rows[1:]]


def test_register_cells_are_formula_safe(work):
    ref = work.log_request(hostile_request()).ref
    dec.extend(work, ref, "complex", date(2026, 11, 10), "=HYPERLINK(\"http://evil\") +1 -1 @SUM", version=work.version_of(ref))
    _set(work, ref, rights="=cmd|' /C calc'!A0")  # a free-text column (outcome and channel hold a vocabulary)
    out = register_text(work.db, "csv", today=TODAY)
    for row in list(csv.reader(io.StringIO(out)))[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell
    assert "'=cmd|' /C calc'!A0" in out
    assert json.loads(register_text(work.db, "json", today=TODAY))["rows"][0]["rights"] == "=cmd|' /C calc'!A0"


def test_report_matches_the_database(work):
    refs = _population(work)
    rep = build_report(work.db, today=TODAY)
    assert rep.total == len(refs)
    open_cases = work.list_cases()
    assert rep.open == len([c for c in open_cases if c.is_open])
    assert rep.overdue == len(work.list_cases(overdue=True)) == 1
    assert rep.awaiting_requester == 1
    assert rep.due_this_week == 0
    # responded: on_time (23 days), late (35 days), refused (16 days); withdrawn excluded
    assert (rep.responded, rep.on_time) == (3, 2)
    assert rep.median_days == 23 and rep.p90_days == pytest.approx(32.6)
    assert rep.by_right == {"access": 7, "erasure": 1}
    assert rep.by_month == {"2026-01": 1, "2026-09": 1, "2026-10": 1, "2026-11": 5}
    assert rep.extensions == 1 and rep.extension_grounds == {"complex request": 1}
    assert rep.refusals == 1 and rep.refusal_grounds == {"manifestly excessive": 1}
    data = rep.to_json()
    assert data["on_time_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert "Answered on time: 66.7% (2 of 3)" in rep.to_text()
    assert build_report(work.db, today=TODAY, year=2025).total == 0


def test_percentile():
    assert percentile([], 0.5) is None
    assert percentile([5], 0.9) == 5
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)


@given(st.lists(st.integers(min_value=-50, max_value=400), max_size=60), st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.99, 1.0]))
def test_percentile_from_counts_equals_percentile_of_the_values(values: list[int], q: float) -> None:
    """The report counts days to respond (memory by distinct value, so 1M cases cost what 1k do); the figures it
    prints must be exactly those of sorting every value."""
    from collections import Counter

    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k // 1), -int(-k // 1)
    want = None if not s else (float(s[lo]) if lo == hi else s[lo] + (s[hi] - s[lo]) * (k - lo))
    assert percentile(Counter(values), q) == want
    assert percentile(values, q) == want
