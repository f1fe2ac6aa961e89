"""Issue 15: every letter, per regime. An EU or CCPA letter never names the ICO; each names its own authority and
carries the statements its law requires; the listed letter defects stay fixed."""

from __future__ import annotations

from datetime import date

import pytest

from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.domain.rights import Right
from dpo_tui.letters import KINDS
from dpo_tui.services import checklist_work as cw
from dpo_tui.services import decisions as dec
from dpo_tui.services import identity as idv
from dpo_tui.services.letters import available_letters, render_letter
from tests.conftest import new_request

REPEAT = {"repetition": "Same request as three weeks ago; nothing has changed since."}
REGIMES = {
    "uk-gdpr": {},
    "eu-gdpr": {"regime": "eu-gdpr", "member_state": "DE"},
    "ccpa": {"regime": "ccpa"},
}
AUTHORITY = {
    "uk-gdpr": "Information Commissioner's Office",
    "eu-gdpr": "Der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI)",
    "ccpa": "California Privacy Protection Agency",
}
# Letters that tell the person where to complain.
COMPLAINT_LETTERS = {"could_not_verify", "extension_notice", "refusal_notice", "response_cover", "restriction_lift_notice",
                     "objection_confirmation", "complaint_acknowledgement", "complaint_outcome"}  # fmt: skip


def _spread(work, regime: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Cases of one regime on which, together, every letter kind applies; {kind: ref}."""
    kw = REGIMES[regime]
    n = iter(range(100))

    def log(**more):  # type: ignore[no-untyped-def]
        return work.log_request(new_request(email=f"p{next(n)}@example.org", **{**kw, **more})).ref

    a = log(rights=(Right.ACCESS, Right.ERASURE, Right.OBJECTION))
    work.change_status(a, "in_progress", version=work.version_of(a))
    dec.extend(work, a, "complex", date(2026, 11, 10), "Many systems.", version=work.version_of(a))
    cw.tick(work, a, "objection.direct_marketing", version=work.version_of(a))
    b = log()
    dec.assess(work, b, REPEAT, "fee", version=work.version_of(b))
    dec.request_fee(work, b, breakdown_from_settings(work.settings.fees, hours="1"), date(2026, 11, 3), version=work.version_of(b))
    c = log()
    dec.assess(work, c, REPEAT, "refuse", version=work.version_of(c))
    dec.refuse(work, c, "whole", [], "Repeats.", date(2026, 11, 20), version=work.version_of(c))
    d = log()
    dec.ask_clarification(work, d, "Which account?", "identify", date(2026, 11, 4), version=work.version_of(d))
    e = log()
    idv.request_identity(work, e, requester_kind="self", what="your account number", on=date(2026, 11, 3), version=work.version_of(e))
    idv.record_outcome(work, e, "could_not_verify", on=date(2026, 11, 20), reason="The address does not match.", version=work.version_of(e))
    f = log(rights=(Right.RESTRICTION,))
    # complaints to the organisation (DPA 2018 s.164A for UK; the organisation's own process elsewhere)
    from dpo_tui.services.complaints import acknowledge_complaint, log_complaint, record_complaint_outcome

    g = log_complaint(work, f, grounds="No reply yet.", received=date(2026, 11, 20)).ref
    h = log_complaint(work, f, grounds="The reply was incomplete.", received=date(2026, 11, 20)).ref
    acknowledge_complaint(work, h, on=date(2026, 11, 21), version=work.version_of(h))
    record_complaint_outcome(work, h, outcome="not_upheld", findings="The reply was complete.", on=date(2026, 11, 24), version=work.version_of(h))
    out: dict[str, str] = {}
    for ref in (a, b, c, d, e, f, g, h):
        for k in available_letters(work, ref):
            out.setdefault(k.key, ref)
    return out


@pytest.mark.parametrize("regime", list(REGIMES))
def test_every_letter_of_every_regime_names_its_own_authority(work, regime: str) -> None:  # type: ignore[no-untyped-def]
    letters = _spread(work, regime)
    expected = set(KINDS) - ({"restriction_lift_notice"} if regime == "ccpa" else set())
    assert set(letters) == expected
    for kind, ref in letters.items():
        body = render_letter(work, ref, kind).body
        assert "{{" not in body and "{%" not in body
        if regime != "uk-gdpr":
            assert "Information Commissioner" not in body and "ICO" not in body, (regime, kind)
        if kind in COMPLAINT_LETTERS:
            assert AUTHORITY[regime] in body, (regime, kind)
        if regime == "ccpa":
            assert "Art 15" not in body and "GDPR" not in body, kind
        if regime == "eu-gdpr" and kind in COMPLAINT_LETTERS:
            assert "Art 77" in body and "in Germany" in body, kind


@pytest.mark.parametrize("regime", list(REGIMES))
def test_refusal_and_could_not_verify_carry_every_remedy(work, regime: str) -> None:  # type: ignore[no-untyped-def]
    letters = _spread(work, regime)
    for kind in ("refusal_notice", "could_not_verify"):
        body = render_letter(work, letters[kind], kind).body
        judicial = {"uk-gdpr": "judicial remedy", "eu-gdpr": "judicial remedy", "ccpa": "1798.150"}[regime]
        assert judicial in body, (regime, kind)
        # UK from 19 Jun 2026 (today is 25 Nov 2026): complain to the organisation first, DPA 2018 s.164A
        assert ("s.164A" in body) is (regime == "uk-gdpr"), (regime, kind)


def test_clarification_letter_says_the_clock_stops_only_for_uk_access(work) -> None:  # type: ignore[no-untyped-def]
    def letter(**kw):  # type: ignore[no-untyped-def]
        ref = work.log_request(new_request(email=f"{len(kw)}{sorted(kw)}@example.org".replace(" ", "").replace("'", ""), **kw)).ref
        dec.ask_clarification(work, ref, "Which account?", "identify", date(2026, 11, 4), version=work.version_of(ref))
        return render_letter(work, ref, "clarification_request").body

    access = letter()
    assert "paused" in access and "starts again on the day after we receive your reply" in access
    assert "resumes the day we receive" not in access
    erasure = letter(rights=(Right.ERASURE,))
    assert "paused" not in erasure
    both = letter(rights=(Right.ACCESS, Right.ERASURE))
    assert "access request is paused" in both and "The rest of your request is not paused" in both
    assert "paused" not in letter(regime="eu-gdpr", member_state="IE")


def test_fee_request_names_its_ground(work) -> None:  # type: ignore[no-untyped-def]
    for regime, cite in (("uk-gdpr", "UK GDPR Art 12(5)(a)"), ("eu-gdpr", "GDPR Art 12(5)(a)"), ("ccpa", "1798.145")):
        ref = work.log_request(new_request(email=f"{regime}@example.org", **REGIMES[regime])).ref
        dec.assess(work, ref, REPEAT, "fee", version=work.version_of(ref))
        dec.request_fee(work, ref, breakdown_from_settings(work.settings.fees, hours="1"), date(2026, 11, 3), version=work.version_of(ref))
        body = render_letter(work, ref, "fee_request").body
        assert "manifestly excessive" in body and cite in body, regime


def test_uk_automated_decisions_cite_arts_22a_to_22d(work) -> None:  # type: ignore[no-untyped-def]
    uk = work.log_request(new_request(rights=(Right.AUTOMATED_DECISION,))).ref
    body = render_letter(work, uk, "acknowledgement").body
    assert "Arts 22A-22D" in body and "Art 22)" not in body
    eu = work.log_request(new_request(email="eu@example.org", rights=(Right.AUTOMATED_DECISION,), **REGIMES["eu-gdpr"])).ref
    assert "(Art 22)" in render_letter(work, eu, "acknowledgement").body


def test_art_19_notification_only_when_the_notify_items_were_ticked(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(rights=(Right.RECTIFICATION,))).ref
    d = work.change_status(ref, "in_progress", version=work.version_of(ref))
    body = render_letter(work, ref, "response_cover").body
    assert "Art 19" not in body and "told anyone" not in body
    notify = [i for i in d.checklist if i.key.startswith("rectification.notify.")]
    assert notify, [i.key for i in d.checklist]
    for item in notify:
        cw.tick(work, ref, item.key, version=work.version_of(ref))
    assert "(Art 19)" in render_letter(work, ref, "response_cover").body


def test_ccpa_acknowledgement_and_response_to_know(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(**REGIMES["ccpa"])).ref
    ack = render_letter(work, ref, "acknowledgement").body
    assert "verify" in ack and "45 days" in ack and "right to know (Cal. Civ. Code 1798.110 and 1798.115)" in ack
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    body = render_letter(work, ref, "response_cover").body
    for heading in ("Categories of personal information", "Categories of sources", "business or commercial purposes",
                    "Categories of third parties", "12 months", "Social Security number"):  # fmt: skip
        assert heading in body
    assert "HubSpot" in body or "LinkedIn" in body


def test_restriction_lift_notice_cites_art_18_3(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(rights=(Right.RESTRICTION,))).ref
    assert "UK GDPR Art 18(3)" in render_letter(work, ref, "restriction_lift_notice").body


def test_direct_marketing_is_a_recorded_decision_never_inferred(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.objection import suggest_direct_marketing
    from dpo_tui.services.letters import letter_choices

    assert suggest_direct_marketing("stop profiling me for ads") == "ads"
    assert suggest_direct_marketing("stop using my data for fraud scoring") is None
    ref = work.log_request(new_request(rights=(Right.OBJECTION,), description="stop profiling me for ads")).ref
    reason = {c.kind: c.reason for c in letter_choices(work, ref)}["objection_confirmation"]
    assert "record first whether the objection is to direct marketing" in reason and "'ads'" in reason
    cw.tick(work, ref, "objection.direct_marketing", version=work.version_of(ref))
    body = render_letter(work, ref, "objection_confirmation").body
    assert "suppression" in body and "compelling legitimate" not in body
    other = work.log_request(new_request(email="o@example.org", rights=(Right.OBJECTION,), description="Stop the fraud scoring")).ref
    cw.mark_not_applicable(work, other, "objection.direct_marketing", "objection to fraud scoring, not marketing", version=work.version_of(other))
    body = render_letter(work, other, "objection_confirmation").body
    flat = " ".join(body.split())
    assert "compelling legitimate grounds" in flat and "Art 18(1)(d)" in flat and "suppression" not in flat


def test_access_cover_from_the_systems_where_data_was_found(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    d = work.change_status(ref, "in_progress", version=work.version_of(ref))
    for item in d.checklist:
        if item.requires_search_record:
            found = "found" if item.system_key == "crm" else "nothing_found"
            d = cw.tick(work, ref, item.key, search_terms="Ada Lovelace", found=found, version=work.version_of(ref))
    body = render_letter(work, ref, "response_cover").body
    assert "A copy of that data is enclosed" in body
    assert "None of the systems holding your data is outside the UK and EEA" in body  # the CRM is in the UK
    other = work.log_request(new_request(email="nobody@example.org")).ref
    d = work.change_status(other, "in_progress", version=work.version_of(other))
    for item in d.checklist:
        if item.requires_search_record:
            d = cw.tick(work, other, item.key, search_terms="nobody", found="nothing_found", version=work.version_of(other))
    body = render_letter(work, other, "response_cover").body
    assert "we do not hold any personal data about you" in " ".join(body.split())
    assert "A copy of that data is enclosed" not in body
