"""Issue 15: the dates of a complaint to the controller (DPA 2018 s.164A) and the Art 21(1) balancing-test record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.complaints import S164A_FROM, acknowledge_by, complaint_deadline, statutory
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.objection import balancing_refusal, make_balancing

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def test_s164a_starts_on_19_june_2026_and_counts_the_day_of_receipt() -> None:
    # "30 days beginning with the day on which the complaint is received": 19 Jun is day 1, 18 Jul day 30.
    dl = complaint_deadline("uk-gdpr", date(2026, 6, 19))
    assert dl.due == dl.acknowledge_by == date(2026, 7, 18)  # a Saturday: no roll, the Act counts calendar days
    assert "s.164A(3)(a)" in " ".join(dl.explanation) and "statutory deadline" in " ".join(dl.explanation)
    before = complaint_deadline("uk-gdpr", date(2026, 6, 18), policy_days=20)
    assert before.due == date(2026, 7, 7) and "not a statutory deadline" in " ".join(before.explanation)
    assert "policy" in " ".join(before.explanation)


@given(days, st.sampled_from(["uk-gdpr", "eu-gdpr", "ccpa"]), st.integers(1, 90))
def test_acknowledgement_date_is_n_calendar_days_from_receipt_inclusive(received: date, regime: str, policy: int) -> None:
    n = 30 if statutory(regime, received) else policy
    assert acknowledge_by(regime, received, policy) == received + timedelta(days=n - 1)
    assert statutory(regime, received) == (regime == "uk-gdpr" and received >= S164A_FROM)
    dl = complaint_deadline(regime, received, policy_days=policy)
    if regime != "uk-gdpr":
        assert "164A" not in " ".join(dl.explanation)  # only UK complaints cite the Act


@given(days, st.integers(0, 60))
def test_once_acknowledged_no_fixed_date_remains_and_lateness_is_said(received: date, after: int) -> None:
    on = received + timedelta(days=after)
    dl = complaint_deadline("uk-gdpr", received, acknowledged_on=on)
    assert dl.due is None and dl.acknowledge_by is not None and dl.state is ClockState.RUNNING
    words = " ".join(dl.explanation)
    assert ("late" in words) == (on > dl.acknowledge_by)
    assert "without undue delay" in words


def test_acknowledgement_before_receipt_is_refused() -> None:
    with pytest.raises(InvalidInput, match="before the complaint was received"):
        complaint_deadline("uk-gdpr", date(2026, 7, 1), acknowledged_on=date(2026, 6, 30))


def test_balancing_record_needs_the_situation_and_our_grounds_to_continue() -> None:
    on = date(2026, 11, 20)
    with pytest.raises(InvalidInput, match="situation"):
        make_balancing(situation=" ", grounds="", outcome="pending", restriction=True, by="dpo", on=on)
    with pytest.raises(InvalidInput, match="grounds"):
        make_balancing(situation="I am a witness", grounds="", outcome="overridden", restriction=False, by="dpo", on=on)
    pending = make_balancing(situation="I am a witness", grounds="", outcome="pending", restriction=True, by="dpo", on=on)
    assert pending["restricted_since"] == "2026-11-20" and "decided_on" not in pending
    later = on + timedelta(days=5)
    done = make_balancing(situation="I am a witness", grounds="Fraud prevention for all customers", outcome="overridden",
                          restriction=False, by="dpo", on=later, previous=pending)  # fmt: skip
    assert done["started_on"] == "2026-11-20" and done["restriction_lifted_on"] == later.isoformat()
    assert done["decided_on"] == later.isoformat()


def test_no_balancing_for_direct_marketing_or_before_the_question_is_answered() -> None:
    assert "absolute" in (balancing_refusal(True) or "")
    assert "record first" in (balancing_refusal(None) or "")
    assert balancing_refusal(False) is None
