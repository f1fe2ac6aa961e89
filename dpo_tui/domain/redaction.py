"""Redaction of third-party data in text files (issue 18): what to suggest, and the redacted copy.

Pure: it works on the text it is given. Suggestions are never applied on their own: the DPO confirms each one, and
only the confirmed values are replaced. The requester's own email, phone and name are not suggested (it is their
data). Formats: plain text, CSV, JSON, and email (.eml), which is read as its headers and text body: the redacted
copy of an email is plain text, since what is inside an encoded body cannot be redacted in place.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections import Counter
from dataclasses import dataclass

from dpo_tui.domain.errors import InvalidInput

TEXT_FORMATS = {".txt": "text", ".csv": "csv", ".json": "json", ".eml": "eml"}
MARK = "[redacted]"
KIND_WORDS = {"email": "third-party email address", "phone": "third-party phone number", "name": "third-party name"}

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A phone number: an optional +, then digits with spaces, dots, dashes or brackets between them; 9 to 15 digits.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{7,}\d(?!\w)")
_DISPLAY_NAME = re.compile(r"""["']?([A-Z][\w'.-]+(?: [A-Z][\w'.-]+){1,3})["']?\s*<[^<>@\s]+@[^<>\s]+>""")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")
_NAME_KEYS = re.compile(r"(^|_|\b)(name|full_?name|contact|author|sender|recipient|colleague|manager|agent)(\b|_|$)", re.I)


@dataclass(frozen=True)
class Suggestion:
    kind: str  # email | phone | name
    value: str
    count: int

    @property
    def label(self) -> str:
        return KIND_WORDS[self.kind]


def format_of(name: str) -> str | None:
    """The text format of a file by its name (text, csv, json, eml), None where redaction must be done elsewhere."""
    lower = name.lower()
    for ext, kind in TEXT_FORMATS.items():
        if lower.endswith(ext):
            return kind
    return None


def readable_text(name: str, content: bytes) -> str:
    """The text that suggestions are found in and redactions are applied to. Raises InvalidInput when the file is
    not UTF-8 text (redact it elsewhere and link the copy)."""
    fmt = format_of(name)
    if fmt is None:
        raise InvalidInput("file", f"{name}: not a text format (txt, csv, json, eml): redact it elsewhere and link the copy")
    if fmt == "eml":
        return _email_text(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", f"{name}: not UTF-8 text (byte {exc.start}): redact it elsewhere and link the copy") from None
    if "\x00" in text:
        raise InvalidInput("file", f"{name}: contains NUL bytes, not text: redact it elsewhere and link the copy")
    return text


def _email_text(content: bytes) -> str:
    msg = email.message_from_bytes(content, policy=email.policy.default)
    lines = []
    for header in ("From", "To", "Cc", "Reply-To", "Date", "Subject"):
        for value in msg.get_all(header) or []:
            lines.append(f"{header}: {' '.join(str(value).split())}")
    body = msg.get_body(preferencelist=("plain", "html")) if msg.is_multipart() or msg.get_content_type().startswith("text/") else None
    text = ""
    if body is not None:
        try:
            text = str(body.get_content())
        except (LookupError, ValueError):
            text = body.get_payload(decode=True).decode("utf-8", "replace") if body.get_payload(decode=True) else ""
    attached = [part.get_filename() or part.get_content_type() for part in msg.iter_attachments()] if msg.is_multipart() else []
    out = "\n".join(lines) + "\n\n" + text.rstrip() + "\n"
    if attached:
        out += "\n[attachments of this message not included: " + ", ".join(str(a) for a in attached) + "]\n"
    return out


def redacted_name(name: str) -> str:
    """`orders.csv` -> `orders.redacted.csv`; an email's copy is text: `message.eml` -> `message.redacted.txt`."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.redacted"
    if ext.lower() == "eml":
        return f"{stem}.redacted.txt"
    return f"{stem}.redacted.{ext}"


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def suggest(
    name: str, text: str, *, requester_name: str = "", requester_email: str = "", requester_phone: str = ""
) -> list[Suggestion]:
    """Other people's email addresses, phone numbers and names found in `text`, most frequent first within each kind.
    The requester's own are left out."""
    own_email = requester_email.strip().casefold()
    own_phone = _digits(requester_phone or "")
    own_name = _fold(requester_name)
    own_parts = set(own_name.split())
    emails: Counter[str] = Counter()
    for m in _EMAIL.finditer(text):
        value = m.group(0).strip(".")
        if value.casefold() != own_email:
            emails[value] += 1
    phones: Counter[str] = Counter()
    for m in _PHONE.finditer(text):
        value = m.group(0).strip(" .-")
        digits = _digits(value)
        if not 9 <= len(digits) <= 15 or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):  # a date is not a phone
            continue
        if own_phone and (digits.endswith(own_phone[-9:]) or own_phone.endswith(digits[-9:])):
            continue
        phones[value] += 1
    names: Counter[str] = Counter()
    for value in _name_candidates(name, text):
        folded = _fold(value)
        if not folded or folded == own_name or set(folded.split()) <= own_parts or "@" in value:
            continue
        names[value] = text.count(value)
    out = [Suggestion("email", v, c) for v, c in emails.most_common()]
    out += [Suggestion("phone", v, c) for v, c in phones.most_common()]
    out += [Suggestion("name", v, c) for v, c in names.most_common() if c]
    return out


def _name_candidates(name: str, text: str) -> list[str]:
    found: dict[str, None] = {}
    for m in _DISPLAY_NAME.finditer(text):
        found[m.group(1).strip()] = None
    for m in _TITLED.finditer(text):
        found[m.group(0).strip()] = None
    fmt = format_of(name)
    if fmt == "csv":
        import csv
        import io

        rows = csv.reader(io.StringIO(text))
        header = next(rows, [])
        wanted = [i for i, h in enumerate(header) if _NAME_KEYS.search(h.strip())]
        for row in rows:
            for i in wanted:
                if i < len(row) and _looks_like_name(row[i]):
                    found[row[i].strip()] = None
    elif fmt == "json":
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        for key, value in _walk(data):
            if isinstance(value, str) and _NAME_KEYS.search(key) and _looks_like_name(value):
                found[value.strip()] = None
    return list(found)


def _looks_like_name(value: str) -> bool:
    v = value.strip()
    return 2 <= len(v) <= 80 and any(c.isalpha() for c in v) and "@" not in v and not v.replace(" ", "").isdigit()


def _walk(data: object, key: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _walk(v, str(k))
    elif isinstance(data, list):
        for v in data:
            out += _walk(v, key)
    else:
        out.append((key, data))
    return out


def apply(text: str, values: list[str], *, fmt: str = "text") -> tuple[str, dict[str, int]]:
    """`text` with every confirmed value replaced by [redacted] (longest first, so a name inside an email address
    does not leave the rest of it). Returns the copy and how often each value was replaced. In JSON the value is
    also looked for as JSON writes it (escaped), so the copy stays valid JSON."""
    counts: dict[str, int] = {}
    for value in sorted({v for v in values if v.strip()}, key=len, reverse=True):
        forms = [value]
        if fmt == "json":
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            ascii_escaped = json.dumps(value)[1:-1]
            forms += [f for f in (escaped, ascii_escaped) if f != value]
        n = 0
        for form in forms:
            n += text.count(form)
            text = text.replace(form, MARK)
        counts[value] = n
    return text, counts


def describe(kind: str, count: int) -> str:
    """What a log entry says: the kind and how often, never the value (the log goes to the requester)."""
    return f"{KIND_WORDS.get(kind, kind)} ({count} occurrence{'s' if count != 1 else ''})"
