"""Retention of dpo-tui's own case files, legal holds, and which actions an undo may reverse (pure rules, no I/O).

rights-requests.md 6-7: there is no statutory period in the UK, so how long a closed case file is kept is **policy**
(default 2 years after closure; per-right overrides, the longest of a case's rights wins), extended while a complaint
or claim is open (a legal hold). When the period ends the case is purged or anonymised (policy, default
`anonymise`); its register row is kept either way, without personal data, for the statistics the law asks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.retention_actions import DEFAULT_ACTION


@dataclass(frozen=True)
class RetentionPolicy:
    years: int = 2
    by_right: Mapping[str, int] = field(default_factory=dict)
    action: str = DEFAULT_ACTION


@dataclass(frozen=True)
class RetentionDate:
    """When a closed case's file may go, and why that date."""

    closed_on: date
    years: int
    until: date
    explanation: str

    def due(self, today: date) -> bool:
        return self.until <= today


def retention_until(closed_on: date, rights: Sequence[str], policy: RetentionPolicy) -> RetentionDate:
    """Closure date + the longest period among the case's rights (per-right override, else the default). A period
    ending on 29 February of a year without one ends on the 28th (relativedelta clips to the month's end)."""
    periods = [(policy.by_right.get(r, policy.years), r if r in policy.by_right else None) for r in rights]
    years, right = max(periods or [(policy.years, None)], key=lambda p: (p[0], p[1] is None))
    unit = f"{years} year{'s' * (years != 1)}"
    basis = f"{unit} (policy for {right.replace('_', ' ')})" if right else f"{unit} (policy)"
    until = closed_on + relativedelta(years=years)
    clipped = " (no 29 Feb that year)" if closed_on.month == 2 and closed_on.day == 29 and until.day == 28 else ""
    return RetentionDate(closed_on, years, until, f"closed {fmt(closed_on)} + {basis} → {fmt(until)}{clipped}")


def check_hold(reason: str, review_on: date, today: date) -> str | None:
    """Why a hold cannot be placed as given, or None."""
    if not " ".join(reason.split()):
        return "reason: say why the case is held (litigation, a complaint to the regulator, ...)"
    if review_on <= today:
        return f"review date: {fmt(review_on)} is not after today; a hold is reviewed in the future"
    if review_on > today + relativedelta(years=10):
        return f"review date: {review_on.isoformat()} is more than ten years ahead"
    return None


# ---- undo ------------------------------------------------------------------------------------------------------
# The one place that says which actions an undo may reverse. Every kind of audit event on a case is either here
# (with what its undo does) or refused with the reason a user is shown; a kind in neither is refused as
# "not undoable" (a new kind of action is never undone by accident). services/undo.py implements each member.

UNDOABLE: dict[str, str] = {
    "case.status": "the status goes back to what it was (closing, reopening or moving a case)",
    "case.assigned": "the assignee goes back to who it was",
    "note.added": "the note is withdrawn (its audit event stays)",
    "follow_up.set": "the follow-up is withdrawn",
    "follow_up.done": "the follow-ups marked done are open again",
    "checklist.ticked": "the item is open again",
    "checklist.not_applicable": "the item is open again",
}

REFUSED: dict[str, str] = {
    "letter.sent": "a letter sent to the requester cannot be unsent",
    "letter.saved": "a letter saved as sent (correspondence) cannot be taken back; record a correction instead",
    "audit.purged": "a retention purge cannot be undone: the personal data is gone",
    "case.logged": "logging a request cannot be undone (references are never reused); withdraw the case instead",
    "case.undo": "an undo cannot itself be undone; do the action again",
    "hold.placed": "a legal hold is released with its own reason (H on the case, or `dpo-tui hold release`), not undone",
    "hold.released": "a released hold is placed again with its reason and review date, not undone",
    "intake.attached": "a message received from the requester stays on the case as evidence",
    "decision.extended": "the requester has been told of the extension",
    "decision.clarification_asked": "the clarification question has gone to the requester",
    "decision.fee_requested": "the fee request has gone to the requester",
    "identity.requested": "the identity request has gone to the requester",
}
_DECISION = "a decision or identity step changes the legal clock and the record of what was decided; correct it through its walkthrough"


def undo_refusal(kind: str) -> str | None:
    """Why an action of this kind cannot be undone, or None when it can."""
    if kind in UNDOABLE:
        return None
    if kind in REFUSED:
        return REFUSED[kind]
    if kind.startswith(("decision.", "identity.", "checklist.", "exemption")):
        return _DECISION if not kind.startswith("checklist.") else "this checklist step is corrected on the checklist"
    return f"'{kind}' is not an action an undo can reverse"
