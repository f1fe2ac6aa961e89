"""A stored original (an .eml, an Outlook .msg, a web-form row) made readable: its headers and its text as they are.

Nothing is rendered: an HTML-only message shows its HTML source (a screen that rendered it would load remote
images, follow links, hide text). Every value is the sender's text; the TUI shows it with `literal()`.
A message the parser cannot read is shown as its raw bytes, decoded leniently, with a note saying so.
"""

from __future__ import annotations

import json
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

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
            import extract_msg  # ~0.8 s to import: only when an Outlook original is opened

            msg = extract_msg.openMsg(content)
            try:
                mime = bytes(msg.asEmailMessage())
            finally:
                msg.close()
        except Exception as exc:  # the library raises many types for a damaged file
            return [], "", f"Outlook .msg file that cannot be read here ({type(exc).__name__}): save a copy to open it"
        return _mime(mime, "Outlook .msg converted to MIME; ")
    try:
        return _mime(content)
    except Exception as exc:  # noqa: BLE001 - a stored original is always shown somehow
        return [], content.decode("utf-8", errors="replace")[:MAX_TEXT], f"raw bytes (not parseable: {type(exc).__name__})"
