"""Identity records say what was seen, never a document's number; a date written with its month's name is a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.identity import no_document_numbers


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(["%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d %Y"]))
def test_a_written_date_is_never_taken_for_a_document_number(day: date, layout: str) -> None:
    text = f"signed letter of authority dated {day.strftime(layout)}"
    assert no_document_numbers("authority_evidence", text) == text


@pytest.mark.parametrize(
    "text",
    ["passport 123456789", "passport AB 12 34 56 C", "NI number AB123456C dated 3 March 2026", "licence MORGA753116SM9IJ"],
)
def test_a_document_number_is_refused_even_beside_a_date(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        no_document_numbers("seen", text)
    assert exc.value.field == "seen"


def test_the_cli_example_of_authority_evidence_is_accepted() -> None:
    today = date(2026, 11, 25)
    example = f"signed letter of authority dated {(today - timedelta(days=5)).strftime('%d %b %Y')}"
    assert no_document_numbers("authority_evidence", example) == example
