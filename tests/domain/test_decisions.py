"""Pure decision rules: grounds and assessment validation, fee arithmetic, refusal deadline and notice content."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.clock import Deadline
from dpo_tui.domain.decisions import (
    GROUNDS,
    REMINDER,
    ChosenGround,
    DecisionRefused,
    RefusalIncomplete,
    assessment_warnings,
    clean_items,
    fee_breakdown,
    finding_of,
    format_money,
    money,
    refusal_content_problems,
    refusal_deadline,
    refusal_notice_block,
    validate_assessment,
)
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.organisation import Authority

ICO = Authority("Information Commissioner's Office (ICO)", "https://ico.org.uk", "0303 123 1113", "Wycliffe House")


def test_the_ico_indicators_are_all_there():
    keys = {g.key: g.category for g in GROUNDS}
    assert keys == {
        "no_intention": "unfounded", "offers_withdrawal": "unfounded",
        "stated_malice": "malicious", "unsubstantiated_accusations": "malicious", "targets_employee": "malicious",
        "systematic_campaign": "malicious",
        "repetition": "excessive", "overlap": "excessive", "burden": "excessive", "resources": "excessive",
    }  # fmt: skip
    assert "volume alone" in REMINDER.lower() and "abusive language alone" in REMINDER.lower()


@pytest.mark.parametrize(
    "keys,finding",
    [
        ([], "none"),
        (["no_intention"], "manifestly_unfounded"),
        (["targets_employee"], "manifestly_unfounded"),
        (["overlap"], "manifestly_excessive"),
        (["systematic_campaign", "repetition"], "manifestly_unfounded_and_excessive"),
    ],
)
def test_finding(keys, finding):
    assert finding_of(keys) == finding


def test_validate_requires_evidence_per_ground_and_a_finding_for_fee_or_refusal():
    with pytest.raises(DecisionRefused, match="Repeats a request.*no evidence"):
        validate_assessment("fee", [ChosenGround("repetition", " ")])
    with pytest.raises(DecisionRefused, match="first response is free"):
        validate_assessment("fee", [])
    with pytest.raises(DecisionRefused):
        validate_assessment("refuse", {})
    with pytest.raises(InvalidInput, match="unknown ground"):
        validate_assessment("comply", {"weekly": "x"})
    with pytest.raises(InvalidInput, match="unknown decision"):
        validate_assessment("ignore", {})
    a = validate_assessment("refuse_in_part", {})
    assert a.finding == "none"
    a = validate_assessment("fee", {"repetition": "  same   as last week "})
    assert a.grounds == ({"key": "repetition", "category": "excessive", "label": a.grounds[0]["label"], "evidence": "same as last week"},)


def test_warnings_for_volume_or_language_alone():
    assert "Volume alone" in assessment_warnings(["resources"])[0]
    assert "Abusive language alone" in assessment_warnings(["stated_malice"])[0]
    assert assessment_warnings(["resources", "repetition"]) == []


# ---- fee arithmetic ---------------------------------------------------------------------------------------------


def _fee(**kw):
    return fee_breakdown(currency="GBP", hourly_rate="25", per_page_copy="0.10", per_page_print="0.10", postage="2.50", **kw)


def test_fee_lines_and_total():
    b = _fee(hours="1.5", copy_pages=33, print_pages=0, postal_items=2, other=[("USB stick", "4.99")])
    assert [(l.kind, str(l.amount)) for l in b.lines] == [
        ("staff_time", "37.50"), ("copies", "3.30"), ("postage", "5.00"), ("other", "4.99"),
    ]  # fmt: skip
    assert b.total == Decimal("50.79")
    j = b.to_json()
    assert j["total"] == "50.79" and j["lines"][0]["quantity"] == "1.5" and j["lines"][1]["quantity"] == "33"


def test_fee_rounding_half_up_per_line():
    b = fee_breakdown(currency="GBP", hourly_rate="0", per_page_copy="0.125", per_page_print="0", postage="0", copy_pages=1)
    assert b.lines[0].unit_cost == Decimal("0.13")
    assert money("0.005") == Decimal("0.01") and money(2.675) == Decimal("2.68")


def test_fee_bad_input():
    with pytest.raises(InvalidInput, match="not a number"):
        _fee(hours="two")
    with pytest.raises(InvalidInput, match="0 or more"):
        _fee(copy_pages="-1")
    with pytest.raises(InvalidInput, match="what the cost is for"):
        _fee(other=[("", "3")])
    assert _fee().lines == () and _fee().total == Decimal("0.00")


def test_format_money():
    assert format_money("1234.5", "GBP") == "£1,234.50"
    assert format_money("3", "CHF") == "3.00 CHF"


amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=5000)


@given(hours=st.decimals(min_value=0, max_value=200, places=2), rate=amounts, copies=counts, per_copy=amounts,
       prints=counts, per_print=amounts, items=st.integers(0, 20), postage=amounts,
       other=st.lists(amounts, max_size=3))  # fmt: skip
def test_fee_arithmetic_properties(hours, rate, copies, per_copy, prints, per_print, items, postage, other):
    b = fee_breakdown(
        currency="GBP", hourly_rate=rate, per_page_copy=per_copy, per_page_print=per_print, postage=postage,
        hours=hours, copy_pages=copies, print_pages=prints, postal_items=items,
        other=[(f"cost {i}", a) for i, a in enumerate(other)],
    )  # fmt: skip
    # every line is quantity × rounded rate, rounded to 2 dp; no zero lines; the total adds the rounded lines
    for line in b.lines:
        assert line.amount > 0
        assert line.amount == money(line.quantity * line.unit_cost)
        assert line.amount.as_tuple().exponent == -2
    assert b.total == sum((l.amount for l in b.lines), Decimal(0))
    assert b.total.as_tuple().exponent == -2
    expected = money(hours * rate) + money(copies * per_copy) + money(prints * per_print) + money(items * postage)
    expected += sum((money(a) for a in other), Decimal(0))
    assert b.total == expected
    # the JSON round-trips
    j = b.to_json()
    assert Decimal(j["total"]) == b.total
    assert sum(Decimal(l["amount"]) for l in j["lines"]) == b.total


# ---- refusal ----------------------------------------------------------------------------------------------------


def _deadline(due, extended_due, extended=False, start=date(2026, 11, 2)):
    return Deadline(
        regime="x", received=date(2026, 11, 2), clock_start=start, state="running", paused_days=0, due=due,  # type: ignore[arg-type]
        extension_notice_by=due, extended=extended, extended_due=extended_due, acknowledge_by=None,
        internal_target=None, explanation=(),
    )  # fmt: skip


def test_refusal_deadline_per_regime():
    dl = _deadline(date(2026, 12, 2), date(2027, 2, 2), extended=True)
    due, why = refusal_deadline("eu-gdpr", dl)
    assert due == date(2026, 12, 2) and "no extension" in why
    due, why = refusal_deadline("uk-gdpr", dl)
    assert due == date(2027, 2, 2) and "includes the notified extension" in why
    due, why = refusal_deadline("uk-gdpr", _deadline(date(2026, 12, 2), date(2027, 2, 2)))
    assert due == date(2026, 12, 2)
    due, why = refusal_deadline("uk-gdpr", _deadline(None, None, start=None))
    assert due is None and "not started" in why
    assert refusal_deadline("ccpa", _deadline(date(2026, 12, 17), date(2027, 1, 31)))[0] == date(2026, 12, 17)


def _decision(regime="uk-gdpr", on=date(2026, 11, 20), **refusal):
    r = {"scope": "whole", "items": [], "reasons": "Repeated request.", "on": on.isoformat(),
         **refusal_notice_block(ICO, regime, on, country="IE" if regime == "eu-gdpr" else None)}  # fmt: skip
    r.update(refusal)
    return {"kind": "refuse", "refusal": r}


def test_complete_refusal_has_no_problems():
    assert refusal_content_problems(_decision(), "uk-gdpr", date(2026, 11, 20)) == []
    assert refusal_content_problems(_decision("eu-gdpr"), "eu-gdpr", date(2026, 11, 20)) == []


def test_each_missing_statement_is_named():
    on = date(2026, 11, 20)
    assert refusal_content_problems({}, "uk-gdpr", on)[0].startswith("no refusal is recorded")
    assert refusal_content_problems(_decision(reasons=" "), "uk-gdpr", on) == ["the reasons for the refusal are missing"]
    p = refusal_content_problems(_decision(authority={"name": ""}), "uk-gdpr", on)
    assert "supervisory authority" in p[0] and "Information Commissioner" in p[0]
    p = refusal_content_problems(_decision(authority={"name": "ICO", "phone": "", "address": ""}), "uk-gdpr", on)
    assert "no contact details" in p[0]
    assert "judicial remedy" in refusal_content_problems(_decision(judicial_remedy=""), "uk-gdpr", on)[0]
    p = refusal_content_problems(_decision(complain_to_controller=None), "uk-gdpr", on)
    assert p == ["UK cases from 19 Jun 2026: the notice must say the person may complain to the organisation first"]
    p = refusal_content_problems(_decision(scope="partial"), "uk-gdpr", on)
    assert "each item withheld" in p[0]
    p = refusal_content_problems(_decision(items=[{"item": "HR notes", "ground": ""}]), "uk-gdpr", on)
    assert "has no ground" in p[0]


def test_complaint_to_the_organisation_only_for_uk_from_19_june_2026():
    before = date(2026, 6, 18)
    d = _decision(on=before)
    assert d["refusal"]["complain_to_controller"] is None
    assert refusal_content_problems(d, "uk-gdpr", before) == []
    assert refusal_content_problems(d, "uk-gdpr", date(2026, 6, 19)) != []
    assert refusal_content_problems(_decision("eu-gdpr", complain_to_controller=None), "eu-gdpr", date(2026, 11, 20)) == []


def test_clean_items():
    assert clean_items([(" HR  notes ", "privilege"), ("", ""), {"item": "emails", "ground": "third party"}]) == [
        {"item": "HR notes", "ground": "privilege"},
        {"item": "emails", "ground": "third party"},
    ]
    with pytest.raises(RefusalIncomplete, match="give the ground"):
        clean_items([("HR notes", "")])
    with pytest.raises(RefusalIncomplete, match="say what is withheld"):
        clean_items([("", "privilege")])


def test_refusal_block_names_the_cases_own_authority_never_the_ico_outside_the_uk():
    on = date(2026, 11, 20)
    eu = refusal_notice_block(ICO, "eu-gdpr", on, country="DE")
    assert "BfDI" in eu["authority"]["name"] and "Art 77" in eu["complaint"] and "Art 79" in eu["judicial_remedy"]
    ccpa = refusal_notice_block(ICO, "ccpa", on, country="US")
    assert ccpa["authority"]["name"] == "California Privacy Protection Agency" and "Attorney General" in ccpa["complaint"]
    for block in (eu, ccpa):
        assert "Information Commissioner" not in str(block)
    uk = refusal_notice_block(ICO, "uk-gdpr", on)
    assert uk["authority"]["name"] == ICO.name and "s.164A" in uk["complain_to_controller"]
    # an EU case with no member state names no authority, and the notice says so
    missing = {"kind": "refuse", "refusal": {"scope": "whole", "reasons": "x", **refusal_notice_block(ICO, "eu-gdpr", on)}}
    assert any("no authority is named" in p for p in refusal_content_problems(missing, "eu-gdpr", on))
    ico_for_eu = {"kind": "refuse", "refusal": {"scope": "whole", "reasons": "x", **uk}}
    assert any("names the Information Commissioner" in p for p in refusal_content_problems(ico_for_eu, "eu-gdpr", on))
