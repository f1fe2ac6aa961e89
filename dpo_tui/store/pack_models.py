"""Tables for the response pack (issue 18). The files themselves are rows of `stored_files` (store/intake_models.py):
an attachment is a stored file with `kind = "attachment"`, a redacted copy one with `kind = "redacted"` and
`original_id` pointing at what it was made from.

- `redactions`: the case's redaction log: each redaction or withheld file, its reason (third-party data, or an
  entry of the case's exemption log), who and when. The values redacted are never stored here (the log goes into
  the pack the requester receives).
- `packs`: each pack built: its manifest (every file's SHA-256) and the manifest's own hash. The archive and its
  passphrase are not kept.
- `deliveries`: what was delivered (a pack, by its manifest hash, or a letter), how and on which day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from dpo_tui.store.models import utcnow


class Redaction(SQLModel, table=True):
    __tablename__ = "redactions"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    file_id: int = Field(foreign_key="stored_files.id")  # the original
    copy_id: int | None = Field(default=None, foreign_key="stored_files.id")  # the redacted copy (None: withheld)
    action: str  # redacted | withheld
    what: str  # "third-party email address (2 occurrences)", never the value itself
    occurrences: int = 0
    reason: str  # third_party | exemption
    exemption_id: int | None = None  # an entry of the case's exemption log (decision["exemptions"])
    citation: str = ""
    by: str
    at: datetime = Field(default_factory=utcnow)


class Pack(SQLModel, table=True):
    __tablename__ = "packs"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    file_name: str
    manifest_sha256: str = Field(index=True)
    archive_sha256: str
    archive_size: int = Field(sa_column=Column(BigInteger, nullable=False))
    files: int
    manifest: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    built_by: str
    built_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    __tablename__ = "deliveries"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    pack_id: int | None = Field(default=None, foreign_key="packs.id")
    letter_id: int | None = Field(default=None, foreign_key="letters.id")
    what: str  # "pack DSAR-2026-0001-response.zip" or "letter: response_cover"
    channel: str
    delivered_on: date
    reason: str | None = None  # why the date is earlier than the day it was recorded
    manifest_sha256: str | None = None
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)
