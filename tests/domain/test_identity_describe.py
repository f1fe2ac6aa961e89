"""The identity tab's plain-sentence summary says what a regulator asks first: needed, asked, seen, deleted, outcome."""

from dpo_tui.domain.identity import describe


def test_verified_record_reads_as_sentences() -> None:
    lines = describe(
        {
            "status": "verified",
            "needed": True,
            "reason": "new email address, not on record",
            "requester_kind": "self",
            "requested_on": "2026-11-03",
            "asked_for": "confirm your postcode and date of birth",
            "seen": "passport sighted",
            "matched": "name and address",
            "by": "Jordan Ellis",
            "at": "2026-11-05",
            "copy_received": True,
            "copy_deleted": True,
            "outcome": "verified",
            "outcome_on": "2026-11-05",
        }
    )
    assert lines[0] == "Identity: verified"
    assert "Asked on Tue 3 Nov 2026 for: confirm your postcode and date of birth" in lines
    assert "Seen: passport sighted; matched: name and address, checked by Jordan Ellis on Thu 5 Nov 2026" in lines
    assert "Copy received and deleted" in lines
    assert lines[-1] == "Outcome: verified on Thu 5 Nov 2026"


def test_not_needed_gives_the_reason() -> None:
    assert describe({"status": "not_needed", "needed": False, "reason": "same email as on record"})[1] == (
        "Not needed: same email as on record"
    )
