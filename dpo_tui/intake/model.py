"""Plain data produced by the intake parsers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ReceivedBasis = Literal["received_header", "date_header", "file_time", "form"]


class IntakeError(Exception):
    """Intake cannot go on at all (settings, unreadable path, IMAP server); the message is one line."""


@dataclass(frozen=True)
class AttachmentInfo:
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class BadInput:
    """One input that cannot be imported: reported as `source[:line]: reason`, one line."""

    source: str
    reason: str
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass
class IncomingMessage:
    """One request or reply as received. `raw` is the original, kept with the case as evidence."""

    source: str  # file path, `mbox:N`, `imap://host/folder;UID=n`, `form.csv:line`
    raw: bytes
    media_type: str  # of `raw`: message/rfc822, application/vnd.ms-outlook, text/csv row as JSON...
    from_name: str
    from_email: str
    requester_name: str
    requester_email: str
    received: date
    received_basis: ReceivedBasis
    subject: str = ""
    text: str = ""  # the new text the person wrote
    quoted: str = ""  # quoted earlier messages, separated from the new text
    signature: str = ""
    attachments: list[AttachmentInfo] = field(default_factory=list)
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    reply_to: str | None = None
    on_behalf_email: str | None = None  # someone writes for another person: this is the other person's address
    third_party: bool = False
    channel: str = "email"
    form_rights: str | None = None  # a web form's own request-type field, when it has one
    flags: list[str] = field(default_factory=list)
    line: int | None = None
    imap_uid: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def dedup_key(self) -> str:
        """Message-ID where the message has one, else a hash of its content."""
        if self.message_id:
            return f"mid:{self.message_id.lower()}"
        return f"sha256:{self.sha256}"


Item = IncomingMessage | BadInput
