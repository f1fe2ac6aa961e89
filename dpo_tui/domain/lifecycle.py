"""The case lifecycle: statuses and the transitions the law and good practice allow, written down once."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from dpo_tui.domain.errors import InvalidTransition


class Status(StrEnum):
    NEW = "new"
    AWAITING_ID = "awaiting_id"
    AWAITING_FEE = "awaiting_fee"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED

    @property
    def awaits_requester(self) -> bool:
        return self in AWAITING


_LABELS = {
    Status.NEW: "new",
    Status.AWAITING_ID: "awaiting ID",
    Status.AWAITING_FEE: "awaiting fee",
    Status.AWAITING_CLARIFICATION: "awaiting clarification",
    Status.IN_PROGRESS: "in progress",
    Status.COMPLETED: "completed",
    Status.REFUSED: "refused",
    Status.WITHDRAWN: "withdrawn",
}

CLOSED = frozenset({Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN})
AWAITING = frozenset({Status.AWAITING_ID, Status.AWAITING_FEE, Status.AWAITING_CLARIFICATION})
OPEN = frozenset(Status) - CLOSED

# Every allowed move. A closed case may only be reopened into work (e.g. a complaint shows the response
# was incomplete); it never goes back to waiting on the requester without passing through work first.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(
        {
            Status.AWAITING_ID,
            Status.AWAITING_FEE,
            Status.AWAITING_CLARIFICATION,
            Status.IN_PROGRESS,
            Status.COMPLETED,
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),
    Status.AWAITING_ID: frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE, Status.REFUSED, Status.WITHDRAWN}),
    Status.AWAITING_FEE: frozenset({Status.IN_PROGRESS, Status.REFUSED, Status.WITHDRAWN}),
    Status.AWAITING_CLARIFICATION: frozenset({Status.IN_PROGRESS, Status.WITHDRAWN}),
    Status.IN_PROGRESS: frozenset(
        {
            Status.AWAITING_ID,
            Status.AWAITING_FEE,
            Status.AWAITING_CLARIFICATION,
            Status.COMPLETED,
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),
    Status.COMPLETED: frozenset({Status.IN_PROGRESS}),
    Status.REFUSED: frozenset({Status.IN_PROGRESS}),
    Status.WITHDRAWN: frozenset({Status.IN_PROGRESS}),
}


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        valid = ", ".join(s.value for s in Status)
        raise InvalidTransition(f"unknown status '{value}' (valid: {valid})") from None


def allowed(frm: Status, to: Status) -> bool:
    return to in TRANSITIONS[frm]


def check_transition(frm: Status, to: Status) -> None:
    if to == frm:
        raise InvalidTransition(f"the case is already {frm.label}")
    if not allowed(frm, to):
        options = ", ".join(sorted(s.label for s in TRANSITIONS[frm])) or "none"
        raise InvalidTransition(f"a case that is {frm.label} cannot become {to.label} (allowed: {options})")


def waited_too_long(since: date, today: date, limit_days: int) -> bool:
    """A wait on the requester (ID, fee, clarification) is flagged for closing as "no response" once it has lasted
    *more than* the policy's days (rights-requests.md: "flag after 28 days"): on day 28 it is not yet flagged, on
    day 29 it is. The one rule for the queue marker, `dpo-tui due`, the digest and the decision flags."""
    return (today - since).days > limit_days
