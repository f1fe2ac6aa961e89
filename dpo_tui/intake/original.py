"""A stored original (an .eml, an Outlook .msg, a web-form row) made readable: its headers and its text as they are.

Nothing is rendered: an HTML-only message shows its HTML source (a screen that rendered it would load remote
images, follow links, hide text). Every value is the sender's text; the TUI shows it with `literal()`.
A message the parser cannot read is shown as its raw bytes, decoded leniently, with a note saying so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.model import IncomingMessage

SHOWN_HEADERS = ("From", "Reply-To", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References", "Received")
MAX_TEXT = 200_000  # characters shown; the stored original keeps everything (save a copy to read the rest)


def _decoded(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # an undecodable header is shown as it came, not hidden
        return value


def _payload_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # unknown charset: the bytes as Latin-1 (never fails), with the note below
        return payload.decode("latin-1")


def _mime(raw: bytes, note_prefix: str = "") -> tuple[list[tuple[str, str]], str, str]:
    msg = BytesParser(policy=compat32).parsebytes(raw)
    headers = [(k, _decoded(str(v))) for k, v in msg.raw_items() if k.lower() in {h.lower() for h in SHOWN_HEADERS}]
    plain = html = None
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        kind = part.get_content_type()
        if part.get_filename() or disposition.startswith("attachment"):
            size = len(part.get_payload(decode=True) or b"")
            attachments.append(f"{_decoded(part.get_filename() or '(no name)')} ({kind}, {size:,} bytes)")
        elif kind == "text/plain" and plain is None:
            plain = _payload_text(part)
        elif kind == "text/html" and html is None:
            html = _payload_text(part)
    if attachments:
        headers.append(("Attachments", "; ".join(attachments)))
    if plain is not None:
        return headers, plain[:MAX_TEXT], note_prefix + "the plain-text part, as sent"
    if html is not None:
        return headers, html[:MAX_TEXT], note_prefix + "HTML source, shown as text and never rendered"
    return headers, "", note_prefix + "no text part"


def describe_original(media_type: str, content: bytes) -> tuple[list[tuple[str, str]], str, str]:
    """(headers as (name, value), text, a note saying what the text is)."""
    if media_type == "application/json":
        try:
            fields = json.loads(content)
        except ValueError:
            return [], content.decode("utf-8", errors="replace")[:MAX_TEXT], "web-form row (not valid JSON)"
        if isinstance(fields, dict):
            return [(str(k), str(v)) for k, v in fields.items()], "", "web-form row: each column as submitted"
        return [], json.dumps(fields, ensure_ascii=False, indent=2)[:MAX_TEXT], "web-form row"
    if media_type == "application/vnd.ms-outlook":
        try:
            mime = _outlook_as_mime(content)
        except Exception as exc:  # the library raises many types for a damaged file
            return [], "", f"Outlook .msg file that cannot be read here ({type(exc).__name__}): save a copy to open it"
        return _mime(mime, "Outlook .msg converted to MIME; ")
    try:
        return _mime(content)
    except Exception as exc:  # noqa: BLE001 - a stored original is always shown somehow
        return [], content.decode("utf-8", errors="replace")[:MAX_TEXT], f"raw bytes (not parseable: {type(exc).__name__})"


def _outlook_as_mime(content: bytes) -> bytes:
    """An Outlook .msg as the MIME message it stands for. Raises whatever the library raises for a damaged file."""
    import extract_msg  # ~0.8 s to import: only when an Outlook original is read

    msg = extract_msg.openMsg(content)
    try:
        return bytes(msg.asEmailMessage())
    finally:
        msg.close()


@dataclass(frozen=True)
class MessageFacts:
    """What the answer classifier reads of a stored message: its subject, its new text (quoted replies and the
    signature set apart, as at intake) and its attachments as (name, media type, size). All the sender's text."""

    subject: str
    text: str
    attachments: tuple[tuple[str, str, int], ...]


# The stored message was accepted at intake under the limits of that day: none applies when reading it back.
_READ_BACK = IntakeSettings(max_attachment_mb=1 << 20)


def message_facts(media_type: str, content: bytes) -> MessageFacts:
    """Read a stored original again with the intake parser (an Outlook .msg through its MIME conversion)."""
    from dpo_tui.intake.mail import parse_email

    if media_type == "application/json":
        try:
            fields = json.loads(content)
        except ValueError:
            return MessageFacts("", "", ())
        values = fields.values() if isinstance(fields, dict) else [fields]
        return MessageFacts("", "\n".join(str(v) for v in values), ())
    raw = content
    if media_type == "application/vnd.ms-outlook":
        try:
            raw = _outlook_as_mime(content)
        except Exception:  # the library raises many types for a damaged file: nothing to classify
            return MessageFacts("", "", ())
    try:
        item = parse_email(raw, "stored message", _READ_BACK, file_time=lambda: datetime.now(timezone.utc))
    except Exception:  # noqa: BLE001 - a stored message that no longer parses is shown (O), just never classified
        return MessageFacts("", "", ())
    if not isinstance(item, IncomingMessage):
        return MessageFacts("", "", ())
    return MessageFacts(item.subject, item.text, tuple((a.name, a.media_type, a.size) for a in item.attachments))


def without_id_files(raw: bytes) -> tuple[bytes, list[dict[str, object]]]:
    """The message with the bytes of every image or PDF attachment removed (an identity document is never stored:
    rights-requests.md, "never store ID document images"), and what was removed: name, media type, size, SHA-256.

    Each such part stays in place as a short text/plain note with its Content-Disposition (so its file name) kept;
    headers and the other parts are written back as parsed. Returns `raw` itself when nothing was removed."""
    import hashlib
    from io import BytesIO

    from email.generator import BytesGenerator

    from dpo_tui.intake.answers import is_id_file

    msg = BytesParser(policy=compat32).parsebytes(raw)
    removed: list[dict[str, object]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        name = part.get_filename() or ""
        if not (name or disposition.startswith("attachment") or part.get_content_maintype() != "text"):
            continue
        if not is_id_file(name, part.get_content_type()) or part.get("X-Dpo-Tui-Removed"):
            continue
        data = part.get_payload(decode=True) or b""
        digest = hashlib.sha256(data).hexdigest()
        removed.append({"name": _decoded(name) if name else "(no name)", "media_type": part.get_content_type(),
                        "size": len(data), "sha256": digest})  # fmt: skip
        del part["Content-Transfer-Encoding"]
        part.set_payload(
            f"[dpo-tui did not store this attachment: an identity document is never kept. It was "
            f"{part.get_content_type()}, {len(data)} bytes, SHA-256 {digest}.]\n"
        )
        part.set_type("text/plain")
        part.set_param("charset", "us-ascii")
        part["X-Dpo-Tui-Removed"] = "identity document not stored"
    if not removed:
        return raw, []
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=compat32).flatten(msg)
    return out.getvalue(), removed
