"""Sending a letter from a case by email: prepare (preview), send, and only then record it as sent.

- `prepare_letter` drafts the letter, threads it onto the case's earlier messages (In-Reply-To the newest,
  References all) and builds the exact message that will be sent; it writes nothing.
- `send_letter` refuses a stale preview (`version`: the case version the user saw), hands the message to the SMTP
  server, and only when the server has accepted it records the correspondence row with its Message-ID and the
  `letter.sent` audit event, in one transaction. A failed send records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlmodel import select

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.letters import kind_of
from dpo_tui.mail.config import MailConfigError, SmtpSettings
from dpo_tui.mail.send import build_message, deliver
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Letter, utcnow
from dpo_tui.domain.states import Channel, Direction


class SentNotRecorded(DomainError):
    """The server took the message but the database write failed: the DPO must record it by hand."""


@dataclass(frozen=True)
class PackAttachment:
    """A response pack checked against the case's record: these exact bytes are the archive `dpo-tui pack` built."""

    pack_id: int
    manifest_sha256: str
    archive_sha256: str
    file_name: str
    data: bytes


def check_pack_attachment(work: Any, ref: str, kind: str, archive: Path | str, smtp: SmtpSettings | None = None) -> PackAttachment:
    """Refuse, in one line, a pack on a letter that is not a response, a file over the size limit, or a file whose
    SHA-256 is not that of a pack recorded for this case (a stale or another case's archive). The passphrase is
    never stored, so it cannot travel with the archive."""
    import hashlib

    from dpo_tui.paths import shown
    from dpo_tui.services.pack import RESPONSE_KINDS, packs

    smtp = smtp or smtp_settings(work)
    key = kind_of(kind).key
    if key not in RESPONSE_KINDS:
        raise InvalidInput("pack", f"{key} is not a response letter; a pack goes only with: {', '.join(RESPONSE_KINDS)}")
    recorded = packs(work, ref)
    if not recorded:
        raise InvalidInput("pack", f"{ref.strip().upper()} has no pack recorded; build it first (`dpo-tui pack {ref.strip().upper()}`)")
    path = Path(archive).expanduser()
    if path.is_symlink() or not path.is_file():
        raise InvalidInput("pack", f"{shown(path)}: not a file")
    limit = smtp.max_attachment_mb * 1024 * 1024
    size = path.stat().st_size
    if size > limit:
        raise InvalidInput("pack", f"{shown(path)} is {size / 1024 / 1024:.1f} MB, over the {smtp.max_attachment_mb} MB limit (smtp.max_attachment_mb); deliver it another way")
    data = path.read_bytes()  # hashed and attached from the same bytes: what was checked is what goes out
    digest = hashlib.sha256(data).hexdigest()
    match = next((p for p in reversed(recorded) if p.archive_sha256 == digest), None)
    if match is None:
        raise InvalidInput("pack", f"{shown(path)} is not a pack recorded for {ref.strip().upper()} (stale or another case's archive)")
    return PackAttachment(match.id, match.manifest_sha256, digest, match.file_name, data)


def pack_to_offer(work: Any, ref: str, kind: str) -> Any:
    """The newest pack recorded for the case when `kind` is a response letter (the letters screen offers to attach
    it), else None. Only the file name is recorded, not the folder it was written to."""
    from dpo_tui.services.pack import RESPONSE_KINDS, packs

    if kind_of(kind).key not in RESPONSE_KINDS:
        return None
    recorded = packs(work, ref)
    return recorded[-1] if recorded else None


@dataclass(frozen=True)
class OutboundLetter:
    ref: str
    kind: str
    to: str
    subject: str
    text: str  # the body as sent (plain text)
    message: EmailMessage
    message_id: str
    in_reply_to: str | None
    version: int  # the case version the preview was built from
    pack: PackAttachment | None = None

    def preview(self) -> str:
        """Headers that matter and the body, as the recipient will see them (control characters made visible)."""
        from dpo_tui.text import clean

        head = [f"{h}: {self.message[h]}" for h in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References") if self.message[h]]
        parts = [p.get_filename() for p in self.message.iter_attachments()]
        if parts:
            head.append("Attachments: " + ", ".join(str(p) for p in parts))
        return clean("\n".join(head) + "\n\n" + self.text.rstrip() + "\n")


def smtp_settings(work: Any) -> SmtpSettings:
    smtp = work.settings.smtp
    if smtp is None:
        raise MailConfigError("smtp: no mail server configured; add an [smtp] section to the settings file (see data/settings.example.toml)")
    return smtp.require()


def thread_of(work: Any, ref: str) -> list[str]:
    """Message-IDs already on the case (sent by dpo-tui, or received through intake), oldest first."""
    from dpo_tui.services.casework import load_case

    with work.db.reader() as s:
        case = load_case(s, ref)
        q = (
            select(Letter.message_id)
            .where(Letter.case_id == case.id, Letter.message_id.is_not(None))  # type: ignore[union-attr]
            .order_by(Letter.sent_on, Letter.id)
        )
        return [m for m in s.exec(q) if m]


def sent_messages(work: Any, ref: str) -> list[dict[str, Any]]:
    """The case's emailed correspondence: kind, Message-ID, In-Reply-To, address and when the server took it."""
    from dpo_tui.services.casework import load_case

    with work.db.reader() as s:
        case = load_case(s, ref)
        rows = s.exec(select(Letter).where(Letter.case_id == case.id, Letter.message_id.is_not(None)).order_by(Letter.id))  # type: ignore[union-attr]
        return [
            {"kind": r.kind, "message_id": r.message_id, "in_reply_to": r.in_reply_to, "sent_to": r.sent_to,
             "sent_at": r.sent_at, "subject": r.subject, "direction": r.direction}
            for r in rows
        ]  # fmt: skip


def prepare_letter(
    work: Any, ref: str, kind: str, *, to: str | None = None, attachments: Sequence[Path] = (), draft: Any = None,
    pack: Path | str | None = None,
) -> OutboundLetter:
    """Draft and build the message; nothing is sent or written. `draft`: the letter as the DPO edited it on the
    letters screen (a `Draft` of this case and kind); the template's draft otherwise. Either way the template must
    still apply to the case now (a letter that no longer applies is refused). `pack`: the case's response pack
    archive, checked by `check_pack_attachment` and attached as application/zip."""
    from dpo_tui.text import clean, md_unescape
    from dpo_tui.services.letters import _plain, render_letter

    smtp = smtp_settings(work)
    template = render_letter(work, ref, kind)
    if draft is not None and (draft.ref != template.ref or draft.kind != template.kind):
        raise ValueError(f"the edited draft is for {draft.ref} {draft.kind}, not {template.ref} {template.kind}")
    draft = draft or template
    detail = work.get(draft.ref, with_events=False)
    address = (to or detail.requester.get("email") or "").strip()
    subject = " ".join(md_unescape(draft.subject).split())
    if not subject:
        raise InvalidInput("subject", "the letter needs a subject")
    if not draft.body.strip():
        raise InvalidInput("body", "the letter is empty")
    if detail.ref not in subject:
        subject = f"{subject} [{detail.ref}]"  # intake links replies by the reference in the subject too
    text = clean(_plain(draft.body)).rstrip() + "\n"
    bundle = check_pack_attachment(work, detail.ref, draft.kind, pack, smtp) if pack is not None else None
    thread = thread_of(work, detail.ref)
    in_reply_to = thread[-1] if thread else None
    msg = build_message(
        smtp, to=address, subject=subject, text=text, in_reply_to=in_reply_to, references=thread,
        attachments=[Path(p) for p in attachments],
        files=[(bundle.file_name, bundle.data, "application/zip")] if bundle else (),
    )  # fmt: skip
    return OutboundLetter(
        ref=detail.ref, kind=draft.kind, to=str(msg["To"]), subject=subject, text=text, message=msg,
        message_id=str(msg["Message-ID"]), in_reply_to=in_reply_to, version=detail.version,
        pack=bundle,
    )  # fmt: skip


def send_letter(work: Any, letter: OutboundLetter, *, version: int) -> CaseDetail:
    """Send the prepared letter; record it (correspondence + audit event) only once the server accepted it."""
    from dpo_tui.services.casework import check_version, load_case

    smtp = smtp_settings(work)
    with work.db.reader() as s:
        # StaleCase: the preview no longer matches the case; nothing is sent.
        check_version(s, load_case(s, letter.ref), version)
    deliver(smtp, letter.message)
    # From here the message is gone: the write must not be refused for an edit made meanwhile (no version check),
    # and if it fails anyway the DPO is told exactly what to record by hand.
    try:
        return _record_sent(work, letter, smtp.host)
    except Exception as exc:
        raise SentNotRecorded(
            f"the server accepted the letter as {letter.message_id} but it could not be recorded ({exc}); "
            f"record it with: dpo-tui letter {letter.ref} {letter.kind} --save"
        ) from None


@retry_transient
def _record_sent(work: Any, letter: OutboundLetter, server: str) -> CaseDetail:
    """The correspondence row and its `letter.sent` event for a message the server accepted. Retried on a deadlock
    like any action: the message is not sent again, only this record is written again."""
    from dpo_tui.services.casework import load_case

    with work.write() as s:
        case = load_case(s, letter.ref)  # no version check (see send_letter); PostgreSQL: serialised by the head lock
        row = Letter(
            case_id=case.id,
            kind=kind_of(letter.kind).key,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            sent_on=work.today(),
            subject=letter.subject,
            body=letter.text,
            created_by=work.actor,
            message_id=letter.message_id,
            in_reply_to=letter.in_reply_to,
            sent_to=letter.to,
            sent_at=utcnow(),
        )
        s.add(row)
        s.flush()
        work.record(
            s,
            case,
            "letter.sent",
            {
                "letter_id": row.id, "kind": row.kind, "channel": Channel.EMAIL.value, "sent_on": row.sent_on.isoformat(),
                "subject": letter.subject, "length": len(letter.text), "to": letter.to,
                "message_id": letter.message_id, "in_reply_to": letter.in_reply_to, "server": server,
                **({"pack_id": letter.pack.pack_id, "pack_manifest_sha256": letter.pack.manifest_sha256,
                    "pack_archive_sha256": letter.pack.archive_sha256} if letter.pack else {}),
            },
        )  # fmt: skip
        return work.finish(s, case)
