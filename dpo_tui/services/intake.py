"""Intake as casework: messages become cases, replies join their case, the rest waits for the DPO.

One import is one user action: one transaction. It applies nothing when any input is bad (unless the caller
skips bad input, which is then reported), and nothing on a dry run, where the same work is done and rolled back
so the report is exactly what a real run would do. Each message taken in is stored as received (its SHA-256 in
the audit event), and remembered by Message-ID (else content hash) so a second import of it does nothing.

Only items the caller asks to log and that are confident become cases: a right was recognised, the requester
writes for themselves, the day of receipt comes from a mail header, and no open case of the same sender makes it
look like a reply. Everything else is kept as a "needs triage" item for the DPO.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.rights import Right, parse_rights
from dpo_tui.intake.answers import WHAT, classify_answer, is_id_file
from dpo_tui.intake.detect import Detection, detect
from dpo_tui.intake.original import without_id_files
from dpo_tui.intake.model import BadInput, IncomingMessage, Item
from dpo_tui.services.casework import Casework, NewRequest, load_case, lock_case
from dpo_tui.store import audit
from dpo_tui.store.intake_models import IntakeMessage, PendingIntake, StoredFile
from dpo_tui.store.models import Case, Letter, utcnow
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.states import Channel, Direction, IntakeStatus

REF_IN_SUBJECT = re.compile(r"\bDSAR-\d{4}-\d{4,}\b", re.IGNORECASE)
# A web form's request-type field in words people use; anything else is left for the DPO.
_FORM_RIGHT_WORDS = {
    "access": "access", "sar": "access", "dsar": "access", "copy": "access", "know": "access",
    "delete": "erasure", "deletion": "erasure", "erase": "erasure", "erasure": "erasure",
    "correct": "rectification", "correction": "rectification", "rectification": "rectification",
    "restrict": "restriction", "restriction": "restriction", "portability": "portability",
    "object": "objection", "objection": "objection", "opt-out": "objection", "opt_out": "objection",
    "unsubscribe": "objection", "withdraw_consent": "withdraw_consent", "automated_decision": "automated_decision",
}
FLUSH_EVERY = 200
# The reason an item carries when nothing is in doubt: the one rule `--log-confident` (at import) and the triage
# screen's "log all confident items" (later) both apply, through `is_confident`.
CONFIDENT = "confident: confirm and log"


def is_confident(reason: str) -> bool:
    return reason.startswith("confident")


_FILES = StoredFile.__table__  # type: ignore[attr-defined]
_PENDING = PendingIntake.__table__  # type: ignore[attr-defined]
_MSGS = IntakeMessage.__table__  # type: ignore[attr-defined]


_INSERTS: dict[Any, Any] = {}
# Built once: building a SELECT costs more than running it on SQLite (one of each per message).
_CASES = Case.__table__.c  # type: ignore[attr-defined]
_SEEN = select(_MSGS.c.id).where(_MSGS.c.key == bindparam("key"))
_THREAD = select(_MSGS.c.case_id, _MSGS.c.pending_id).where(_MSGS.c.message_id.in_(bindparam("ids", expanding=True)))
_SAME_SENDER = (
    select(_CASES.ref)
    .where(_CASES.email_norm.in_(bindparam("emails", expanding=True)), _CASES.is_open == True)  # noqa: E712
    .order_by(_CASES.received.desc())
    .limit(1)
)


def _insert(s: Session, table: Any, **values: Any) -> int:
    # One compiled INSERT per table, parameters bound per call: `.values(**kw)` recompiled it every time.
    stmt = _INSERTS.get(table)
    if stmt is None:
        stmt = _INSERTS[table] = insert(table)
    return s.connection().execute(stmt, values).inserted_primary_key[0]  # type: ignore[no-any-return]


class PendingNotFound(DomainError):
    pass


class StalePending(DomainError):
    """Someone else decided this item since it was read."""


class ConcurrentImport(DomainError):
    """Another import took in some of the same messages at the same time; this one saved nothing."""


@dataclass(frozen=True)
class ItemResult:
    outcome: str  # created | attached | needs_triage | skipped | rejected
    source: str
    detail: str
    ref: str | None = None
    pending_id: int | None = None
    rights: tuple[str, ...] = ()
    language: str | None = None
    sha256: str | None = None
    flags: tuple[str, ...] = ()
    overdue_chaser: bool = False
    offers_step: str | None = None  # identity | fee | clarification: the answer the case is waiting for, perhaps

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome, "source": self.source, "detail": self.detail, "ref": self.ref,
            "pending_id": self.pending_id, "rights": list(self.rights), "language": self.language,
            "sha256": self.sha256, "flags": list(self.flags), "overdue_chaser": self.overdue_chaser,
            "offers_step": self.offers_step,
        }


@dataclass
class ImportSummary:
    results: list[ItemResult] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in ("created", "attached", "needs_triage", "skipped", "rejected")}

    @property
    def rejected(self) -> list[ItemResult]:
        return [r for r in self.results if r.outcome == "rejected"]


class _Rollback(Exception):
    """Internal: leave the transaction without saving (dry run, or bad input without --skip-bad)."""


def _where(m: IncomingMessage | BadInput) -> str:
    line = m.line
    return f"{m.source}:{line}" if line is not None else m.source


class Intake:
    def __init__(self, work: Casework) -> None:
        self.work = work
        self.db = work.db
        self.actor = work.actor
        self._batch: list[dict[str, Any]] = []

    # ---- import -------------------------------------------------------------------------

    def run(
        self,
        items: Iterable[Item],
        *,
        dry_run: bool = False,
        skip_bad: bool = False,
        log_confident: bool = False,
        on_result: Callable[[ItemResult], None] | None = None,
    ) -> ImportSummary:
        summary = ImportSummary(dry_run=dry_run)
        self._batch: list[dict[str, Any]] = []
        try:
            with self.db.write() as s:
                for n, item in enumerate(items, start=1):
                    if isinstance(item, BadInput):
                        result = ItemResult("rejected", _where(item), item.reason)
                    else:
                        result = self._take(s, item, log_confident=log_confident)
                    summary.results.append(result)
                    if on_result:
                        on_result(result)
                    if n % FLUSH_EVERY == 0:
                        self._audit_batch(s)
                        # Keep memory flat on a large mailbox: written rows need not stay in the session.
                        s.flush()
                        s.expunge_all()
                self._audit_batch(s)
                if (summary.rejected and not skip_bad) or dry_run:
                    raise _Rollback
        except _Rollback:
            return summary
        except IntegrityError:
            # PostgreSQL: two imports of the same mailbox at once; the unique message key stops the second.
            raise ConcurrentImport(
                "another import took in some of these messages at the same time; nothing was saved: run it again"
            ) from None
        summary.applied = True
        return summary

    def _take(self, s: Session, m: IncomingMessage, *, log_confident: bool) -> ItemResult:
        # The common path (an item for triage) writes with Core inserts: the ORM's unit of work cost ~4x more per
        # message and held every row in memory. Cases are still logged through Casework, as everywhere else.
        where = _where(m)
        today = self.work.today()
        if s.connection().execute(_SEEN, {"key": m.dedup_key}).first() is not None:
            what = f"Message-ID <{m.message_id}>" if m.message_id else "the same content"
            return ItemResult("skipped", where, f"already imported ({what})", sha256=m.sha256)
        if m.received > today:
            return ItemResult("rejected", where, f"day of receipt {m.received.isoformat()} is in the future")
        if m.received.year < 2000:
            return ItemResult("rejected", where, f"day of receipt {m.received.isoformat()} is implausibly old")
        case, how, hint = self._match(s, m)
        stored, removed = m.raw, []
        if case is not None and case.status == Status.AWAITING_ID and m.media_type == "message/rfc822" and any(
            is_id_file(a.name, a.media_type) for a in m.attachments
        ):
            stored, removed = without_id_files(m.raw)  # an ID document is never stored: only its name, type, size, digest
        file_id = _insert(
            s, _FILES, name=_file_name(m), media_type=m.media_type, size=len(stored),
            sha256=m.sha256 if not removed else hashlib.sha256(stored).hexdigest(), content=stored,
            kind="received_message", created_by=self.actor, case_id=case.id if case else None, created_at=utcnow(),
        )  # fmt: skip
        if case is not None:
            return self._attach(s, case, m, file_id, how or "", today, removed)

        detection = detect(m.text, m.subject)
        rights, triggers = _rights_of(detection, m.form_rights)
        reasons = []
        if hint:
            reasons.append(hint)
        if not rights:
            reasons.append("no right recognised")
        if m.third_party:
            reasons.append("written on someone else's behalf: authority needed")
        if m.received_basis == "file_time":
            reasons.append("day of receipt taken from the file time")
        if "reply_to_differs" in m.flags:
            reasons.append("Reply-To differs from From")
        req = None
        if rights:
            req = NewRequest(
                name=m.requester_name, email=m.requester_email, rights=tuple(Right(r) for r in rights), received=m.received,
                channel=m.channel, description=m.text, regime=detection.regime_hint,
            )
            try:
                req = self.work.validate_new(req)
            except InvalidInput as exc:
                reasons.append(str(exc))
        if log_confident and not reasons and req is not None:
            intake_info = {"sha256": m.sha256, "file_id": file_id, "source": where, "language": detection.language, "triggers": triggers}
            case = self.work.log_in(s, req, audit_extra={"intake": intake_info})
            s.execute(_FILES.update().where(_FILES.c.id == file_id).values(case_id=case.id))
            self._remember(s, m, case_id=case.id, file_id=file_id)
            s.add(_letter(case, m, self.actor))
            return ItemResult(
                "created", where, f"{', '.join(rights)} ({detection.language or '?'})", ref=case.ref, rights=tuple(rights),
                language=detection.language, sha256=m.sha256, flags=tuple(m.flags),
            )
        reason = "; ".join(reasons) or CONFIDENT
        match_ref = _ref_in(hint)
        pending_id = _insert(
            s, _PENDING, status=IntakeStatus.NEEDS_TRIAGE, reason=reason,
            source=where, channel=m.channel, from_name=m.from_name, from_email=m.from_email,
            requester_name=m.requester_name, requester_email=m.requester_email, on_behalf_email=m.on_behalf_email,
            third_party=m.third_party, received=m.received, received_basis=m.received_basis, subject=m.subject,
            body=m.text, quoted=m.quoted, signature=m.signature, language=detection.language, rights=",".join(rights),
            regime=detection.regime_hint,
            detected={"triggers": triggers, "direct_marketing": detection.direct_marketing, "form_rights": m.form_rights},
            flags=list(m.flags), attachments=[{"name": a.name, "media_type": a.media_type, "size": a.size} for a in m.attachments],
            match_ref=match_ref, file_id=file_id, created_by=self.actor, created_at=utcnow(), version=1,
        )
        self._remember(s, m, pending_id=pending_id, file_id=file_id)
        self._batch.append({"pending": pending_id, "sha256": m.sha256, "file_id": file_id, "source": where})
        return ItemResult(
            "needs_triage", where, reason, pending_id=pending_id, rights=tuple(rights), language=detection.language,
            sha256=m.sha256, flags=tuple(m.flags), ref=match_ref,
        )

    def _audit_batch(self, s: Session) -> None:
        """Items kept for triage belong to no case yet: one audit event per batch lists each with its SHA-256
        (logging or attaching an item later records its own event on the case)."""
        if self._batch:
            audit.append(s, actor=self.actor, kind="intake.pending", payload={"items": self._batch})
            self._batch = []

    def _attach(
        self, s: Session, case: Case, m: IncomingMessage, file_id: int, how: str, today: date, removed: list[dict[str, Any]]
    ) -> ItemResult:
        overdue = bool(case.is_open and case.due is not None and case.due < today)
        self._remember(s, m, case_id=case.id, file_id=file_id, overdue_chaser=overdue)
        s.add(_letter(case, m, self.actor))
        _mark_unread(case, overdue)
        # A message joining a case that waits on the requester may be the answer: the same test as the offer made
        # in the case (services/mail_answers.py), so the import's report and the case agree.
        from dpo_tui.services.mail_answers import awaited

        awaits, asked = awaited(case)
        step = None
        if awaits is not None and (asked is None or m.received >= asked):
            step = classify_answer(awaits, text=m.text, subject=m.subject, attachments=[(a.name, a.media_type) for a in m.attachments])
        self.work.record(
            s, case, "intake.attached",
            {"sha256": m.sha256, "file_id": file_id, "source": _where(m), "matched_by": how,
             "received": m.received.isoformat(), "overdue_chaser": overdue, "offers_step": step,
             **_not_stored(removed)},
        )
        detail = f"matched by {how}" + ("; chaser about an overdue case" if overdue else "")
        if step:
            # Never recorded automatically: the DPO confirms it in the walkthrough, dated by this day of receipt.
            detail += (f"; may be the {WHAT[step]} the case awaits: confirm it in the case, O then r, or dpo-tui "
                       f"mail-answers ({m.received.isoformat()})")  # fmt: skip
        return ItemResult(
            "attached", _where(m), detail, ref=case.ref, sha256=m.sha256, flags=tuple(m.flags), overdue_chaser=overdue,
            offers_step=step,
        )

    def _remember(self, s: Session, m: IncomingMessage, **kw: Any) -> None:
        values = {"case_id": None, "pending_id": None, "overdue_chaser": False, **kw}
        _insert(s, _MSGS, key=m.dedup_key, message_id=m.message_id, received=m.received, created_at=utcnow(), **values)

    def _match(self, s: Session, m: IncomingMessage) -> tuple[Case | None, str | None, str | None]:
        """(case to attach to, how it matched, or a hint for the DPO when only a guess is possible)."""
        for ref in REF_IN_SUBJECT.findall(m.subject):
            case = s.exec(select(Case).where(Case.ref == ref.upper())).first()
            if case is not None:
                return case, f"reference {case.ref} in the subject", None
        hint = None
        ids = [*m.in_reply_to, *m.references]
        if ids:
            rows = s.connection().execute(_THREAD, {"ids": ids}).all()
            for case_id, _ in rows:
                if case_id is not None:
                    return s.get(Case, case_id), "In-Reply-To/References (a message on the case)", None
            sent = _outbound_case(s, ids)
            if sent is not None:
                return sent, "In-Reply-To/References (a letter sent from dpo-tui)", None
            for _, pending_id in rows:
                if pending_id is not None:
                    hint = f"a reply to intake item #{pending_id}, which awaits triage"
        if hint is None and m.channel == Channel.EMAIL:
            hint = _same_sender_hint(s, m.requester_email, m.from_email)
        return None, None, hint

    # ---- triage: the verbs the triage screen calls ------------------------------------------

    def pending(self, *, status: str = IntakeStatus.NEEDS_TRIAGE, limit: int | None = None) -> list[PendingIntake]:
        with self.db.reader() as s:
            q = select(PendingIntake).where(PendingIntake.status == status).order_by(PendingIntake.received, PendingIntake.id)
            if limit:
                q = q.limit(limit)
            return list(s.exec(q))

    def triage_items(self, *, limit: int | None = None) -> list[TriageItem]:
        """The items waiting for the DPO, oldest day of receipt first, as plain data for the triage screen."""
        out = []
        for p in self.pending(limit=limit):
            detected = p.detected or {}
            out.append(TriageItem(
                id=p.id or 0, version=p.version, reason=p.reason, source=p.source, channel=p.channel,
                from_name=p.from_name, from_email=p.from_email, requester_name=p.requester_name,
                requester_email=p.requester_email, on_behalf_email=p.on_behalf_email, third_party=p.third_party,
                received=p.received, received_basis=p.received_basis, subject=p.subject, body=p.body,
                quoted=p.quoted, signature=p.signature, language=p.language,
                rights=tuple(r for r in p.rights.split(",") if r), regime=p.regime,
                triggers={k: tuple(v) for k, v in (detected.get("triggers") or {}).items()},
                direct_marketing=bool(detected.get("direct_marketing")), flags=tuple(p.flags or ()),
                attachments=tuple((a.get("name", ""), a.get("media_type", ""), int(a.get("size", 0))) for a in p.attachments or ()),
                match_ref=p.match_ref,
            ))  # fmt: skip
        return out

    def log_pending(
        self, pending_id: int, *, version: int, rights: tuple[Right, ...] | None = None, name: str | None = None,
        email: str | None = None, regime: str | None = None,
    ) -> str:
        """The DPO confirms (or corrects) an item: it becomes a case. Returns the case reference."""
        with self.db.write() as s:
            p = _load_pending(s, pending_id, version)
            return self._log(s, p, rights=rights, name=name, email=email, regime=regime)

    def log_confident(self) -> ConfidentResult:
        """Log every confident item waiting in triage, as `--log-confident` does at import: each item is one
        transaction with its audit event (a failure or a stale item leaves the others logged). The import's rule is
        applied again at this moment: an item whose sender now has an open case (say an earlier item of theirs was
        just logged) is not logged on a guess but stays "needs triage" with that reason, as an import would keep it."""
        created: list[str] = []
        kept = 0
        refused: list[str] = []
        for p in self.pending():
            if not is_confident(p.reason):
                continue
            try:
                with self.db.write() as s:
                    item = _load_pending(s, p.id or 0, p.version)
                    hint = _same_sender_hint(s, item.requester_email, item.from_email) if item.channel == Channel.EMAIL else None
                    if hint:
                        item.reason, item.match_ref, item.version = hint, _ref_in(hint), item.version + 1
                        s.add(item)
                        kept += 1
                        continue
                    created.append(self._log(s, item))
            except (DomainError, InvalidInput) as exc:  # someone decided it meanwhile, or it no longer validates
                refused.append(f"#{p.id}: {exc}")
        with self.db.reader() as s:
            left = s.exec(
                select(func.count()).select_from(PendingIntake).where(PendingIntake.status == IntakeStatus.NEEDS_TRIAGE)
            ).one()
        return ConfidentResult(tuple(created), kept, tuple(refused), int(left))

    def _log(
        self, s: Session, p: PendingIntake, *, rights: tuple[Right, ...] | None = None, name: str | None = None,
        email: str | None = None, regime: str | None = None,
    ) -> str:
        """An item becomes a case inside the caller's transaction, with its audit event naming the stored message."""
        chosen = rights or (parse_rights(p.rights) if p.rights else ())
        if not chosen:
            raise InvalidInput("rights: choose at least one right for this request")
        req = NewRequest(
            name=name or p.requester_name, email=email or p.requester_email, rights=tuple(chosen), received=p.received,
            channel=p.channel, description=p.body, regime=regime or p.regime,
            agent_name=p.from_name or p.from_email if p.third_party else None, agent_kind="third_party" if p.third_party else None,
        )
        file = s.get(StoredFile, p.file_id) if p.file_id else None
        case = self.work.log_in(
            s, req, audit_extra={"intake": {"pending": p.id, "sha256": file.sha256 if file else None, "file_id": p.file_id}}
        )
        self._settle(s, p, case, IntakeStatus.LOGGED)
        return case.ref

    def attach_pending(self, pending_id: int, ref: str, *, version: int, case_version: int) -> str:
        """The DPO says an item belongs to an existing case (a reply, a chaser, an ID document); `case_version` is
        the case's version the DPO saw (a stale one raises StaleCase)."""
        with self.work.write() as s:
            p = _load_pending(s, pending_id, version)
            case = lock_case(s, ref, version=case_version)
            file = s.get(StoredFile, p.file_id) if p.file_id else None
            overdue = bool(case.is_open and case.due is not None and case.due < self.work.today())
            _mark_unread(case, overdue)
            received_sha = file.sha256 if file else None
            removed: list[dict[str, Any]] = []
            if file is not None and case.status == Status.AWAITING_ID and file.media_type == "message/rfc822":
                # It answers a request for ID: the document's bytes go now (kept only while it awaited triage).
                stored, removed = without_id_files(file.content)
                if removed:
                    file.content, file.size, file.sha256 = stored, len(stored), hashlib.sha256(stored).hexdigest()
                    s.add(file)
            self.work.record(
                s, case, "intake.attached",
                {"pending": p.id, "sha256": received_sha, "file_id": p.file_id, "matched_by": "the DPO",
                 "received": p.received.isoformat(), "overdue_chaser": overdue, **_not_stored(removed)},
            )
            self._settle(s, p, case, IntakeStatus.ATTACHED)
            return case.ref

    def dismiss_pending(self, pending_id: int, *, version: int, reason: str) -> None:
        """Not a rights request (spam, a delivery question): kept, marked dismissed, with the reason."""
        why = reason.strip()
        if not why:
            raise InvalidInput("reason: say why this is not a request")
        with self.db.write() as s:
            p = _load_pending(s, pending_id, version)
            p.status, p.decided_at, p.decided_by, p.version = IntakeStatus.DISMISSED, utcnow(), self.actor, p.version + 1
            p.reason = f"{p.reason}; dismissed: {why}"
            s.add(p)
            audit.append(s, actor=self.actor, kind="intake.dismissed", payload={"pending": p.id, "reason": why})

    def _settle(self, s: Session, p: PendingIntake, case: Case, status: IntakeStatus) -> None:
        p.status, p.case_id, p.decided_at, p.decided_by, p.version = status, case.id, utcnow(), self.actor, p.version + 1
        s.add(p)
        if p.file_id:
            file = s.get(StoredFile, p.file_id)
            if file is not None:
                file.case_id = case.id
                s.add(file)
        message_id = None
        for row in s.exec(select(IntakeMessage).where(IntakeMessage.pending_id == p.id)):
            row.case_id = case.id
            message_id = row.message_id or message_id
            s.add(row)
        s.add(Letter(
            case_id=case.id, kind="received", channel=p.channel, direction=Direction.IN, sent_on=p.received,
            subject=p.subject, body=p.body, created_by=self.actor, message_id=f"<{message_id}>" if message_id else None,
        ))
        s.flush()

    # ---- the case's received messages: read, and marked read -------------------------------------

    def originals(self, ref: str) -> list[Original]:
        """The messages kept with a case as received (oldest first), decoded for reading: headers and text as
        they are, HTML never rendered (its source is shown when a message has no plain text)."""
        from dpo_tui.intake.original import describe_original

        with self.db.reader() as s:
            case = load_case(s, ref)
            rows = list(s.exec(
                select(StoredFile).where(StoredFile.case_id == case.id, StoredFile.kind == "received_message")
                .order_by(StoredFile.id)
            ))  # fmt: skip
        out = []
        for f in rows:
            headers, text, note = describe_original(f.media_type, f.content)
            out.append(Original(f.id, f.name, f.media_type, f.size, f.sha256, tuple(headers), text, note))
        return out

    def mark_read(self, ref: str, *, version: int) -> Any:
        """The DPO has read the messages that joined the case: the queue's unread and chaser markers go.
        Returns the CaseDetail (a case with nothing unread is returned unchanged, and nothing is recorded)."""
        with self.work.write() as s:
            case = lock_case(s, ref, version=version)
            if not case.unread_in and not case.chaser:
                return self.work.finish(s, case)
            read, chaser = case.unread_in, case.chaser
            case.unread_in, case.chaser = 0, False
            self.work.record(s, case, "correspondence.read", {"messages": read, "chaser": chaser})
            return self.work.finish(s, case)

    # ---- fetching from the IMAP mailbox ----------------------------------------------------------

    def fetch(self, cfg: Any, *, on_progress: Callable[[int, int], None] | None = None, skip_bad: bool = False,
              log_confident: bool = False) -> ImportSummary:
        """Read new messages from the IMAP mailbox in `cfg` (`[intake.imap]`) and import them (one transaction);
        once that is saved, move them to `move_to` or mark them read. `on_progress(done, total)` after each
        message. Raises IntakeError (ImapError) in one line naming the server."""
        from dpo_tui.intake.imap import ImapMailbox

        with ImapMailbox(cfg) as box:
            total = len(box.uids())
            done = 0

            def counted(result: ItemResult) -> None:
                nonlocal done
                done += 1
                if on_progress is not None:
                    on_progress(done, total)

            if on_progress is not None:
                on_progress(0, total)
            summary = self.run(box.items(), skip_bad=skip_bad, log_confident=log_confident, on_result=counted)
            if summary.applied:
                bad = {r.source for r in summary.rejected}
                box.settle([uid for uid, source in box.taken if source not in bad])
            return summary

    # ---- stored files -----------------------------------------------------------------------

    def stored_files(self, ref: str) -> list[tuple[int, str, str, int, str, str]]:
        """(id, name, media type, size, sha256, kind) of the files kept with a case."""
        with self.db.reader() as s:
            case = load_case(s, ref)
            rows = s.exec(
                select(StoredFile.id, StoredFile.name, StoredFile.media_type, StoredFile.size, StoredFile.sha256, StoredFile.kind)
                .where(StoredFile.case_id == case.id).order_by(StoredFile.id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def write_out(self, file_id: int, dest_dir: Any) -> Any:
        """Write a stored file into a folder, readable by the owner only, under a safe name."""
        from pathlib import Path

        from dpo_tui.paths import write_private

        with self.db.reader() as s:
            f = s.get(StoredFile, file_id)
            if f is None:
                raise InvalidInput(f"no stored file #{file_id}")
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f.name).strip("._") or f"file-{file_id}"
            return write_private(Path(dest_dir) / f"{file_id}-{safe}", f.content)


@dataclass(frozen=True)
class TriageItem:
    """An intake item awaiting the DPO. Everything but the ids, dates and keys is the sender's text."""

    id: int
    version: int
    reason: str  # why a person must look ("confident: confirm and log" when nothing is in doubt)
    source: str
    channel: str
    from_name: str
    from_email: str
    requester_name: str
    requester_email: str
    on_behalf_email: str | None
    third_party: bool
    received: date
    received_basis: str  # received_header | date_header | file_time | form
    subject: str
    body: str
    quoted: str
    signature: str
    language: str | None
    rights: tuple[str, ...]  # detected, as case right keys
    regime: str | None
    triggers: dict[str, tuple[str, ...]]  # right -> the phrases that matched
    direct_marketing: bool
    flags: tuple[str, ...]
    attachments: tuple[tuple[str, str, int], ...]  # (name, media type, size)
    match_ref: str | None

    @property
    def confident(self) -> bool:
        return is_confident(self.reason)


@dataclass(frozen=True)
class ConfidentResult:
    """What "log all confident items" did: the cases created, the items it kept for triage (their sender now has an
    open case), the items it could not log (one line each), and how many items still need triage."""

    created: tuple[str, ...]
    kept: int
    refused: tuple[str, ...]
    remaining: int


@dataclass(frozen=True)
class Original:
    """A message as received, for reading on the case screen: every field is the sender's text (shown literally)."""

    file_id: int
    name: str
    media_type: str
    size: int
    sha256: str
    headers: tuple[tuple[str, str], ...]
    text: str
    note: str  # how the text was obtained ("plain text part", "HTML source, not rendered", ...)


def _mark_unread(case: Case, chaser: bool) -> None:
    """A message joined the case: the queue shows it as unread (and as a chaser when the case is overdue)."""
    case.unread_in = (case.unread_in or 0) + 1
    case.chaser = bool(case.chaser) or chaser


def _load_pending(s: Session, pending_id: int, version: int) -> PendingIntake:
    p = s.get(PendingIntake, pending_id)
    if p is None:
        raise PendingNotFound(f"no intake item #{pending_id}")
    if p.version != version or p.status != IntakeStatus.NEEDS_TRIAGE:
        raise StalePending(f"intake item #{pending_id} was decided by someone else meanwhile ({p.status}); reload the list")
    return p


def _rights_of(d: Detection, form_rights: str | None) -> tuple[list[str], dict[str, list[str]]]:
    triggers = {k: list(v) for k, v in d.rights.items()}
    rights = list(d.case_rights)
    if form_rights:
        for word in re.split(r"[,;/|]+", form_rights.lower()):
            key = _FORM_RIGHT_WORDS.get(word.strip().replace(" ", "_"))
            if key and key not in rights:
                rights.append(key)
                triggers.setdefault(key, []).append(f"form field: {word.strip()}")
    return rights, triggers


def _not_stored(removed: list[dict[str, Any]]) -> dict[str, Any]:
    """For the audit event: the ID documents whose bytes were not stored, by type, size and digest (their names,
    which may hold personal data, stay only in the stored message)."""
    if not removed:
        return {}
    return {"not_stored": [{"media_type": r["media_type"], "size": r["size"], "sha256": r["sha256"]} for r in removed]}


def _same_sender_hint(s: Session, *emails: str) -> str | None:
    """The import's doubt about a message whose sender already has an open case: a reply, or a new request?"""
    wanted = sorted({e.lower() for e in emails if e})
    ref = s.connection().execute(_SAME_SENDER, {"emails": wanted}).scalar() if wanted else None
    return f"same sender has open case {ref}: a reply, or a new request?" if ref else None


def _ref_in(hint: str | None) -> str | None:
    if not hint:
        return None
    m = REF_IN_SUBJECT.search(hint)
    return m.group(0) if m else None


def _file_name(m: IncomingMessage) -> str:
    if m.media_type == "message/rfc822":
        return f"received-{m.received.isoformat()}-{m.sha256[:12]}.eml"
    if m.media_type == "application/json":
        return f"form-{m.received.isoformat()}-{m.sha256[:12]}.json"
    return f"received-{m.received.isoformat()}-{m.sha256[:12]}.msg"


def _letter(case: Case, m: IncomingMessage, actor: str) -> Letter:
    """The message as correspondence received, so the case screen lists it with the letters sent."""
    return Letter(
        case_id=case.id, kind="received", channel=m.channel, direction=Direction.IN, sent_on=m.received,
        subject=m.subject, body=m.text, created_by=actor,
        # so that letters sent from the case thread onto it (In-Reply-To/References, services/outbound.py)
        message_id=f"<{m.message_id}>" if m.message_id else None,
    )


def _outbound_case(s: Session, ids: list[str]) -> Case | None:
    """A letter on a case with one of these Message-IDs (sent from dpo-tui, issue 19, or received through intake)."""
    wanted = ids + [f"<{i}>" for i in ids]  # ids are lower-cased; letters keep the header's own case
    case_id = s.exec(select(Letter.case_id).where(func.lower(Letter.message_id).in_(wanted))).first()
    return s.get(Case, case_id) if case_id is not None else None
