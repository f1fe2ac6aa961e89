"""Tables for intake (issue 17) and for files kept with a case (shared with issue 18's attachments).

- `stored_files`: the bytes of a file kept as evidence (an original message as received, an attachment), with its
  SHA-256. Inside the database so backups and PostgreSQL team mode carry them; written out owner-only.
- `intake_messages`: every message taken in, by its dedup key (Message-ID, else content hash): importing the same
  message twice does nothing, and In-Reply-To/References find the case a reply belongs to.
- `pending_intake`: items waiting for the DPO ("needs triage"): nothing is logged as a case on a guess.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from dpo_tui.domain.states import Channel, IntakeStatus
from dpo_tui.store.models import StateType, state_checks, utcnow


class StoredFile(SQLModel, table=True):
    __tablename__ = "stored_files"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)  # None while awaiting triage
    name: str
    media_type: str
    size: int
    sha256: str = Field(index=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    kind: str  # received_message | attachment | redacted
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    # Issue 18 (migration 0010): the checklist item that found it, the original a redacted copy was made from,
    # and whether it is withheld from the response (the redaction log says why).
    item_key: str | None = None
    original_id: int | None = Field(default=None, foreign_key="stored_files.id")
    withheld: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class PendingIntake(SQLModel, table=True):
    __tablename__ = "pending_intake"
    __table_args__ = state_checks("pending_intake")
    id: int | None = Field(default=None, primary_key=True)
    status: IntakeStatus = Field(default=IntakeStatus.NEEDS_TRIAGE, index=True, sa_type=StateType(IntakeStatus))
    reason: str = ""  # why a person must look: no right found, third party, same sender has an open case...
    source: str
    channel: Channel = Field(default=Channel.EMAIL, sa_type=StateType(Channel))
    from_name: str = ""
    from_email: str = ""
    requester_name: str = ""
    requester_email: str = ""
    on_behalf_email: str | None = None
    third_party: bool = False
    received: date
    received_basis: str
    subject: str = ""
    body: str = ""
    quoted: str = ""
    signature: str = ""
    language: str | None = None
    rights: str = ""  # detected, as case right keys, comma-separated
    regime: str | None = None  # suggested (ccpa when the letter invokes Californian law)
    detected: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # triggers per right
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    match_ref: str | None = None  # a case this may belong to (same sender, a reply)
    file_id: int | None = Field(default=None, foreign_key="stored_files.id")
    case_id: int | None = Field(default=None, foreign_key="cases.id")  # once logged or attached
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str
    decided_at: datetime | None = None
    decided_by: str | None = None
    version: int = 1


class IntakeMessage(SQLModel, table=True):
    __tablename__ = "intake_messages"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # mid:<message-id> or sha256:<content hash>
    message_id: str | None = Field(default=None, index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    pending_id: int | None = Field(default=None, foreign_key="pending_intake.id")
    file_id: int | None = Field(default=None, foreign_key="stored_files.id")
    received: date
    overdue_chaser: bool = False  # a chaser about a case that was already overdue when it arrived
    created_at: datetime = Field(default_factory=utcnow)


# The tables that point at stored files (issue 18's redaction log) are registered whenever StoredFile is: retention
# finds the references to clear from the metadata before it deletes a case's files.
from dpo_tui.store import pack_models as _pack_models  # noqa: E402,F401
