"""Every state a stored column can take, as a str enum, in one place.

A `StrEnum` member *is* its string, so a member can be written to a column, put in JSON or compared with a value
read back from SQL without conversion; code compares with members (`item.state == ItemState.DONE`), never with
bare words. The database holds the same vocabularies as CHECK constraints (migration 0009); `CHECKED_COLUMNS`
below is the list the models and the migration's test agree on, so adding a member means a new migration.

The older enums live beside their rules and are re-exported here: `Status` (lifecycle), `ClockState` and
`ClockEventKind` (clock), `IdStatus` (identity).
"""

from __future__ import annotations

from enum import StrEnum

from dpo_tui.domain.clock import ClockEventKind, ClockState
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


# (table, column, vocabulary, nullable): the columns migration 0009 constrains with CHECK (... IN (...)).
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
)


def check_name(table: str, column: str) -> str:
    return f"ck_{table}_{column}"


def check_sql(column: str, vocabulary: type[StrEnum]) -> str:
    values = ", ".join(f"'{m.value}'" for m in vocabulary)
    return f"{column} IN ({values})"


__all__ = [
    "CHECKED_COLUMNS", "Channel", "ClockEventKind", "ClockState", "DecisionKind", "Direction", "IntakeStatus",
    "ItemState", "RefusalScope", "SearchResult", "Status", "check_name", "check_sql",
]
