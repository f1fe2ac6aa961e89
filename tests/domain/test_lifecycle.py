"""The case lifecycle: every allowed move works, every other move is refused with a reason."""

import pytest

from dpo_tui.domain.errors import InvalidTransition
from dpo_tui.domain.lifecycle import CLOSED, TRANSITIONS, Status, check_transition, parse_status

ALL_PAIRS = [(a, b) for a in Status for b in Status]


@pytest.mark.parametrize("frm,to", [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]])
def test_allowed_transitions_pass(frm: Status, to: Status) -> None:
    check_transition(frm, to)


@pytest.mark.parametrize("frm,to", [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]])
def test_other_transitions_are_refused_with_reason(frm: Status, to: Status) -> None:
    with pytest.raises(InvalidTransition) as err:
        check_transition(frm, to)
    assert frm.label in str(err.value)


def test_closed_cases_only_reopen_into_work() -> None:
    for status in CLOSED:
        assert TRANSITIONS[status] == {Status.IN_PROGRESS}


def test_unknown_status_names_the_valid_ones() -> None:
    with pytest.raises(InvalidTransition, match="awaiting_id"):
        parse_status("archived")
