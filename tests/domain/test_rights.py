import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.rights import Right, parse_rights

KEYS = [
    "access", "rectification", "erasure", "restriction",
    "portability", "objection", "automated_decision", "withdraw_consent",
]  # fmt: skip


def test_keys_are_exactly_those_of_the_domain_reference() -> None:
    assert [r.value for r in Right] == KEYS


def test_every_right_has_label_short_tag_and_article() -> None:
    shorts = [r.short for r in Right]
    assert len(set(shorts)) == len(shorts)
    assert all(len(s) == 3 and s.isupper() for s in shorts)
    assert Right.ACCESS.label == "Access" and Right.ACCESS.short == "ACC" and Right.ACCESS.article == "Art 15"
    assert Right.WITHDRAW_CONSENT.article == "Art 7(3)"
    assert Right.AUTOMATED_DECISION.short == "ADM"


def test_parse_keeps_order_tolerates_whitespace_and_drops_repeats() -> None:
    assert parse_rights(" erasure ,access,, erasure,Withdraw-Consent ") == (
        Right.ERASURE,
        Right.ACCESS,
        Right.WITHDRAW_CONSENT,
    )


def test_unknown_right_names_it_and_lists_valid_keys() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_rights("access, xyz")
    assert str(error.value) == f"unknown right 'xyz' (valid: {', '.join(KEYS)})"


def test_empty_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no right given"):
        parse_rights(" , ")


@given(st.lists(st.sampled_from(list(Right)), min_size=1))
def test_parse_round_trips_any_list(rights: list[Right]) -> None:
    parsed = parse_rights(", ".join(rights))
    assert parsed == tuple(dict.fromkeys(rights))
