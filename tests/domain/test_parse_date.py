"""The one parser for dates people type (CLI options, TUI forms): YYYY-MM-DD exactly, or an error naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.dates import parse_date
from dpo_tui.domain.errors import InvalidInput


@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_date_written_as_yyyy_mm_dd_reads_back(d: date) -> None:
    assert parse_date(f"  {d.isoformat()} ", "received") == d


@pytest.mark.parametrize("text", ["2026-02-30", "20261102", "2026-W45-1", "2026-11-2", "2/11/2026", "soon", "2026-11-02x"])
def test_anything_else_is_refused_naming_the_field_and_the_format(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_date(text, "--received")
    assert raised.value.field == "--received"
    assert raised.value.message == f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-02"


def test_an_empty_date_gets_the_callers_wording() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_date("  ", "received", missing="the date the request arrived is required (YYYY-MM-DD)")
    assert str(raised.value) == "received: the date the request arrived is required (YYYY-MM-DD)"
