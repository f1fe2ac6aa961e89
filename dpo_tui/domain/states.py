"""Every state a stored column can take, as a str enum, in one place.

A `StrEnum` member *is* its string, so a member can be written to a column, put in JSON or compared with a value
read back from SQL without conversion; code compares with members (`item.state == ItemState.DONE`), never with
bare words. The database holds the same vocabularies as CHECK constraints (migrations 0009, and 0017 for
`Outcome`); `CHECKED_COLUMNS` below is the list the models and the migrations' test agree on, so adding a member
means a new migration.

The older enums live beside their rules and are re-exported here: `Status` (lifecycle), `ClockState` and
`ClockEventKind` (clock), `IdStatus` (identity).
"""

from __future__ import annotations

from enum import StrEnum

from dpo_tui.domain.clock import ClockEventKind, ClockState
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.lifecycle import Status


class Channel(StrEnum):
    """How a request came in, or how a letter went out."""

    EMAIL = "email"
    WEB = "web"
    POST = "post"
    PHONE = "phone"
    IN_PERSON = "in_person"
    SOCIAL = "social"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


_CHANNEL_LABELS = {
    Channel.EMAIL: "email",
    Channel.WEB: "web form",
    Channel.POST: "post",
    Channel.PHONE: "phone",
    Channel.IN_PERSON: "in person",
    Channel.SOCIAL: "social media",
}


class Direction(StrEnum):
    """Correspondence sent (`out`) or received (`in`)."""

    IN = "in"
    OUT = "out"


class ItemState(StrEnum):
    """A checklist item: open, done, or not applicable (with a reason). Not applicable counts as done."""

    OPEN = "open"
    DONE = "done"
    NA = "na"

    @property
    def settled(self) -> bool:
        return self is not ItemState.OPEN


class SearchResult(StrEnum):
    """What a recorded search found (checklist items that require a search record)."""

    FOUND = "found"
    NOTHING_FOUND = "nothing_found"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class IntakeStatus(StrEnum):
    """An item taken in by intake: waiting for the DPO, or what the DPO did with it."""

    NEEDS_TRIAGE = "needs_triage"
    LOGGED = "logged"
    ATTACHED = "attached"
    DISMISSED = "dismissed"


class DecisionKind(StrEnum):
    """The latest decision taken on a request (`Case.decision.kind`)."""

    COMPLY = "comply"
    FEE = "fee"
    REFUSE = "refuse"
    REFUSE_IN_PART = "refuse_in_part"


class RefusalScope(StrEnum):
    WHOLE = "whole"
    PARTIAL = "partial"


class Outcome(StrEnum):
    """How a closed case ended (`cases.outcome`; NULL while the case is open): one vocabulary for the services that
    close a case, the register and report, the case export and the screens."""

    COMPLETED = "completed"
    REFUSED_IN_PART = "refused_in_part"  # completed after refusing part of the request: the register says so
    REFUSED = "refused"
    COULD_NOT_VERIFY = "could_not_verify"  # refused: the requester's identity could not be verified
    WITHDRAWN = "withdrawn"
    NO_RESPONSE = "no_response"  # withdrawn: no answer to a request for ID or for clarification
    FEE_UNPAID = "fee_unpaid"  # withdrawn: the fee asked for never came
    COMPLAINT_UPHELD = "complaint_upheld"
    COMPLAINT_PARTLY_UPHELD = "complaint_partly_upheld"
    COMPLAINT_NOT_UPHELD = "complaint_not_upheld"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def of(cls, value: object) -> Outcome | None:
        """A stored word as a member, None for none. Words written before migration 0017 are read too: the
        complaint outcomes were stored with spaces ("complaint upheld"), and audit payloads keep them."""
        if value is None or value == "":
            return None
        word = "_".join(str(value).lower().split())
        try:
            return cls(word)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise InvalidInput("outcome", f"unknown outcome '{value}' (valid: {valid})") from None

    @classmethod
    def closing(cls, status: Status, decision_kind: object = None) -> Outcome:
        """The outcome a case records when it is closed with `status` and no more particular outcome: a completion
        after a partial refusal (any right) is not a plain completion, and the register must say so."""
        if status is Status.COMPLETED:
            return cls.REFUSED_IN_PART if decision_kind == DecisionKind.REFUSE_IN_PART else cls.COMPLETED
        if status is Status.REFUSED:
            return cls.REFUSED
        if status is Status.WITHDRAWN:
            return cls.WITHDRAWN
        raise ValueError(f"{status} is not a closed status")

    @classmethod
    def of_complaint(cls, key: str) -> Outcome:
        """The case outcome of a complaint's recorded outcome (domain/complaints.OUTCOMES: upheld, partly_upheld,
        not_upheld)."""
        return cls(f"complaint_{key}")


# (table, column, vocabulary, nullable): the columns migrations 0009 and 0017 constrain with CHECK (... IN (...)).
CHECKED_COLUMNS: tuple[tuple[str, str, type[StrEnum], bool], ...] = (
    ("cases", "status", Status, False),
    ("cases", "clock_state", ClockState, False),
    ("cases", "channel", Channel, False),
    ("clock_events", "kind", ClockEventKind, False),
    ("checklist_items", "state", ItemState, False),
    ("checklist_items", "found", SearchResult, True),
    ("letters", "channel", Channel, False),
    ("letters", "direction", Direction, False),
    ("pending_intake", "status", IntakeStatus, False),
    ("pending_intake", "channel", Channel, False),
    ("cases", "outcome", Outcome, True),  # migration 0017
)


def check_name(table: str, column: str) -> str:
    return f"ck_{table}_{column}"


def check_sql(column: str, vocabulary: type[StrEnum]) -> str:
    values = ", ".join(f"'{m.value}'" for m in vocabulary)
    return f"{column} IN ({values})"


__all__ = [
    "CHECKED_COLUMNS", "Channel", "ClockEventKind", "ClockState", "DecisionKind", "Direction", "IntakeStatus",
    "ItemState", "Outcome", "RefusalScope", "SearchResult", "Status", "check_name", "check_sql",
]
