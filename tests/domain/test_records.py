"""The typed identity and decision records read every shape earlier code stored, and write the current layout."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.identity import IdStatus, Method, RequesterKind, describe
from dpo_tui.domain.records import (
    Authority,
    Child,
    DecisionRecord,
    IdentityFacts,
    IdentityRecord,
    RecordTooNew,
)
from dpo_tui.domain.states import DecisionKind, RefusalScope

# As request_identity wrote it (schema 1), then record_received and record_outcome updated it.
CURRENT = {
    "schema": "dpo-tui/identity/1", "status": "verified", "needed": True, "reason": "not a recognised contact",
    "facts": {"recognised_contact": None, "sensitive": True, "mismatch": False}, "requester_kind": "solicitor",
    "authority": {"needed": True, "evidence": "letter of authority", "asked_for": "written authority",
                  "requested_on": "2026-11-03", "received_on": "2026-11-06"},
    "child": None, "method": "document_sighting", "asked_for": "photo ID\nproof of address", "id_requested": True,
    "requested_on": "2026-11-03", "requested_by": "dpo", "seen": "passport sighted", "matched": "name, address",
    "by": "dpo", "at": "2026-11-06", "copy_received": True, "copy_deleted": True, "outcome": "verified",
    "outcome_reason": None, "outcome_on": "2026-11-07", "rounds": 1, "previous": [], "late": None, "outcome_by": "dpo",
}  # fmt: skip


def test_a_current_identity_record_reads_typed_and_writes_back_unchanged() -> None:
    rec = IdentityRecord.from_json(CURRENT)
    assert rec.status is IdStatus.VERIFIED and rec.requester_kind is RequesterKind.SOLICITOR
    assert rec.method is Method.DOCUMENT_SIGHTING and rec.requested_on == date(2026, 11, 3)
    assert rec.authority == Authority(True, "letter of authority", "written authority", date(2026, 11, 3), date(2026, 11, 6))
    assert rec.asked_for_lines == ["photo ID", "proof of address"] and rec.settled
    assert rec.to_json() == CURRENT
    assert list(rec.to_json()) == list(CURRENT)  # the documented key order (exports print it as stored)


def test_identity_records_as_older_code_wrote_them_still_load() -> None:
    # The first release: no schema key, no id_requested (ID was always asked for), no authority or rounds; the
    # first letters code's words: `requested` for what was asked, `failure_reason`, status "failed".
    old = {"status": "failed", "needed": True, "requested": ["photo ID", "utility bill"], "requested_on": "2026-01-05",
           "failure_reason": "documents did not match", "outcome": "could_not_verify"}  # fmt: skip
    rec = IdentityRecord.from_json(old)
    assert rec.status is IdStatus.COULD_NOT_VERIFY and rec.outcome is IdStatus.COULD_NOT_VERIFY
    assert rec.id_requested and rec.authority == Authority() and rec.rounds == 0 and rec.child is None
    assert rec.asked_for_lines == ["photo ID", "utility bill"]
    assert rec.outcome_reason == "documents did not match" and not rec.settled
    # a "not needed" record keeps only the keys record_not_needed writes
    not_needed = {"schema": "dpo-tui/identity/1", "status": "not_needed", "needed": False, "reason": "same email",
                  "facts": {"recognised_contact": "same_email", "sensitive": False, "mismatch": False},
                  "requester_kind": "self", "by": "dpo", "at": "2026-11-02", "outcome": None}  # fmt: skip
    rec = IdentityRecord.from_json(not_needed)
    assert rec.settled and rec.facts == IdentityFacts("same_email", False, False) and rec.at == date(2026, 11, 2)
    assert describe(not_needed) == ["Identity: not needed", "Not needed: same email"]
    assert IdentityRecord.from_json(None) == IdentityRecord.from_json({}) == IdentityRecord()


def test_a_record_from_a_newer_dpo_tui_is_refused_not_misread() -> None:
    with pytest.raises(RecordTooNew, match="dpo-tui/identity/2"):
        IdentityRecord.from_json({**CURRENT, "schema": "dpo-tui/identity/2"})
    with pytest.raises(RecordTooNew):
        DecisionRecord.from_json({"schema": "dpo-tui/decision/7", "kind": "comply"})


@given(
    kind=st.sampled_from(list(RequesterKind)),
    method=st.sampled_from(list(Method)),
    rounds=st.integers(0, 5),
    on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    text=st.text(min_size=1, max_size=30),
    child=st.booleans(),
)
def test_identity_to_json_and_back_is_the_same_record(kind, method, rounds, on, text, child) -> None:  # type: ignore[no-untyped-def]
    rec = IdentityRecord(
        status=IdStatus.AWAITING, needed=True, reason=text, facts=IdentityFacts(None, True, False), requester_kind=kind,
        authority=Authority(kind.third_party, None, text if kind.third_party else None, on if kind.third_party else None),
        child=Child(7, False, False, False, text, True) if child else None, method=method, asked_for=text,
        requested_on=on, requested_by="dpo", rounds=rounds,
    )  # fmt: skip
    assert IdentityRecord.from_json(rec.to_json()) == rec


def test_decision_records_current_and_older_shapes() -> None:
    current = {
        "kind": "refuse_in_part",
        "assessment": {"on": "2026-11-20", "by": "dpo", "finding": "manifestly_excessive",
                       "grounds": [{"key": "repetition", "category": "excessive", "label": "Repeats", "evidence": "3 Nov"}]},
        "fee": {"currency": "GBP", "lines": [{"kind": "time", "label": "Staff time", "quantity": "1.5", "unit_cost": "25.00",
                                              "amount": "37.50"}], "total": "37.50", "requested_on": "2026-11-21",
                "basis": "manifestly_excessive", "paid": {"amount": "37.50", "on": "2026-11-24"}},
        "refusal": {"scope": "partial", "items": [{"item": "CCTV", "ground": "third parties"}], "reasons": "as set out",
                    "on": "2026-11-25", "authority": {"name": "ICO", "website": "ico.org.uk"}, "judicial_remedy": "courts",
                    "complain_to_controller": None},
        "extension": {"reason": "complex", "told_on": "2026-11-10", "note": "many systems", "due_before": "2026-12-01",
                      "due_after": "2027-02-01"},
        "clarification": {"rounds": [{"question": "Which account?", "purpose": "identify", "asked_on": "2026-11-05",
                                      "stops_clock": True, "answer": "the old one", "answered_on": "2026-11-08"},
                                     {"question": "Which years?", "asked_on": "2026-11-12", "answer": None,
                                      "answered_on": None, "stops_for": ["access"]}]},
        "lapses": [{"kind": "identity_requested_late", "lapsed_due": "2026-10-01", "asked_on": "2026-10-05", "reason": "r"}],
    }  # fmt: skip
    rec = DecisionRecord.from_json(current)
    assert rec.kind is DecisionKind.REFUSE_IN_PART and rec.partial_refusal and rec.finding == "manifestly_excessive"
    assert rec.fee is not None and rec.fee.total == "37.50" and not rec.fee.outstanding and rec.fee.paid.on == date(2026, 11, 24)
    assert rec.refusal is not None and rec.refusal.scope is RefusalScope.PARTIAL and rec.refusal.authority.has_contact
    assert rec.extension is not None and rec.extension.due_after == date(2027, 2, 1)
    assert rec.open_question is not None and rec.open_question.stops_for == ("access",)
    assert rec.clarifications[0].stops_for is None  # not recorded then: the deadline says
    assert rec.lapses[0].asked_on == date(2026, 10, 5)
    # The first letters code's shapes: one clarification dict under `clarifications`, a fee `breakdown` map and
    # `amount`, refusal items as `what`, reasons as a list, a `delay` note.
    older = {"clarifications": {"question": "Which shop?", "asked_on": "2026-02-01"},
             "fee": {"breakdown": {"Copies": "5.00", "Postage": "2.50"}, "requested_on": "2026-02-02"},
             "refusal": {"items": [{"what": "emails", "ground": "legal privilege"}], "reasons": ["one", "two"]},
             "extension": {"reason": "several_requests", "explanation": "three at once"}, "delay": "staff illness"}  # fmt: skip
    rec = DecisionRecord.from_json(older)
    assert rec.kind is None and rec.open_question is not None and rec.open_question.question == "Which shop?"
    assert rec.fee is not None and rec.fee.total == "7.50" and rec.fee.outstanding
    assert [(line.label, line.amount) for line in rec.fee.lines] == [("Copies", "5.00"), ("Postage", "2.50")]
    assert rec.refusal is not None and rec.refusal.items[0].item == "emails" and rec.refusal.reasons_text == "one two"
    assert rec.extension is not None and rec.extension.note == "three at once" and rec.delay_reason == "staff illness"
    assert DecisionRecord.from_json(None) == DecisionRecord()
