"""Plain, immutable views of stored data handed to screens, the CLI and exports (never live ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dpo_tui.domain.clock import Deadline
from dpo_tui.domain.states import ItemState, Outcome
from dpo_tui.domain.lifecycle import Status


@dataclass(frozen=True)
class ClockEventView:
    kind: str
    on: date
    reason: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ChecklistItemView:
    key: str
    position: int
    right: str | None
    system_key: str | None
    label: str
    guidance: str
    requires_search_record: bool
    adhoc: bool
    state: str
    reason: str | None
    search_terms: str | None
    found: str | None
    note: str | None
    done_by: str | None
    done_at: datetime | None


@dataclass(frozen=True)
class LetterView:
    id: int
    kind: str
    channel: str
    direction: str
    sent_on: date
    subject: str
    body: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class NoteView:
    body: str
    by: str
    at: datetime


@dataclass(frozen=True)
class EventView:
    seq: int
    at: datetime
    actor: str
    kind: str
    payload: dict[str, Any] | None
    hash: str


@dataclass(frozen=True)
class CaseDetail:
    id: int
    ref: str
    status: str
    regime: str
    country: str
    subdivision: str | None
    channel: str
    received: date
    rights: tuple[str, ...]
    requester: dict[str, str | None]
    agent: dict[str, str | None]
    description: str
    assignee: str | None
    outcome: Outcome | None  # set once the case is closed
    final_response_on: date | None
    status_since: datetime
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int
    deadline: Deadline
    days_left: int | None
    identity: dict[str, Any]
    decision: dict[str, Any]
    clock_events: tuple[ClockEventView, ...] = ()
    checklist: tuple[ChecklistItemView, ...] = ()
    letters: tuple[LetterView, ...] = ()
    notes: tuple[NoteView, ...] = ()
    events: tuple[EventView, ...] = field(default=())
    kind: str = "request"  # or "complaint" (to the controller, DPA 2018 s.164A), about the request `about_ref`
    about_ref: str | None = None
    complaints: tuple[str, ...] = ()  # a request: the references of the complaints made about it
    # Issue 18: services.attachments.AttachmentView / RedactionView, services.pack.PackView / DeliveryView.
    attachments: tuple[Any, ...] = ()
    redactions: tuple[Any, ...] = ()
    packs: tuple[Any, ...] = ()
    deliveries: tuple[Any, ...] = ()

    @property
    def is_open(self) -> bool:
        return Status(self.status).is_open

    @property
    def open_items(self) -> list[ChecklistItemView]:
        return [i for i in self.checklist if i.state == ItemState.OPEN]
