"""Tables. Every datetime is timezone-aware UTC; every date is a calendar date in the organisation's zone.

Requester-supplied text is stored as written; it is escaped at the edges (TUI, exports), never here.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, ClassVar

from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, String, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from dpo_tui.domain.states import (
    CHECKED_COLUMNS,
    Channel,
    ClockEventKind,
    ClockState,
    Direction,
    ItemState,
    Outcome,
    SearchResult,
    Status,
    check_name,
    check_sql,
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class StateType(TypeDecorator[StrEnum]):
    """A state column: stored as its plain string (the CHECK constraint of migration 0009 holds the vocabulary),
    read back as the enum member. Writing a word outside the vocabulary fails before it reaches SQL."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum
        self._members: dict[object, StrEnum] = {m.value: m for m in enum}  # a dict: Enum(value) is ~10x slower

    def process_bind_param(self, value: object, dialect: Dialect) -> str | None:
        return None if value is None else self._member(value).value

    def process_result_value(self, value: object, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self._member(value)

    def _member(self, value: object) -> StrEnum:
        try:
            return self._members[value]
        except KeyError:
            valid = ", ".join(self._members)  # type: ignore[arg-type]
            raise ValueError(f"'{value}' is not a {self.enum.__name__} (valid: {valid})") from None


def state_checks(table: str) -> tuple[CheckConstraint, ...]:
    """The CHECK constraints migration 0009 adds to `table` (declared here too, so the models say what the schema holds)."""
    return tuple(
        CheckConstraint(check_sql(column, vocabulary), name=check_name(t, column))
        for t, column, vocabulary, _ in CHECKED_COLUMNS
        if t == table
    )


# Sorting puts cases with no running clock (awaiting ID or fee) after every dated case.
NO_DUE = date(9999, 12, 31)

_case_version = Column("version", Integer, nullable=False, default=1)


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_open_due", "is_open", "due_sort", "id"),
        Index("ix_cases_received", "received", "id"),
        Index("ix_cases_email", "email_norm"),
        # Migration 0004: one index per queue sort (PostgreSQL also gets a pg_trgm index there, by hand).
        Index("ix_cases_due_id", "due_sort", "id"),
        Index("ix_cases_open_received", "is_open", "received", "id"),
        Index("ix_cases_open_updated", "is_open", "updated_at", "id"),
        Index("ix_cases_updated", "updated_at", "id"),
        Index("ix_cases_open_id", "is_open", "id"),
        Index("ix_cases_open_status", "is_open", "status"),
        Index("ix_cases_open_follow_up", "is_open", "follow_up_on", "id"),  # migration 0016: the Follow-ups view
        *state_checks("cases"),
    )
    # Optimistic locking: a write built from a stale read fails instead of silently winning.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _case_version}

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    regime: str
    country: str
    subdivision: str | None = None
    channel: Channel = Field(sa_type=StateType(Channel))
    received: date
    status: Status = Field(index=True, sa_type=StateType(Status))
    is_open: bool = True
    rights: str  # comma-separated right keys, in the order the requester gave them
    requester_name: str
    requester_email: str  # "" when the person gave only a postal address or a telephone number
    email_norm: str  # lower-cased email, for duplicate detection
    requester_address: str | None = None
    requester_phone: str | None = None
    requester_account: str | None = None
    agent_name: str | None = None
    agent_kind: str | None = None
    agent_contact: str | None = None  # migration 0015: how to reach the agent (email, phone or address)
    description: str = ""
    assignee: str | None = Field(default=None, index=True)
    # Migration 0012 (issue 15): "request", or "complaint" to the controller (DPA 2018 s.164A) about `about_ref`.
    kind: str = Field(default="request", sa_column_kwargs={"server_default": "request"})
    about_ref: str | None = Field(default=None, index=True)

    # Cached result of the deadline engine, recomputed by the service on every clock change.
    clock_state: ClockState = Field(default=ClockState.RUNNING, sa_type=StateType(ClockState))
    clock_start: date | None = None
    legal_due: date | None = None
    due: date | None = None  # effective: the extended date once extended
    due_sort: date = NO_DUE
    extension_notice_by: date | None = None
    extended: bool = False
    paused_days: int = 0
    stopped_since: date | None = None  # a stopped clock: the day it stopped (days left are frozen from it)

    # Queue markers (migration 0016), kept by the services that change them: the earliest open follow-up
    # (services/follow_ups.py), and messages that joined the case through intake since the DPO last read them.
    follow_up_on: date | None = None
    unread_in: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    chaser: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})

    status_since: datetime = Field(default_factory=utcnow)
    identity: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decision: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    checklist_done: int = 0
    checklist_total: int = 0
    search_text: str = ""  # lower-cased ref, name, email and request text
    outcome: Outcome | None = Field(default=None, sa_type=StateType(Outcome))  # NULL while open (migration 0017)
    final_response_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    version: int = Field(default=1, sa_column=_case_version)
    # Retention (migration 0011): when the case's personal data was removed, and how (anonymise | purge).
    purged_at: datetime | None = None
    purge_action: str | None = None

    @property
    def right_keys(self) -> tuple[str, ...]:
        """`rights` as the right keys, in the requester's order (stored comma-separated; read it through here)."""
        return tuple(r for r in self.rights.split(",") if r)


class ClockEventRow(SQLModel, table=True):
    """What the deadline engine reads: dated events in the life of the clock."""

    __tablename__ = "clock_events"
    __table_args__ = state_checks("clock_events")
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: ClockEventKind = Field(sa_type=StateType(ClockEventKind))
    on: date
    reason: str | None = None
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class RefCounter(SQLModel, table=True):
    """The last reference number issued per year: references are never reused, even after a purge."""

    __tablename__ = "ref_counters"
    year: int = Field(primary_key=True)
    last: int = 0


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained. `digest` covers the content; `hash` = sha256(prev_hash + digest).

    Purging a case's personal data later blanks `payload` but keeps `digest` and `payload_digest`, so the chain
    still verifies; the purge itself is a later event that names the purged events (store/audit.py).
    `case_id` has no foreign key on purpose: events outlive the rows they describe.
    """

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("seq"),)
    id: int | None = Field(default=None, primary_key=True)
    seq: int
    case_id: int | None = Field(default=None, index=True)
    case_ref: str | None = None
    at: datetime
    actor: str
    kind: str
    payload: str | None  # canonical JSON
    digest: str
    prev_hash: str
    hash: str
    purged: bool = False
    # 1: the formula of the first release (case id and purge state not covered), kept so old chains still verify;
    # 2: every column above is covered, the payload through `payload_digest` (see store/audit.py).
    hash_version: int = Field(default=2, sa_column_kwargs={"server_default": "1"})
    actor_name: str | None = None  # the display name from the settings, beside the login in `actor` (PostgreSQL)
    payload_digest: str | None = None  # sha256 of `payload`, kept when a purge blanks the payload


class AuditHead(SQLModel, table=True):
    """One row: the last event's seq and hash. Appenders lock it, so the chain never forks, and
    deleting the newest events is detected because the head no longer matches."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = ""


class ChecklistItem(SQLModel, table=True):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("case_id", "key"), *state_checks("checklist_items"))
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    position: int
    key: str
    right: str | None = None
    system_key: str | None = None
    label: str
    guidance: str = ""
    requires_search_record: bool = False
    adhoc: bool = False
    state: ItemState = Field(default=ItemState.OPEN, sa_type=StateType(ItemState))
    reason: str | None = None  # why not applicable
    search_terms: str | None = None
    found: SearchResult | None = Field(default=None, sa_type=StateType(SearchResult))
    note: str | None = None
    done_by: str | None = None
    done_at: datetime | None = None


class Letter(SQLModel, table=True):
    """Correspondence with the requester, as sent."""

    __tablename__ = "letters"
    __table_args__ = state_checks("letters")
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str  # a letter template key (organisations add their own), or "received"
    channel: Channel = Field(sa_type=StateType(Channel))
    direction: Direction = Field(default=Direction.OUT, sa_type=StateType(Direction))
    sent_on: date
    subject: str = ""
    body: str = ""
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    # Email only (migration 0006): RFC 5322 Message-ID as sent, the one it answered, the address, the server's accept.
    message_id: str | None = Field(default=None, index=True)
    in_reply_to: str | None = None
    sent_to: str | None = None
    sent_at: datetime | None = None


class Note(SQLModel, table=True):
    __tablename__ = "notes"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    body: str
    by: str
    at: datetime = Field(default_factory=utcnow)


class FollowUp(SQLModel, table=True):
    """A date on which the DPO means to look at a case again, with why (migration 0007)."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_open_on", "done_at", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    on: date
    note: str
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    done_by: str | None = None
    done_at: datetime | None = None


class LegalHold(SQLModel, table=True):
    """A legal hold (migration 0011): on one case, or on a requester (by lower-cased email) across all their cases.
    A held case is never purged; placing and releasing are audited, and the row stays as the record."""

    __tablename__ = "legal_holds"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    email_norm: str | None = Field(default=None, index=True)
    reason: str
    review_on: date
    placed_by: str
    placed_at: datetime = Field(default_factory=utcnow)
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None
