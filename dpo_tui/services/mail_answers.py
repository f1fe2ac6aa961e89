"""Mail that answers what a case waits for, offered as that step of its walkthrough (issue 17).

A case waiting on the requester (awaiting ID, awaiting a fee, awaiting the answer to a clarification question)
may receive the answer by mail: a reply that joined the case through intake (reference in the subject,
In-Reply-To/References) or that the DPO attached from triage. `offers` reads the case's stored messages received
since the step was asked for, classifies each with `intake.answers.classify_answer`, and returns the ones that may
be the answer. Nothing is applied from an offer: `record_from_message` runs only when the DPO confirms, and it calls
the very verb a manual entry uses (identity.record_received, decisions.record_fee_paid,
decisions.record_clarification_answer) with the message's day of receipt (computed at intake in the organisation's
time zone) as the date of arrival. So the clock stops and restarts exactly as for a manual entry of that date, in
one transaction whose audit event names the message by its stored id and SHA-256 (never its content).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import select

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import DomainError
from dpo_tui.domain.identity import IdStatus
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.records import DecisionRecord, IdentityRecord
from dpo_tui.intake.answers import LABELS, classify_answer, is_id_file
from dpo_tui.services.casework import Casework, load_case
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.audit import events_for_case
from dpo_tui.store.intake_models import IntakeMessage, StoredFile
from dpo_tui.store.models import Case

AWAITING = {Status.AWAITING_ID: "identity", Status.AWAITING_FEE: "fee", Status.AWAITING_CLARIFICATION: "clarification"}
# The audit events of the three verbs: a message named in one of them has been recorded already.
RECORDED_BY = ("identity.received", "decision.fee_paid", "decision.clarification_answered")


class NotAnAnswer(DomainError):
    """The message is not one the case's awaited step can be recorded from (any more)."""


@dataclass(frozen=True)
class StepOffer:
    """A stored message that may be the answer the case awaits. Subject, text and names are the sender's text."""

    step: str  # identity | fee | clarification
    file_id: int
    sha256: str
    received: date  # the day of receipt, in the organisation's time zone: the date the step is recorded with
    subject: str
    text: str  # the new text (quoted replies set apart)
    attachments: tuple[tuple[str, str, int], ...]
    unread: bool  # among the messages that joined the case since the DPO last read its mail

    @property
    def label(self) -> str:
        return LABELS[self.step]

    @property
    def evidence(self) -> dict[str, Any]:
        """What the audit event names: the stored message's id and digest, no personal data."""
        return {"file_id": self.file_id, "sha256": self.sha256}

    def question(self) -> str:
        return f"Record as {self.label}? The message of {fmt(self.received)} (#{self.file_id}) may be the answer this case awaits."


def awaited(case: Case | CaseDetail) -> tuple[str | None, date | None]:
    """The step the case waits for and the day it was asked for (None, None when it waits for nothing)."""
    try:
        step = AWAITING.get(Status(case.status))
    except ValueError:
        return None, None
    if step == "identity":
        # Only a request for ID that was sent can be answered (the status alone can be set without one, e.g.
        # `dpo-tui status REF awaiting_id`): the same state that recording what arrived requires.
        identity = IdentityRecord.from_json(case.identity)
        return (step, identity.requested_on) if identity.status is IdStatus.AWAITING else (None, None)
    record = DecisionRecord.from_json(case.decision)
    if step == "fee":
        fee = record.fee
        return (step, fee.requested_on) if fee is not None and fee.outstanding else (None, None)
    if step == "clarification":
        q = record.open_question
        return (step, q.asked_on) if q is not None else (None, None)
    return None, None


def offers(work: Casework, ref: str, *, unread_only: bool = False) -> list[StepOffer]:
    """The case's stored messages that may answer its awaited step, oldest first (none when it awaits nothing)."""
    from dpo_tui.intake.original import message_facts

    with work.db.reader() as s:
        case = load_case(s, ref)
        step, asked = awaited(case)
        if step is None:
            return []
        rows = s.exec(
            select(IntakeMessage.id, IntakeMessage.received, StoredFile.id, StoredFile.sha256, StoredFile.media_type, StoredFile.content)
            .join(StoredFile, StoredFile.id == IntakeMessage.file_id)  # type: ignore[arg-type]
            .where(IntakeMessage.case_id == case.id)
            .order_by(IntakeMessage.id)
        ).all()  # fmt: skip
        used = _recorded_files(events_for_case(s, case.id or 0))
        unread = case.unread_in or 0
    newest = {r[0] for r in rows[len(rows) - unread:]} if unread else set()
    out = []
    for msg_id, received, file_id, sha, media_type, content in rows:
        is_unread = msg_id in newest
        if file_id in used or (asked is not None and received < asked) or (unread_only and not is_unread):
            continue
        facts = message_facts(media_type, content)
        found = classify_answer(step, text=facts.text, subject=facts.subject, attachments=[(n, t) for n, t, _ in facts.attachments])
        if found:
            out.append(StepOffer(found, file_id, sha, received, facts.subject, facts.text, facts.attachments, is_unread))
    return out


def offer_for(work: Casework, ref: str, file_id: int) -> StepOffer:
    offer = next((o for o in offers(work, ref) if o.file_id == file_id), None)
    if offer is None:
        raise NotAnAnswer(
            f"message #{file_id} is not an answer {ref} awaits (the case waits for nothing, the message came before "
            "the request, or it was recorded already)"
        )
    return offer


def record_from_message(
    work: Casework,
    ref: str,
    file_id: int,
    *,
    version: int,
    seen: str | None = None,
    matched: str | None = None,
    checked_by: str | None = None,
    copy_received: bool | None = None,
    copy_deleted: bool = False,
    authority_evidence: str | None = None,
    authority_on: date | None = None,
    amount: Any = None,
    answer: str | None = None,
) -> CaseDetail:
    """The DPO confirmed: record the awaited step from message `file_id`, dated by its day of receipt.

    identity: `seen`, `matched`, `checked_by`, `copy_received` (default: the message carried an image or a PDF),
    `copy_deleted`, `authority_evidence`, `authority_on` as for a manual entry; fee: `amount` (default: the fee asked for);
    clarification: `answer` (default: a line pointing at the stored message)."""
    from dpo_tui.services import decisions, identity

    offer = offer_for(work, ref, file_id)
    if offer.step == "identity":
        copied = any(is_id_file(n, t) for n, t, _ in offer.attachments) if copy_received is None else copy_received
        return identity.record_received(
            work, ref, on=offer.received, seen=seen, matched=matched, checked_by=checked_by, copy_received=bool(copied),
            copy_deleted=copy_deleted, authority_evidence=authority_evidence, authority_on=authority_on,
            message=offer.evidence, version=version,
        )  # fmt: skip
    if offer.step == "fee":
        if amount is None or str(amount).strip() == "":
            fee = DecisionRecord.from_json(work.get(ref, with_events=False).decision).fee
            amount = fee.total if fee is not None else None
        return decisions.record_fee_paid(work, ref, amount, offer.received, version=version, message=offer.evidence)
    text = (answer or "").strip() or default_answer(offer)
    return decisions.record_clarification_answer(work, ref, text, offer.received, version=version, message=offer.evidence)


def default_answer(offer: StepOffer) -> str:
    return f"Answered by the message received on {offer.received.isoformat()} (stored message #{offer.file_id})."


def _recorded_files(events: list[Any]) -> set[int]:
    out = set()
    for e in events:
        if e.kind in RECORDED_BY and e.payload:
            try:
                named = (json.loads(e.payload).get("message") or {}).get("file_id")
            except (ValueError, AttributeError):
                continue
            if isinstance(named, int):
                out.add(named)
    return out
