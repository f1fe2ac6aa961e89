"""Logging every confident triage item at once (the triage screen's `L`): the import's rule, one transaction per item."""

from __future__ import annotations

from dpo_tui.services.intake import Intake
from tests.tui.test_triage import mail, take_in


def test_log_confident_applies_the_import_rule_again_and_is_one_transaction_per_item(work) -> None:  # type: ignore[no-untyped-def]
    # Two confident items from the same sender: the first is logged; the second now looks like a reply to that open
    # case, so it is kept for the DPO exactly as `import --log-confident` keeps the second of two such messages.
    take_in(
        work,
        mail("Please delete all my personal data.", mid="d1@x", sender="Ada <ada@example.org>"),
        mail("Please send me a copy of my personal data.", mid="d2@x", sender="Ada <ada@example.org>"),
        mail("Where is my parcel?", mid="d3@x", sender="Cleo <cleo@example.org>"),
    )
    items = Intake(work).triage_items()
    assert sum(i.confident for i in items) == 2
    done = Intake(work).log_confident()
    assert len(done.created) == 1 and done.kept == 1 and done.refused == () and done.remaining == 2
    left = Intake(work).triage_items()
    kept = next(i for i in left if i.from_email == "ada@example.org")
    assert not kept.confident and kept.match_ref == done.created[0] and "same sender has open case" in kept.reason
    # nothing confident is left: a second run logs nothing
    again = Intake(work).log_confident()
    assert again.created == () and again.remaining == 2
