"""Decision verbs: every transition and clock effect per regime, and the refusals to act."""

from __future__ import annotations

from datetime import date

import pytest

from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.decisions import (
    ChosenGround,
    ClarificationRefused,
    DecisionRefused,
    FeeRefused,
    RefusalIncomplete,
    breakdown_from_settings,
    refusal_content_problems,
)
from dpo_tui.domain.errors import ExtensionRefused, InvalidInput, InvalidTransition
from dpo_tui.domain.rights import Right
from dpo_tui.services import decisions as dec
from tests.conftest import TODAY, new_request

REPEAT = {"repetition": "Same request as DSAR-2026-0001 three weeks ago; nothing has changed since."}


def _fee(work, hours="2"):
    return breakdown_from_settings(work.settings.fees, hours=hours, copy_pages=10, postal_items=1)


def _assessed(work, kind="fee", **req):
    case = work.log_request(new_request(**req))
    return dec.assess(work, case.ref, REPEAT, kind, version=work.version_of(case.ref))


def _kinds(detail):
    return [e.kind for e in detail.clock_events]


# ---- related cases ---------------------------------------------------------------------------------------------


def test_related_cases_by_email_and_by_name_in_the_last_12_months(work):
    old = work.log_request(new_request(received=date(2025, 10, 1)))  # > 12 months before: not earlier, but open
    work.change_status(old.ref, "completed", reason="answered before the checklist was worked", version=work.version_of(old.ref))
    by_email = work.log_request(new_request(received=date(2026, 3, 1), name="A. Lovelace"))
    work.change_status(by_email.ref, "completed", reason="answered before the checklist was worked", version=work.version_of(by_email.ref))
    by_name = work.log_request(new_request(received=date(2026, 6, 1), email="ada@other.example", rights=(Right.ERASURE,)))
    open_other = work.log_request(new_request(received=date(2026, 11, 1), name="Someone Else", rights=(Right.ACCESS, Right.ERASURE)))
    unrelated = work.log_request(new_request(received=date(2026, 10, 1), name="Bob", email="bob@example.org"))
    case = work.log_request(new_request(received=date(2026, 11, 20)))

    facts = dec.related_cases(work, case.ref)
    assert facts.window_from == date(2025, 11, 20)
    earlier = {c.ref: c for c in facts.earlier}
    assert set(earlier) == {by_email.ref, by_name.ref, open_other.ref}
    assert earlier[by_email.ref].matched_by == ("email",)
    assert earlier[by_name.ref].matched_by == ("name",)
    assert earlier[by_name.ref].rights == ("erasure",)
    assert earlier[by_name.ref].shared_rights == ()
    overlap = {c.ref: c for c in facts.open_overlap}
    assert set(overlap) == {by_name.ref, open_other.ref}
    assert overlap[open_other.ref].shared_rights == ("access",)
    assert unrelated.ref not in earlier and old.ref not in earlier and old.ref not in overlap

    assessed = dec.assess(work, case.ref, REPEAT, "fee", version=work.version_of(case.ref))
    stored = assessed.decision["assessment"]["facts"]
    assert {c["ref"] for c in stored["earlier"]} == set(earlier)
    assert {c["ref"] for c in stored["open_overlap"]} == set(overlap)


# ---- assessment -------------------------------------------------------------------------------------------------


def test_assess_stores_grounds_evidence_finding_and_audit(work):
    case = work.log_request(new_request())
    d = dec.assess(
        work, case.ref,
        [ChosenGround("offers_withdrawal", "Email 3 Nov: will drop it for a £50 voucher"),
         ChosenGround("repetition", "Same as last month")],
        "refuse", note="Weighed harm to the person: none shown", version=work.version_of(case.ref),
    )  # fmt: skip
    a = d.decision["assessment"]
    assert d.decision["kind"] == "refuse"
    assert a["finding"] == "manifestly_unfounded_and_excessive"
    assert [g["key"] for g in a["grounds"]] == ["offers_withdrawal", "repetition"]
    assert a["grounds"][0]["evidence"].startswith("Email 3 Nov")
    assert a["on"] == TODAY.isoformat()
    assert d.events[-1].kind == "decision.assessed"
    assert d.events[-1].payload["grounds"] == ["offers_withdrawal", "repetition"]
    assert d.status == "new"  # assessing alone changes nothing else


def test_assess_requires_evidence_for_each_ground(work):
    case = work.log_request(new_request())
    with pytest.raises(DecisionRefused, match="no evidence"):
        dec.assess(work, case.ref, {"repetition": "  "}, "fee", version=work.version_of(case.ref))
    assert work.get(case.ref).decision == {}


def test_fee_or_refuse_needs_a_manifest_finding(work):
    case = work.log_request(new_request())
    with pytest.raises(DecisionRefused, match="manifestly unfounded or excessive"):
        dec.assess(work, case.ref, {}, "fee", version=work.version_of(case.ref))
    with pytest.raises(DecisionRefused, match="manifestly unfounded or excessive"):
        dec.assess(work, case.ref, {}, "refuse", version=work.version_of(case.ref))
    assert dec.assess(work, case.ref, {}, "comply", version=work.version_of(case.ref)).decision["assessment"]["finding"] == "none"


def test_volume_alone_warning_is_recorded(work):
    case = work.log_request(new_request())
    d = dec.assess(work, case.ref, {"resources": "3,000 emails to review"}, "fee", version=work.version_of(case.ref))
    assert "Volume alone" in d.decision["assessment"]["warnings"][0]


# ---- fees -------------------------------------------------------------------------------------------------------


def test_fee_on_a_first_free_response_is_refused(work):
    case = work.log_request(new_request())
    with pytest.raises(FeeRefused, match="first response is free"):
        dec.request_fee(work, case.ref, _fee(work), date(2026, 11, 3), version=work.version_of(case.ref))
    dec.assess(work, case.ref, {}, "comply", version=work.version_of(case.ref))
    with pytest.raises(FeeRefused, match="first response is free"):
        dec.request_fee(work, case.ref, _fee(work), date(2026, 11, 3), version=work.version_of(case.ref))
    after = work.get(case.ref)
    assert after.status == "new" and "fee_requested" not in _kinds(after)


def test_fee_refused_when_the_assessment_decided_otherwise(work):
    d = _assessed(work, "refuse")
    with pytest.raises(FeeRefused, match="not a fee"):
        dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))


def test_uk_fee_stops_the_clock_until_paid_then_starts_it_that_day(work):
    d = _assessed(work)
    assert d.deadline.due == date(2026, 12, 2)
    d = dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    assert d.status == "awaiting_fee"
    assert d.deadline.state is ClockState.NOT_STARTED and d.deadline.due is None
    fee = d.decision["fee"]
    assert fee["total"] == "53.50" and fee["currency"] == "GBP" and fee["paid"] is None
    assert [l["amount"] for l in fee["lines"]] == ["50.00", "1.00", "2.50"]
    assert d.events[-1].kind == "decision.fee_requested"

    with pytest.raises(DecisionRefused, match="less than the fee"):
        dec.record_fee_paid(work, d.ref, "50", date(2026, 11, 20), version=work.version_of(d.ref))
    with pytest.raises(InvalidInput, match="before the fee was asked for"):
        dec.record_fee_paid(work, d.ref, "53.50", date(2026, 11, 2), version=work.version_of(d.ref))
    with pytest.raises(InvalidInput, match="future"):
        dec.record_fee_paid(work, d.ref, "53.50", date(2026, 11, 26), version=work.version_of(d.ref))

    d = dec.record_fee_paid(work, d.ref, "53.50", date(2026, 11, 20), version=work.version_of(d.ref))
    assert d.status == "in_progress"
    assert d.deadline.clock_start == date(2026, 11, 20)
    assert d.deadline.due == date(2026, 12, 21)  # 20 Dec 2026 is a Sunday
    assert d.decision["fee"]["paid"] == {"amount": "53.50", "on": "2026-11-20"}
    assert _kinds(d)[-2:] == ["fee_requested", "fee_received"]
    assert d.events[-1].kind == "decision.fee_paid"

    with pytest.raises(DecisionRefused, match="not awaiting a fee"):
        dec.record_fee_paid(work, d.ref, "53.50", date(2026, 11, 21), version=work.version_of(d.ref))


@pytest.mark.parametrize("regime,due", [("eu-gdpr", date(2026, 12, 2)), ("ccpa", date(2026, 12, 17))])
def test_fee_does_not_stop_the_clock_outside_the_uk(work, regime, due):
    d = _assessed(work, regime=regime)
    assert d.deadline.due == due
    d = dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    assert d.status == "awaiting_fee"
    assert d.deadline.state is ClockState.RUNNING and d.deadline.due == due
    d = dec.record_fee_paid(work, d.ref, "60", date(2026, 11, 20), version=work.version_of(d.ref))
    assert d.status == "in_progress" and d.deadline.due == due and d.deadline.clock_start == date(2026, 11, 2)
    assert d.decision["fee"]["paid"]["amount"] == "60.00"


def test_second_fee_request_while_unpaid_is_refused(work):
    d = _assessed(work)
    dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    with pytest.raises(FeeRefused, match="already asked"):
        dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 4), version=work.version_of(d.ref))


def test_zero_fee_is_refused(work):
    d = _assessed(work)
    with pytest.raises(InvalidInput, match="zero"):
        dec.request_fee(work, d.ref, breakdown_from_settings(work.settings.fees), date(2026, 11, 3), version=work.version_of(d.ref))


def test_further_copy_fee_never_touches_the_clock_or_status(work):
    case = work.log_request(new_request())
    work.change_status(case.ref, "in_progress", version=work.version_of(case.ref))
    before = work.get(case.ref)
    fee = breakdown_from_settings(work.settings.fees, copy_pages=120, postal_items=1)
    d = dec.record_further_copy_fee(work, case.ref, fee, date(2026, 11, 10), paid_on=date(2026, 11, 12), note="second copy", version=work.version_of(case.ref))
    assert d.status == "in_progress"
    assert _kinds(d) == _kinds(before) == ["received"]
    assert d.deadline.due == before.deadline.due
    (entry,) = d.decision["further_copies"]
    assert entry["total"] == "14.50" and entry["paid"] == {"amount": "14.50", "on": "2026-11-12"}
    assert "fee" not in d.decision
    assert d.events[-1].kind == "decision.further_copy_fee"
    # and it does not open the door to a first-response fee
    with pytest.raises(FeeRefused):
        dec.request_fee(work, case.ref, fee, date(2026, 11, 12), version=work.version_of(case.ref))


def test_further_copy_fee_needs_an_access_request(work):
    case = work.log_request(new_request(rights=(Right.ERASURE,)))
    with pytest.raises(FeeRefused, match="access"):
        dec.record_further_copy_fee(work, case.ref, _fee(work), date(2026, 11, 10), version=work.version_of(case.ref))


# ---- refusals ---------------------------------------------------------------------------------------------------


def test_whole_refusal_closes_the_case_with_a_complete_notice(work):
    d = _assessed(work, "refuse")
    d = dec.refuse(work, d.ref, "whole", [], "The request repeats DSAR-2026-0001 with no change.", date(2026, 11, 20), version=work.version_of(d.ref))
    assert d.status == "refused" and d.outcome == "refused"
    assert d.final_response_on == date(2026, 11, 20)
    r = d.decision["refusal"]
    assert d.decision["kind"] == "refuse"
    assert r["scope"] == "whole" and r["deadline"] == "2026-12-02" and r["late"] is False
    assert r["authority"]["name"].startswith("Information Commissioner")
    assert r["authority"]["phone"]
    assert r["judicial_remedy"] and r["complain_to_controller"]  # UK after 19 Jun 2026
    assert refusal_content_problems(d.decision, "uk-gdpr", date(2026, 11, 20)) == []
    assert d.events[-1].kind == "decision.refused"
    with pytest.raises(DecisionRefused, match="reopen"):
        dec.refuse(work, d.ref, "whole", [], "again", date(2026, 11, 21), version=work.version_of(d.ref))


def test_whole_refusal_needs_a_finding_or_an_exemption(work):
    case = work.log_request(new_request())
    with pytest.raises(RefusalIncomplete, match="manifestly unfounded or excessive"):
        dec.refuse(work, case.ref, "whole", [], "No.", date(2026, 11, 20), version=work.version_of(case.ref))
    with pytest.raises(RefusalIncomplete, match="reasons"):
        dec.refuse(work, case.ref, "whole", [("all data", "legal professional privilege")], " ", date(2026, 11, 20), version=work.version_of(case.ref))
    d = dec.refuse(work, case.ref, "whole", [("all data", "legal professional privilege")], "Privileged.", date(2026, 11, 20), version=work.version_of(case.ref))
    assert d.status == "refused"


def test_partial_refusal_is_per_item_and_keeps_the_case_in_work(work):
    case = work.log_request(new_request())
    with pytest.raises(RefusalIncomplete, match="ground"):
        dec.refuse(work, case.ref, "partial", [("HR investigation notes", "")], "Some withheld.", date(2026, 11, 20), version=work.version_of(case.ref))
    with pytest.raises(RefusalIncomplete, match="partial refusal lists"):
        dec.refuse(work, case.ref, "partial", [], "Some withheld.", date(2026, 11, 20), version=work.version_of(case.ref))
    d = dec.refuse(
        work, case.ref, "partial",
        [("Emails naming colleagues", "third-party personal data"), ("Legal advice of 3 Mar", "legal professional privilege")],
        "Part of the data is exempt.", date(2026, 11, 20), version=work.version_of(case.ref),
    )  # fmt: skip
    assert d.status == "in_progress" and d.deadline.state is ClockState.RUNNING
    assert d.decision["kind"] == "refuse_in_part"
    assert [i["ground"] for i in d.decision["refusal"]["items"]] == ["third-party personal data", "legal professional privilege"]
    assert refusal_content_problems(d.decision, "uk-gdpr", date(2026, 11, 20)) == []


def test_eu_refusal_deadline_is_one_month_even_when_extended(work):
    case = work.log_request(new_request(regime="eu-gdpr"))
    dec.extend(work, case.ref, "complex", date(2026, 11, 10), "Many systems to search.", version=work.version_of(case.ref))
    dec.assess(work, case.ref, REPEAT, "refuse", version=work.version_of(case.ref))
    d = dec.refuse(work, case.ref, "whole", [], "Repeated request.", date(2026, 11, 20), version=work.version_of(case.ref))
    r = d.decision["refusal"]
    assert r["deadline"] == "2026-12-02" and "no extension" in r["deadline_explanation"]
    assert r["complain_to_controller"] is None


def test_uk_refusal_deadline_includes_a_notified_extension(work):
    case = work.log_request(new_request(received=date(2026, 9, 1)))
    dec.extend(work, case.ref, "complex", date(2026, 9, 20), "Many systems to search.", version=work.version_of(case.ref))
    dec.assess(work, case.ref, REPEAT, "refuse", version=work.version_of(case.ref))
    d = dec.refuse(work, case.ref, "whole", [], "Repeated request.", date(2026, 11, 20), version=work.version_of(case.ref))
    assert d.decision["refusal"]["deadline"] == "2026-12-01" and d.decision["refusal"]["late"] is False


def test_late_refusal_is_recorded_as_late(work):
    case = work.log_request(new_request(received=date(2026, 9, 1), regime="eu-gdpr"))
    dec.assess(work, case.ref, REPEAT, "refuse", version=work.version_of(case.ref))
    d = dec.refuse(work, case.ref, "whole", [], "Repeated request.", date(2026, 11, 20), version=work.version_of(case.ref))
    assert d.decision["refusal"]["late"] is True and d.events[-1].payload["late"] is True


# ---- extension --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "regime,before,after",
    [
        ("uk-gdpr", date(2026, 12, 2), date(2027, 2, 2)),
        ("eu-gdpr", date(2026, 12, 2), date(2027, 2, 2)),
        ("ccpa", date(2026, 12, 17), date(2027, 1, 31)),
    ],
)
def test_extension_in_time_moves_the_due_date(work, regime, before, after):
    case = work.log_request(new_request(regime=regime))
    assert case.deadline.effective_due == before
    d = dec.extend(work, case.ref, "complex", date(2026, 11, 20), "Twelve systems hold the data.", version=work.version_of(case.ref))
    assert d.deadline.extended and d.deadline.effective_due == after
    assert d.decision["extension"] == {
        "reason": "complex", "told_on": "2026-11-20", "note": "Twelve systems hold the data.",
        "due_before": before.isoformat(), "due_after": after.isoformat(),
    }  # fmt: skip
    assert _kinds(d)[-1] == "extended"
    assert d.events[-1].kind == "decision.extended"
    assert any("extended" in line for line in d.deadline.explanation)


def test_late_extension_is_refused_with_the_reason(work):
    case = work.log_request(new_request(received=date(2026, 10, 1)))  # due Mon 2 Nov 2026
    with pytest.raises(ExtensionRefused, match="(?i)too late"):
        dec.extend(work, case.ref, "complex", date(2026, 11, 20), "Complex.", version=work.version_of(case.ref))
    d = work.get(case.ref)
    assert not d.deadline.extended and "extended" not in _kinds(d) and "extension" not in d.decision


def test_second_extension_is_refused(work):
    case = work.log_request(new_request())
    dec.extend(work, case.ref, "several_requests", date(2026, 11, 10), "Three requests at once.", version=work.version_of(case.ref))
    with pytest.raises(ExtensionRefused, match="(?i)already extended"):
        dec.extend(work, case.ref, "complex", date(2026, 11, 11), "Complex.", version=work.version_of(case.ref))


def test_extension_refused_while_the_clock_has_not_started(work):
    d = _assessed(work)
    dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    with pytest.raises(ExtensionRefused, match="(?i)not started"):
        dec.extend(work, d.ref, "complex", date(2026, 11, 10), "Complex.", version=work.version_of(d.ref))


def test_extension_needs_reason_and_note(work):
    case = work.log_request(new_request())
    with pytest.raises(InvalidInput, match="reason"):
        dec.extend(work, case.ref, "busy", date(2026, 11, 10), "We are busy.", version=work.version_of(case.ref))
    with pytest.raises(InvalidInput, match="note"):
        dec.extend(work, case.ref, "complex", date(2026, 11, 10), "", version=work.version_of(case.ref))


# ---- clarification ----------------------------------------------------------------------------------------------


def test_uk_access_clarification_stops_and_restarts_the_clock(work):
    case = work.log_request(new_request())
    d = dec.ask_clarification(work, case.ref, "Which accounts do you mean?", "identify", date(2026, 11, 5), version=work.version_of(case.ref))
    assert d.status == "awaiting_clarification"
    assert d.deadline.state is ClockState.STOPPED
    assert d.decision["clarification"]["rounds"][0]["stops_clock"] is True
    with pytest.raises(ClarificationRefused, match="already outstanding"):
        dec.ask_clarification(work, case.ref, "And?", "identify", date(2026, 11, 6), version=work.version_of(case.ref))
    with pytest.raises(InvalidInput, match="before the question"):
        dec.record_clarification_answer(work, case.ref, "The old one", date(2026, 11, 4), version=work.version_of(case.ref))
    d = dec.record_clarification_answer(work, case.ref, "The shop account", date(2026, 11, 9), version=work.version_of(case.ref))
    assert d.status == "in_progress"
    assert d.deadline.state is ClockState.RUNNING
    assert d.deadline.paused_days == 5
    assert d.deadline.due == date(2026, 12, 7)
    rnd = d.decision["clarification"]["rounds"][0]
    assert rnd["answer"] == "The shop account" and rnd["answered_on"] == "2026-11-09"
    assert _kinds(d)[-2:] == ["clarification_asked", "clarification_answered"]
    assert [e.kind for e in d.events][-2:] == ["decision.clarification_asked", "decision.clarification_answered"]
    with pytest.raises(DecisionRefused, match="no clarification question"):
        dec.record_clarification_answer(work, case.ref, "again", date(2026, 11, 10), version=work.version_of(case.ref))


@pytest.mark.parametrize("regime,rights", [("eu-gdpr", (Right.ACCESS,)), ("ccpa", (Right.ACCESS,)), ("uk-gdpr", (Right.ERASURE,))])
def test_clarification_does_not_stop_the_clock_elsewhere(work, regime, rights):
    case = work.log_request(new_request(regime=regime, rights=rights))
    due = case.deadline.due
    d = dec.ask_clarification(work, case.ref, "Which accounts?", "identify", date(2026, 11, 5), version=work.version_of(case.ref))
    assert d.status == "awaiting_clarification"
    assert d.deadline.state is ClockState.RUNNING and d.decision["clarification"]["rounds"][0]["stops_clock"] is False
    d = dec.record_clarification_answer(work, case.ref, "The shop", date(2026, 11, 9), version=work.version_of(case.ref))
    assert d.deadline.due == due and d.deadline.paused_days == 0


def test_format_only_clarification_is_refused(work):
    case = work.log_request(new_request())
    with pytest.raises(ClarificationRefused, match="format"):
        dec.ask_clarification(work, case.ref, "PDF or paper?", "format", date(2026, 11, 5), version=work.version_of(case.ref))
    d = work.get(case.ref)
    assert d.status == "new" and _kinds(d) == ["received"]


def test_clarification_refused_while_awaiting_fee(work):
    d = _assessed(work)
    dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    with pytest.raises(InvalidTransition):
        dec.ask_clarification(work, d.ref, "Which?", "identify", date(2026, 11, 5), version=work.version_of(d.ref))


# ---- flags and no-response closure ------------------------------------------------------------------------------


def test_flags_unpaid_fee_and_unanswered_question_after_policy_days(work):
    old_fee = _assessed(work, received=date(2026, 10, 1))
    dec.request_fee(work, old_fee.ref, _fee(work), date(2026, 10, 2), version=work.version_of(old_fee.ref))  # 54 days ago
    new_fee = _assessed(work, received=date(2026, 11, 20))
    dec.request_fee(work, new_fee.ref, _fee(work), date(2026, 11, 21), version=work.version_of(new_fee.ref))
    q = work.log_request(new_request(received=date(2026, 10, 20)))
    dec.ask_clarification(work, q.ref, "Which?", "identify", date(2026, 10, 27), version=work.version_of(q.ref))  # exactly 29 days
    answered = work.log_request(new_request(received=date(2026, 10, 1)))
    dec.ask_clarification(work, answered.ref, "Which?", "identify", date(2026, 10, 2), version=work.version_of(answered.ref))
    dec.record_clarification_answer(work, answered.ref, "This", date(2026, 10, 3), version=work.version_of(answered.ref))

    fl = dec.flags(work)
    assert [(f.ref, f.kind, f.days) for f in fl] == [
        (old_fee.ref, "fee_unpaid", 54),
        (q.ref, "clarification_unanswered", 29),
    ]
    assert "policy: flag after 28" in fl[0].message

    d = dec.close_no_response(work, q.ref, version=work.version_of(q.ref))
    assert d.status == "withdrawn" and d.outcome == "no_response"
    d = dec.close_no_response(work, old_fee.ref, version=work.version_of(old_fee.ref))
    assert d.outcome == "fee_unpaid"
    assert dec.flags(work) == []
    with pytest.raises(DecisionRefused):
        dec.close_no_response(work, answered.ref, version=work.version_of(answered.ref))


def test_stale_version_is_refused(work):
    from dpo_tui.services.casework import StaleCase

    case = work.log_request(new_request())
    dec.assess(work, case.ref, {}, "comply", version=work.version_of(case.ref))
    with pytest.raises(StaleCase):
        dec.assess(work, case.ref, {}, "comply", version=case.version)


def test_describe_lists_each_part(work):
    d = _assessed(work)
    d = dec.request_fee(work, d.ref, _fee(work), date(2026, 11, 3), version=work.version_of(d.ref))
    lines = dec.describe(d.decision)
    assert lines[0] == "Decision: fee"
    assert any("£53.50" in l and "unpaid" in l for l in lines)


def test_refusal_refused_when_the_settings_lack_the_authority_contacts(sqlite_url, settings):

    from dpo_tui.domain.organisation import Authority
    from tests.conftest import make_work

    org = settings.organisation._replace(supervisory_authority=Authority("Information Commissioner's Office", "", "", ""))
    work = make_work(sqlite_url, settings._replace(organisation=org))
    d = _assessed(work, "refuse")
    with pytest.raises(RefusalIncomplete, match="no contact details"):
        dec.refuse(work, d.ref, "whole", [], "Repeated request.", date(2026, 11, 20), version=work.version_of(d.ref))
    assert work.get(d.ref).status == "new" and "refusal" not in work.get(d.ref).decision
    work.db.dispose()


def test_demo_stories_leave_each_kind_of_decision(sqlite_work):
    import random

    from dpo_tui.demo.decision_stories import STORIES

    work = sqlite_work
    rng = random.Random(1)
    for story in STORIES:
        story(work, TODAY, rng)
    cases = {c.ref: work.get(c.ref) for c in work.list_cases()}
    by_story = {}
    for d in cases.values():
        by_story.setdefault(d.requester["name"], []).append(d)
    unpaid = by_story["Marcus Hale"][-1]
    assert unpaid.status == "awaiting_fee" and unpaid.deadline.state is ClockState.NOT_STARTED
    assert len(unpaid.decision["assessment"]["facts"]["earlier"]) == 2
    assert [f.ref for f in dec.flags(work)] == [unpaid.ref]
    paid = by_story["Olivia Brandt"][0]
    assert paid.status == "in_progress" and paid.deadline.clock_start == date(2026, 11, 5)
    whole = by_story["Victor Crane"][0]
    assert whole.status == "refused" and len(whole.decision["assessment"]["grounds"]) == 3
    assert refusal_content_problems(whole.decision, whole.regime, date.fromisoformat(whole.decision["refusal"]["on"])) == []
    part = by_story["Hannah Okafor"][0]
    assert part.status == "in_progress" and len(part.decision["refusal"]["items"]) == 2
    assert by_story["Ibrahim Saleh"][0].deadline.extended
    pending = by_story["Priya Natarajan"][0]
    assert pending.status == "awaiting_clarification" and pending.deadline.state is ClockState.STOPPED
    answered = by_story["Tomás Ruiz"][0]
    assert answered.status == "in_progress" and answered.deadline.paused_days == 6
    repeat = by_story["Grace Whitfield"][-1]
    assert {c["matched_by"][0] for c in repeat.decision["assessment"]["facts"]["earlier"]} == {"email"}
    assert len(repeat.decision["assessment"]["facts"]["earlier"]) == 2


def test_a_wait_is_flagged_after_the_policy_days_not_on_the_last_day(work):
    """'Flag after 28 days': asked 28 days ago is not flagged yet, 29 days ago is, by the decision flags and by the
    queue's marker alike (one rule: domain.lifecycle.waited_too_long)."""
    from dpo_tui.domain.lifecycle import waited_too_long

    on_day_28 = work.log_request(new_request(received=date(2026, 10, 20)))
    dec.ask_clarification(work, on_day_28.ref, "Which?", "identify", date(2026, 10, 28), version=work.version_of(on_day_28.ref))
    on_day_29 = work.log_request(new_request(received=date(2026, 10, 20)))
    dec.ask_clarification(work, on_day_29.ref, "Which?", "identify", date(2026, 10, 27), version=work.version_of(on_day_29.ref))
    assert [f.ref for f in dec.flags(work, TODAY)] == [on_day_29.ref]
    assert not waited_too_long(date(2026, 10, 28), TODAY, 28) and waited_too_long(date(2026, 10, 27), TODAY, 28)
