"""Retention periods (issue 20): closure + the longest period among the case's rights, every date explained."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.retention import RetentionPolicy, check_hold, retention_until
from dpo_tui.domain.rights import Right

RIGHTS = [r.value for r in Right]


@given(
    closed=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    years=st.integers(min_value=0, max_value=8),
    overrides=st.dictionaries(st.sampled_from(RIGHTS), st.integers(min_value=0, max_value=8), max_size=4),
    rights=st.lists(st.sampled_from(RIGHTS), min_size=1, max_size=3, unique=True),
)
def test_the_longest_period_of_the_case_rights_wins(closed, years, overrides, rights) -> None:  # type: ignore[no-untyped-def]
    r = retention_until(closed, rights, RetentionPolicy(years=years, by_right=overrides))
    expected = max(overrides.get(x, years) for x in rights)
    assert r.years == expected and r.closed_on == closed and r.until >= closed
    assert (r.until.year - closed.year) == expected
    assert r.until.month == closed.month and r.until.day in (closed.day, 28)  # 29 Feb clips to 28 Feb
    assert r.explanation.startswith("closed ") and f"+ {expected} year" in r.explanation
    assert r.due(r.until) and not r.due(r.until - timedelta(days=1))


def test_explanations_name_the_rule() -> None:
    policy = RetentionPolicy(years=2, by_right={"erasure": 6})
    assert retention_until(date(2024, 2, 29), ["access"], policy).explanation == (
        "closed Thu 29 Feb 2024 + 2 years (policy) → Sat 28 Feb 2026 (no 29 Feb that year)"
    )
    assert "6 years (policy for erasure)" in retention_until(date(2024, 3, 1), ["access", "erasure"], policy).explanation
    assert "2 years (policy)" in retention_until(date(2024, 3, 1), ["access"], RetentionPolicy(by_right={"erasure": 1})).explanation


def test_a_hold_needs_a_reason_and_a_future_review() -> None:
    today = date(2026, 11, 25)
    assert check_hold("claim", date(2027, 1, 1), today) is None
    assert "reason" in (check_hold("  ", date(2027, 1, 1), today) or "")
    assert "not after today" in (check_hold("claim", today, today) or "")
    assert "ten years" in (check_hold("claim", date(2037, 1, 1), today) or "")
