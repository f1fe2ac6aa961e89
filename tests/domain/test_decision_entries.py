"""The exemption log entries and the CCPA repeat-request decision of `Case.decision` are typed records that read
every shape already stored in databases and write the stored layout back unchanged."""

from __future__ import annotations

from datetime import date

from dpo_tui.domain.exemptions import letter_lines, make_entry
from dpo_tui.domain.records import DecisionRecord, ExemptionEntry, RepeatDecision

# As services/decisions.add_exemption stored an entry before the entries were typed (domain/exemptions.make_entry).
STORED_ENTRY = {
    "id": 1, "item": "emails between the account managers", "action": "withheld", "exemption": "third_party",
    "citation": "DPA 2018 Sch 2 para 16", "label": "Third-party data", "law": None,
    "reasoning": "They are about the managers, not the requester.", "ncnd": False, "by": "dpo", "on": "2026-11-10",
}  # fmt: skip
STORED_REPEAT = {
    "earlier": ["DSR-2026-0001", "DSR-2026-0002"], "decision": "decline", "note": "third request this year",
    "by": "dpo", "on": "2026-11-03", "source": "Cal. Civ. Code 1798.130(b)",
}  # fmt: skip


def test_a_stored_entry_reads_typed_and_writes_back_unchanged() -> None:
    entry = ExemptionEntry.from_json(STORED_ENTRY)
    assert (entry.id, entry.action, entry.on, entry.ncnd, entry.law) == (1, "withheld", date(2026, 11, 10), False, None)
    assert entry.to_json() == STORED_ENTRY
    assert list(entry.to_json()) == list(STORED_ENTRY)  # the key order exports print


def test_make_entry_builds_the_layout_that_was_stored() -> None:
    entry = make_entry("uk-gdpr", entry_id=1, item=" emails between  the account managers", action="withheld",
                       exemption="third_party", reasoning="They are about the managers, not the requester.", law="",
                       ncnd=False, by="dpo", on=date(2026, 11, 10))  # fmt: skip
    assert entry.to_json() == {**STORED_ENTRY, "citation": entry.citation, "label": entry.label}
    assert letter_lines([entry]) == [f"emails between the account managers (withheld): {entry.citation}, "
                                     f"{entry.label[0].lower() + entry.label[1:]}"]  # fmt: skip
    assert letter_lines([ExemptionEntry.from_json({**STORED_ENTRY, "ncnd": True})]) == []


def test_entries_in_other_shapes_still_load() -> None:
    """An id stored as text, keys missing, a date that is not one: read, never raised on."""
    entry = ExemptionEntry.from_json({"id": "3", "item": "CCTV", "action": "redacted", "citation": "Art 15(4)", "on": "soon"})
    assert (entry.id, entry.item, entry.label, entry.law, entry.by, entry.on, entry.ncnd) == (3, "CCTV", "", None, "", None, False)
    assert ExemptionEntry.from_json({"id": None}).id == 0


def test_a_stored_repeat_decision_reads_typed_and_writes_back_unchanged() -> None:
    repeat = RepeatDecision.from_json(STORED_REPEAT)
    assert repeat is not None and repeat.declined and repeat.earlier == ("DSR-2026-0001", "DSR-2026-0002")
    assert repeat.on == date(2026, 11, 3)
    assert repeat.to_json() == STORED_REPEAT and list(repeat.to_json()) == list(STORED_REPEAT)
    assert RepeatDecision.from_json(None) is None and RepeatDecision.from_json({}) is None
    assert RepeatDecision.from_json({"decision": "answer", "earlier": "x"}) == RepeatDecision((), "answer", "", "", None, "")


def test_the_decision_record_holds_them_typed() -> None:
    raw = {"schema": "dpo-tui/decision/1", "kind": "refuse", "exemptions": [STORED_ENTRY, "not an entry"],
           "ccpa_repeat": STORED_REPEAT}  # fmt: skip
    rec = DecisionRecord.from_json(raw)
    assert rec.exemptions == (ExemptionEntry.from_json(STORED_ENTRY),)
    assert rec.ccpa_repeat == RepeatDecision.from_json(STORED_REPEAT)
    assert DecisionRecord.from_json({}).ccpa_repeat is None and DecisionRecord.from_json({}).exemptions == ()
