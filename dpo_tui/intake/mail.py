"""One RFC 5322 message (bytes) to an `IncomingMessage`, or a `BadInput` saying in one line why not."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import Any
from datetime import datetime, timezone
from email import errors as email_errors
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.model import AttachmentInfo, BadInput, IncomingMessage, ReceivedBasis
from dpo_tui.intake.text import html_to_text, on_behalf, split_reply

# compat32 parses structure only; headers are decoded below for the few fields used. `policy.default` builds a
# parsed header object on every access (~19 per message here) and made parsing 3x slower.
_PARSER = BytesParser(policy=compat32)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?[qQbB]\?")
_MSGID = re.compile(r"<([^<>\s]+)>")
# Defects that mean the MIME structure cannot be trusted (a lost boundary swallows or drops parts).
_BROKEN = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.FirstHeaderLineIsContinuationDefect,
)


class _Bad(Exception):
    pass


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def parse_email(
    raw: bytes, source: str, cfg: IntakeSettings, *, file_time: datetime | Callable[[], datetime | None] | None = None,
    line: int | None = None
) -> IncomingMessage | BadInput:
    try:
        return _parse(raw, source, cfg, file_time, line)
    except _Bad as exc:
        return BadInput(source, str(exc), line)


def _header(msg: Message, name: str) -> str:
    """A header as text; undecodable bytes or an unknown charset in it are bad input, not mojibake.

    Raw UTF-8 in headers (RFC 6532, sent by many mailers) is accepted; other raw 8-bit bytes are not."""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    raw = str(raw)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        try:
            text = raw.encode("ascii", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise _Bad(f"undecodable {name} header (raw 8-bit bytes that are not UTF-8)") from None
        return " ".join(text.split())
    if "=?" not in raw:
        return " ".join(raw.split())
    for charset in _ENCODED_WORD.findall(raw):
        try:
            codecs.lookup(charset.split("*")[0])
        except LookupError:
            raise _Bad(f"unknown charset {charset!r} in the {name} header") from None
    try:
        text = str(make_header(decode_header(raw)))
    except (LookupError, ValueError, UnicodeError, email_errors.HeaderParseError) as exc:
        raise _Bad(f"undecodable {name} header ({type(exc).__name__})") from None
    if "\ufffd" in text:
        raise _Bad(f"undecodable {name} header")
    return " ".join(text.split())


def _leaves(part: Message) -> list[Message]:
    """Leaf parts in order; an attached message (message/rfc822) is one leaf, not opened."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        out: list[Message] = []
        for sub in part.get_payload():  # type: ignore[union-attr]
            out.extend(_leaves(sub))
        return out
    return [part]


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment" or part.get_param("filename", header="Content-Disposition") or part.get_param("name"):
        return True
    return part.get_content_maintype() not in ("text",)


def _text_of(part: Message) -> str:
    charset = part.get_content_charset()
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    if charset is None:
        # 8-bit text with no charset declared: nearly always UTF-8 today, else Latin-1 (never fails)
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")
    try:
        codecs.lookup(charset)
    except LookupError:
        raise _Bad(f"unknown charset {charset!r} in the message text") from None
    return payload.decode(charset, errors="replace")


def _ids(value: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in _MSGID.findall(value))


def _parse(raw: bytes, source: str, cfg: IntakeSettings, file_time: Any, line: int | None) -> IncomingMessage:
    if len(raw) > cfg.max_bytes:
        raise _Bad(f"message is {_mb(len(raw))}, over the {cfg.max_attachment_mb} MB limit (intake.max_attachment_mb)")
    if not raw.strip():
        raise _Bad("not an email (empty)")
    if b"\x00" in raw[:4096]:
        raise _Bad("not an email (binary data)")
    msg = _PARSER.parsebytes(raw)
    if not msg.keys() or msg.get("From") is None:
        raise _Bad("not an email (no From header)")
    for part in msg.walk():
        for defect in part.defects:
            if isinstance(defect, _BROKEN):
                raise _Bad(f"broken MIME structure ({type(defect).__name__})")

    from_text = _header(msg, "From")
    senders = [(n, a) for n, a in getaddresses([from_text]) if "@" in a]
    if not senders:
        raise _Bad(f"no sender address in From: {from_text[:80]!r}")
    from_name, from_email = senders[0]
    reply_text = _header(msg, "Reply-To")
    reply = [(n, a) for n, a in getaddresses([reply_text]) if "@" in a] if reply_text else []
    subject = _header(msg, "Subject")
    msgid = _ids(_header(msg, "Message-ID"))
    in_reply_to = _ids(_header(msg, "In-Reply-To"))
    references = _ids(_header(msg, "References"))

    received, basis, flags = _day_of_receipt(msg, cfg, file_time)

    leaves = _leaves(msg)
    bodies = [p for p in leaves if not _is_attachment(p)]
    body = next((p for p in bodies if p.get_content_subtype() == "plain"), None) or next(
        (p for p in bodies if p.get_content_subtype() == "html"), None
    )
    body_text = ""
    if body is not None:
        body_text = _text_of(body)
        if body.get_content_subtype() == "html":
            body_text = html_to_text(body_text)
            flags.append("html_only")
    attachments: list[AttachmentInfo] = []
    for part in leaves:
        if part in bodies:
            continue
        if part.is_multipart():  # an attached message
            size = len(part.as_bytes())
        else:
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
        name = part.get_filename() or "(unnamed)"
        if any("\udc80" <= ch <= "\udcff" for ch in name):
            raise _Bad("undecodable attachment name")
        if "=?" in name:
            name = _header_text(name)
        if size > cfg.max_bytes:
            raise _Bad(f"attachment {name!r} is {_mb(size)}, over the {cfg.max_attachment_mb} MB limit (intake.max_attachment_mb)")
        attachments.append(AttachmentInfo(name=name, media_type=part.get_content_type(), size=size))

    new, quoted, signature = split_reply(body_text)
    sender_addrs = {from_email.lower(), *(a.lower() for _, a in reply)}
    third_party, other = on_behalf(new, sender_addrs)
    req_name, req_email = from_name, from_email
    if reply and reply[0][1].lower() != from_email.lower():
        req_email = reply[0][1]
        req_name = reply[0][0] or from_name
        flags.append("reply_to_differs")
    if third_party:
        flags.append("third_party_needs_authority")
        if other:
            req_email, req_name = other, ""
    return IncomingMessage(
        source=source,
        raw=raw,
        media_type="message/rfc822",
        from_name=from_name,
        from_email=from_email,
        requester_name=req_name or req_email.split("@")[0],
        requester_email=req_email,
        received=received,
        received_basis=basis,
        subject=subject,
        text=new,
        quoted=quoted,
        signature=signature,
        attachments=attachments,
        message_id=msgid[0] if msgid else None,
        in_reply_to=in_reply_to,
        references=references,
        reply_to=reply[0][1] if reply else None,
        on_behalf_email=other if third_party else None,
        third_party=third_party,
        flags=flags,
        line=line,
    )


def _day_of_receipt(msg: Message, cfg: IntakeSettings, file_time: Any) -> tuple:  # type: ignore[type-arg]
    """The receiving server's stamp (topmost Received:), else the sender's Date:, else the file time (flagged)."""
    zone = cfg.zone
    flags: list[str] = []
    received_headers = msg.get_all("Received") or []
    if received_headers:
        stamp = str(received_headers[0]).rpartition(";")[2].strip()
        when = _parse_date(stamp)
        if when is not None:
            return when.astimezone(zone).date(), "received_header", flags
        flags.append("received_header_unparseable")
    date_value = msg.get("Date")
    if date_value is not None:
        when = _parse_date(str(date_value))
        if when is None:
            raise _Bad(f"unparseable date {str(date_value)[:60]!r}")
        basis: ReceivedBasis = "date_header"
        return when.astimezone(zone).date(), basis, flags
    if callable(file_time):  # computed only when needed (an mbox envelope line, a file's mtime)
        file_time = file_time()
    if file_time is None:
        raise _Bad("no date: neither Received: nor Date: header, and no file time")
    flags.append("dated_by_file_time")
    return file_time.astimezone(zone).date(), "file_time", flags


def _parse_date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": UTC with unknown local zone (RFC 5322 3.3)
        when = when.replace(tzinfo=timezone.utc)
    return when


def _header_text(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeError, email_errors.HeaderParseError):
        raise _Bad("undecodable attachment name") from None
