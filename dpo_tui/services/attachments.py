"""Attachments and redaction (issue 18): the evidence gathered for a case, kept inside the case database.

An attachment is a row of `stored_files` (the table intake keeps received messages in; those count as attachments
too) with its SHA-256 in the audit event. Attaching is one user action: every file is checked first (a folder, a
missing file, a symlink, a file over the size limit, a name with control characters or path separators are refused
with one line naming the file) and then all are stored in one transaction, or none.

Redaction: for text formats the DPO confirms suggested values (domain/redaction.py) and gets a redacted copy beside
the original; for other formats the DPO attaches a copy redacted elsewhere, linked to its original; a file can also
be withheld whole. Each goes into the case's redaction log with its reason: third-party data, or an entry of the
case's exemption log. The pack sends the redacted copy, never an original that has one, and nothing withheld.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from dpo_tui.domain import redaction
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.text import problem as text_problem
from dpo_tui.services.casework import Casework, load_case, lock_case
from dpo_tui.store.database import retry_transient
from dpo_tui.store.intake_models import StoredFile
from dpo_tui.store.models import Case, ChecklistItem, utcnow
from dpo_tui.store.pack_models import Redaction

_FILES = StoredFile.__table__  # type: ignore[attr-defined]
_INSERT = insert(_FILES)
CHUNK = 1 << 20
# Kinds of stored file that are attachments of the case (what the Attachments view lists).
ATTACHMENT_KINDS = ("attachment", "redacted", "received_message")
REASONS = ("third_party", "exemption")


class AttachmentRefused(InvalidInput):
    """A file cannot be attached (the message names it and why); nothing was stored."""


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    kind: str  # attachment | redacted | received_message
    item_key: str | None
    item_label: str | None
    system_key: str | None
    original_id: int | None  # a redacted copy: the file it was made from
    copy_id: int | None  # an original: its redacted copy (the newest)
    withheld: bool
    created_at: datetime
    created_by: str

    @property
    def redactable(self) -> bool:
        return redaction.format_of(self.name) is not None

    @property
    def sent(self) -> bool:
        """Whether the pack sends this file: not withheld, not an original with a redacted copy, not correspondence."""
        return self.kind in ("attachment", "redacted") and not self.withheld and self.copy_id is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "media_type": self.media_type, "size": self.size, "sha256": self.sha256,
            "kind": self.kind, "item": self.item_key, "item_label": self.item_label, "system": self.system_key,
            "original_id": self.original_id, "redacted_copy_id": self.copy_id, "withheld": self.withheld,
            "sent_in_pack": self.sent, "added_at": self.created_at.isoformat(), "added_by": self.created_by,
        }  # fmt: skip


@dataclass(frozen=True)
class RedactionView:
    id: int
    file_id: int
    file_name: str
    copy_id: int | None
    action: str
    what: str
    occurrences: int
    reason: str
    exemption_id: int | None
    citation: str
    by: str
    at: datetime
    ncnd: bool = False  # rests on a neither-confirm-nor-deny exemption: never shown to the requester

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "file_id": self.file_id, "file": self.file_name, "copy_id": self.copy_id, "action": self.action,
            "what": self.what, "occurrences": self.occurrences, "reason": self.reason, "exemption_id": self.exemption_id,
            "citation": self.citation, "by": self.by, "at": self.at.isoformat(),
        }  # fmt: skip

    @property
    def reason_text(self) -> str:
        return "third-party data" if self.reason == "third_party" else f"exemption: {self.citation}"


# ---- checking files before anything is stored ------------------------------------------------------------------


def check_name(name: str) -> str:
    """A file name as it will be kept: refused when it has control characters or path separators."""
    if not name or name in (".", ".."):
        raise AttachmentRefused("file", f"{name!r}: not a file name")
    if "/" in name or "\\" in name:
        raise AttachmentRefused("file", f"{name!r}: the name contains a path separator")
    if any(ord(c) < 32 or ord(c) == 127 or 0x80 <= ord(c) < 0xA0 for c in name) or text_problem(name):
        raise AttachmentRefused("file", f"{name!r}: the name contains control characters; rename the file first")
    if len(name) > 255:
        raise AttachmentRefused("file", f"{name[:40]!r}...: the name is longer than 255 characters")
    return name


def limit_bytes(work: Casework) -> int:
    return int(work.settings.pack.max_file_mb) * 1024 * 1024


def check_file(path: Path | str, limit: int) -> os.stat_result:
    """Refuse what cannot be attached, with one line naming the file (nothing is read yet)."""
    p = Path(path)
    shown = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    if "\x00" in shown:
        raise AttachmentRefused("file", f"{shown!r}: the name contains control characters; rename the file first")
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        raise AttachmentRefused("file", f"{shown!r}: no such file") from None
    except OSError as exc:
        raise AttachmentRefused("file", f"{shown!r}: {(exc.strerror or type(exc).__name__).lower()}") from None
    if stat.S_ISLNK(st.st_mode):
        raise AttachmentRefused("file", f"{shown!r}: a symbolic link; attach the file it points to")
    if stat.S_ISDIR(st.st_mode):
        raise AttachmentRefused("file", f"{shown!r}: a folder; attach the files in it")
    if not stat.S_ISREG(st.st_mode):
        raise AttachmentRefused("file", f"{shown!r}: not a regular file")
    check_name(p.name)
    if st.st_size > limit:
        raise AttachmentRefused(
            "file", f"{shown!r}: {_mb(st.st_size)} is over the limit of {_mb(limit)} ([pack] max_file_mb in the settings)"
        )
    return st


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_checked(path: Path, limit: int) -> tuple[bytes, str]:
    """The file's bytes and SHA-256, opened without following a symlink and re-checked on the open file (it may
    have been swapped since it was checked)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise AttachmentRefused("file", f"{str(path)!r}: {(exc.strerror or type(exc).__name__).lower()}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise AttachmentRefused("file", f"{str(path)!r}: not a regular file")
        digest = hashlib.sha256()
        chunks = []
        total = 0
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise AttachmentRefused("file", f"{str(path)!r}: grew over the limit of {_mb(limit)} while being read")
            digest.update(chunk)
            chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def media_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


# ---- the verbs ----------------------------------------------------------------------------------------------------


def _item_of(s: Session, case: Case, item: str | int | None) -> ChecklistItem | None:
    """The checklist item by its number as shown (1 = first) or its key; None for the case as a whole."""
    if item is None or item == "":
        return None
    items = list(s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id).order_by(ChecklistItem.position)))
    text = str(item).strip()
    if text.isdigit():
        n = int(text)
        if not 1 <= n <= len(items):
            raise InvalidInput("item", f"{case.ref} has checklist items 1 to {len(items)}, not {n}")
        return items[n - 1]
    for i in items:
        if i.key == text:
            return i
    raise InvalidInput("item", f"{case.ref} has no checklist item {text!r}")


@retry_transient
def attach(
    work: Casework, ref: str, paths: Sequence[Path | str], *, version: int, item: str | int | None = None,
    on_file: Callable[[str], None] | None = None,
) -> list[AttachmentView]:
    """Attach files to a case (and to one checklist item). All are checked before any is read; all are stored in
    one transaction, each with an audit event carrying its SHA-256, or none is."""
    if not paths:
        raise InvalidInput("file", "name at least one file to attach")
    limit = limit_bytes(work)
    for p in paths:
        check_file(p, limit)
    ids: list[int] = []
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        chosen = _item_of(s, case, item)
        conn = s.connection()
        for p in paths:
            path = Path(p)
            content, sha = read_checked(path, limit)
            name, size = path.name, len(content)
            file_id = conn.execute(_INSERT, {
                "case_id": case.id, "name": name, "media_type": media_type(name), "size": len(content), "sha256": sha,
                "content": content, "kind": "attachment", "created_at": utcnow(), "created_by": work.actor,
                "item_key": chosen.key if chosen else None, "original_id": None, "withheld": False,
            }).inserted_primary_key[0]  # fmt: skip
            del content
            ids.append(file_id)
            work.record(s, case, "attachment.added", {
                "file_id": file_id, "name": name, "size": size, "sha256": sha,
                "item": chosen.key if chosen else None,
            })  # fmt: skip
            if on_file:
                on_file(name)
    return [a for a in attachments(work, ref) if a.id in ids]


def attachments(work: Casework, ref: str) -> list[AttachmentView]:
    """The case's attachments (received correspondence included), oldest first."""
    with work.db.reader() as s:
        case = load_case(s, ref)
        return _views(s, case)


def _views(s: Session, case: Case) -> list[AttachmentView]:
    cols = (
        StoredFile.id, StoredFile.name, StoredFile.media_type, StoredFile.size, StoredFile.sha256, StoredFile.kind,
        StoredFile.item_key, StoredFile.original_id, StoredFile.withheld, StoredFile.created_at, StoredFile.created_by,
    )  # fmt: skip
    rows = list(s.exec(select(*cols).where(StoredFile.case_id == case.id).order_by(StoredFile.id)))  # never the bytes
    items = {i.key: i for i in s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id))}
    copies: dict[int, int] = {}
    for r in rows:
        if r[7] is not None:
            copies[r[7]] = r[0]
    out = []
    for fid, name, mt, size, sha, kind, item_key, original, withheld, created, by in rows:
        if kind not in ATTACHMENT_KINDS:
            continue
        item = items.get(item_key) if item_key else None
        if item is None and original is not None:  # a copy belongs where its original does
            orig_key = next((r[6] for r in rows if r[0] == original), None)
            item = items.get(orig_key) if orig_key else None
            item_key = orig_key
        out.append(AttachmentView(
            fid, name, mt, size, sha, kind, item_key, item.label if item else None, item.system_key if item else None,
            original, copies.get(fid), bool(withheld), created, by,
        ))  # fmt: skip
    return out


def redaction_log(work: Casework, ref: str) -> list[RedactionView]:
    with work.db.reader() as s:
        case = load_case(s, ref)
        return _log(s, case)


def _log(s: Session, case: Case) -> list[RedactionView]:
    names = dict(s.exec(select(StoredFile.id, StoredFile.name).where(StoredFile.case_id == case.id)).all())
    ncnd = {e.id for e in DecisionRecord.from_json(case.decision).exemptions if e.ncnd}
    rows = s.exec(select(Redaction).where(Redaction.case_id == case.id).order_by(Redaction.id))
    return [
        RedactionView(r.id or 0, r.file_id, names.get(r.file_id, "?"), r.copy_id, r.action, r.what, r.occurrences,
                      r.reason, r.exemption_id, r.citation, r.by, r.at, ncnd=r.exemption_id in ncnd)
        for r in rows
    ]  # fmt: skip


def _file(s: Session, case: Case, file_id: int) -> StoredFile:
    f = s.get(StoredFile, file_id)
    if f is None or f.case_id != case.id or f.kind not in ATTACHMENT_KINDS:
        raise InvalidInput("file", f"{case.ref} has no attachment #{file_id}")
    return f


def file_text(work: Casework, ref: str, file_id: int) -> tuple[str, str]:
    """(name, the text that suggestions are found in) of a text-format attachment."""
    with work.db.reader() as s:
        case = load_case(s, ref)
        f = _file(s, case, file_id)
        return f.name, redaction.readable_text(f.name, f.content)


def suggestions(work: Casework, ref: str, file_id: int) -> list[redaction.Suggestion]:
    """Other people's emails, phone numbers and names in a text attachment, for the DPO to confirm."""
    with work.db.reader() as s:
        case = load_case(s, ref)
        f = _file(s, case, file_id)
        text = redaction.readable_text(f.name, f.content)
        return redaction.suggest(
            f.name, text, requester_name=case.requester_name, requester_email=case.requester_email,
            requester_phone=case.requester_phone or "",
        )


def _reason(case: Case, reason: str, exemption_id: int | None) -> tuple[str, int | None, str]:
    """(reason, exemption id, citation): third-party data, or an entry of the case's exemption log."""
    if reason not in REASONS:
        raise InvalidInput("reason", f"'{reason}' is not a reason (third_party, or exemption with its log entry)")
    if reason == "third_party":
        return reason, None, "third-party data"
    log = DecisionRecord.from_json(case.decision).exemptions
    if exemption_id is None:
        raise InvalidInput("exemption", "name the exemption log entry this rests on (`dpo-tui exemption list REF`)")
    entry = next((e for e in log if e.id == exemption_id), None)
    if entry is None:
        raise InvalidInput("exemption", f"{case.ref} has no exemption log entry {exemption_id} (add it with `dpo-tui exemption add`)")
    return reason, exemption_id, entry.citation


def _open(case: Case) -> None:
    if not case.is_open:
        raise DomainError(f"{case.ref} is closed: reopen it to change its attachments")


@retry_transient
def redact(
    work: Casework, ref: str, file_id: int, confirmed: Sequence[redaction.Suggestion], *, version: int,
    reason: str = "third_party", exemption_id: int | None = None,
) -> AttachmentView:
    """Make the redacted copy of a text attachment with the values the DPO confirmed; log one entry per kind of
    value (how many, never the values themselves)."""
    if not confirmed:
        raise InvalidInput("redactions", "confirm at least one suggestion to redact")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case)
        why, ex_id, citation = _reason(case, reason, exemption_id)
        f = _file(s, case, file_id)
        if f.kind == "redacted":
            raise InvalidInput("file", f"#{file_id} is already a redacted copy: redact its original")
        text = redaction.readable_text(f.name, f.content)
        fmt = redaction.format_of(f.name) or "text"
        out, counts = redaction.apply(text, [c.value for c in confirmed], fmt=fmt)
        missing = [v for v, n in counts.items() if n == 0]
        if missing:
            raise InvalidInput("redactions", f"{len(missing)} confirmed value(s) do not occur in {f.name}: nothing was redacted")
        data = out.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        name = redaction.redacted_name(f.name)
        copy_id = s.connection().execute(_INSERT, {
            "case_id": case.id, "name": name, "media_type": media_type(name), "size": len(data), "sha256": sha,
            "content": data, "kind": "redacted", "created_at": utcnow(), "created_by": work.actor,
            "item_key": f.item_key, "original_id": f.id, "withheld": False,
        }).inserted_primary_key[0]  # fmt: skip
        per_kind: dict[str, int] = {}
        for c in confirmed:
            per_kind[c.kind] = per_kind.get(c.kind, 0) + counts.get(c.value, 0)
        for kind, n in per_kind.items():
            s.add(Redaction(case_id=case.id, file_id=f.id, copy_id=copy_id, action="redacted", what=redaction.describe(kind, n),
                            occurrences=n, reason=why, exemption_id=ex_id, citation=citation, by=work.actor))  # fmt: skip
        work.record(s, case, "attachment.redacted", {
            "file_id": f.id, "copy_id": copy_id, "sha256": sha, "original_sha256": f.sha256, "reason": why,
            "exemption_id": ex_id, "redacted": per_kind,
        })  # fmt: skip
        return next(a for a in _views(s, case) if a.id == copy_id)


@retry_transient
def link_redacted(
    work: Casework, ref: str, original_id: int, path: Path | str, *, version: int, what: str,
    reason: str = "third_party", exemption_id: int | None = None,
) -> AttachmentView:
    """Attach a copy redacted elsewhere (a PDF blacked out in another tool) and link it to its original; the log
    entry says what was redacted, in the DPO's words."""
    summary = " ".join((what or "").split())
    if not summary:
        raise InvalidInput("what", "say what was redacted (e.g. 'names of two colleagues on page 3')")
    limit = limit_bytes(work)
    check_file(path, limit)
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case)
        why, ex_id, citation = _reason(case, reason, exemption_id)
        f = _file(s, case, original_id)
        if f.kind == "redacted":
            raise InvalidInput("file", f"#{original_id} is already a redacted copy: link to its original")
        p = Path(path)
        content, sha = read_checked(p, limit)
        if sha == f.sha256:
            raise InvalidInput("file", f"{p.name}: identical to the original #{original_id}: nothing was redacted in it")
        copy_id = s.connection().execute(_INSERT, {
            "case_id": case.id, "name": p.name, "media_type": media_type(p.name), "size": len(content), "sha256": sha,
            "content": content, "kind": "redacted", "created_at": utcnow(), "created_by": work.actor,
            "item_key": f.item_key, "original_id": f.id, "withheld": False,
        }).inserted_primary_key[0]  # fmt: skip
        s.add(Redaction(case_id=case.id, file_id=f.id, copy_id=copy_id, action="redacted", what=summary, occurrences=0,
                        reason=why, exemption_id=ex_id, citation=citation, by=work.actor))  # fmt: skip
        work.record(s, case, "attachment.redacted", {
            "file_id": f.id, "copy_id": copy_id, "sha256": sha, "original_sha256": f.sha256, "reason": why,
            "exemption_id": ex_id, "external": True, "name": p.name,
        })  # fmt: skip
        return next(a for a in _views(s, case) if a.id == copy_id)


@retry_transient
def withhold(
    work: Casework, ref: str, file_id: int, *, version: int, what: str = "", reason: str = "third_party",
    exemption_id: int | None = None,
) -> AttachmentView:
    """Keep a whole file out of the response, with its reason in the redaction log."""
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case)
        why, ex_id, citation = _reason(case, reason, exemption_id)
        f = _file(s, case, file_id)
        if f.withheld:
            raise InvalidInput("file", f"#{file_id} is already withheld")
        f.withheld = True
        s.add(f)
        summary = " ".join((what or "").split()) or "a whole file withheld"
        s.add(Redaction(case_id=case.id, file_id=f.id, copy_id=None, action="withheld", what=summary, occurrences=0,
                        reason=why, exemption_id=ex_id, citation=citation, by=work.actor))  # fmt: skip
        work.record(s, case, "attachment.withheld", {"file_id": f.id, "sha256": f.sha256, "reason": why, "exemption_id": ex_id})
        return next(a for a in _views(s, case) if a.id == file_id)


def read_content(work: Casework, ref: str, file_id: int) -> tuple[str, bytes]:
    """(name, bytes) of one attachment: for writing it out (owner-only) and for the pack."""
    with work.db.reader() as s:
        case = load_case(s, ref)
        f = _file(s, case, file_id)
        return f.name, f.content
