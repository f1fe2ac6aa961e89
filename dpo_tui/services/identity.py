"""Identity verification verbs (issue 5). Each is one user action: one transaction, the change and its audit event.

The rules are in `dpo_tui.domain.identity` (which also documents the `Case.identity` schema); this module adds the
dated clock events the deadline engine reads, moves the case and writes the audit trail:

- `record_not_needed`  → identity not_needed; a new case moves on to in_progress; no clock event.
- `request_identity`   → ID_REQUESTED (and AUTHORITY_REQUESTED for a third party); case → awaiting_id. Under uk-gdpr
                         the clock is "not started" until the answer arrives (eu-gdpr: policy, ccpa: never restarts).
- `record_received`    → ID_RECEIVED / AUTHORITY_RECEIVED on the day it arrived; case → in_progress. The clock
                         starts that day where the regime restarts on it.
- `record_outcome`     → verified (case stays in work) | could_not_verify (case → refused, outcome could_not_verify)
                         | withdrawn (case → withdrawn).
- `close_no_response`  → only after settings.policy.id_no_response_days awaiting ID; case → withdrawn, "no_response".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlmodel import select

from dpo_tui.domain import identity as rules
from dpo_tui.domain.clock import ClockEventKind
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.identity import IdStatus, Outcome, RequesterKind
from dpo_tui.domain.states import Outcome as CaseOutcome  # how the case closes (identity.Outcome: the check's)
from dpo_tui.domain.lifecycle import CLOSED, Status, waited_too_long
from dpo_tui.domain.records import Authority, Child, IdentityFacts, IdentityRecord
from dpo_tui.services.casework import Casework, lock_case
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Case


class LateIdentityRequest(InvalidInput):
    """ID asked for after the due date has passed without a recorded reason (issue 15)."""


def _open_case(s: Any, ref: str, version: int) -> Case:
    case = lock_case(s, ref, version=version)
    if Status(case.status) in CLOSED:
        raise DomainError(
            f"{case.ref} is closed ({Status(case.status).label}): identity cannot be verified on a closed case; "
            "reopen it first if the person has come back"
        )
    return case


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _since(on: date, today: date) -> datetime:
    """status_since for a backdated request: the day it was sent (the queue shows "awaiting ID since …")."""
    now = datetime.now(timezone.utc)
    return now if on >= today else datetime.combine(on, time(12, 0), tzinfo=timezone.utc)


@retry_transient
def record_not_needed(
    work: Casework,
    ref: str,
    reason: str,
    *,
    recognised_contact: str | None = None,
    sensitive: bool = False,
    mismatch: bool = False,
    version: int,
) -> CaseDetail:
    why = rules.required_text("reason", reason, "say why verification is not needed (e.g. same email as on record)")
    rules.assess_need(recognised_contact=recognised_contact, sensitive=sensitive, mismatch=mismatch)  # validates
    with work.write() as s:
        case = _open_case(s, ref, version)
        rules.check_can("record 'not needed'", case.identity, {None})
        if case.status == Status.NEW.value:
            work.move(case, Status.IN_PROGRESS, reason="identity: verification not needed", outcome=None)
        case.identity = {
            "schema": rules.SCHEMA,
            "status": IdStatus.NOT_NEEDED.value,
            "needed": False,
            "reason": why,
            "facts": {"recognised_contact": recognised_contact, "sensitive": sensitive, "mismatch": mismatch},
            "requester_kind": RequesterKind.SELF.value if not case.agent_name else None,
            "by": work.actor,
            "at": _iso(work.today()),
            "outcome": None,
        }
        work.refresh_deadline(s, case)
        work.record(s, case, "identity.not_needed", {"reason": why, "recognised_contact": recognised_contact})
        return work.finish(s, case)


@retry_transient
def request_identity(
    work: Casework,
    ref: str,
    *,
    requester_kind: str | RequesterKind,
    what: str,
    on: date,
    method: str | None = None,
    id_needed: bool = True,
    authority_needed: bool | None = None,
    reason: str | None = None,
    recognised_contact: str | None = None,
    sensitive: bool = False,
    mismatch: bool = False,
    child_age: int | None = None,
    child_in_scotland: bool | None = None,
    child_competent: bool | None = None,
    child_reason: str | None = None,
    child_authorised: bool = False,
    child_best_interests: bool = False,
    late_reason: str | None = None,
    version: int,
) -> CaseDetail:
    """Ask for the least that resolves the doubt. A third party must show authority (authority_needed defaults to
    True for any third party); a parent for a child needs a competence assessment. A second request after
    information arrived is "more information requested" (rounds += 1)."""
    kind = rules.parse_kind(requester_kind)
    asked_for = rules.required_text("what", what, "say what the person is asked for (the least that resolves the doubt)")
    rules.no_document_numbers("what", asked_for)
    authority = kind.third_party if authority_needed is None else bool(authority_needed)
    if authority and not kind.third_party:
        raise InvalidInput("authority_needed", "the person asks for themselves; there is no authority to evidence")
    if not id_needed and not authority:
        raise InvalidInput("what", "nothing to ask for: neither identity nor authority is in doubt (record 'not needed')")
    need = rules.assess_need(recognised_contact=recognised_contact, sensitive=sensitive, mismatch=mismatch)
    why = " ".join((reason or "").split()) or need.reason
    m = rules.parse_method(method) if method else (rules.Method.CONFIRM_DETAILS if id_needed else rules.Method.AUTHORITY_ONLY)
    with work.write() as s:
        case = _open_case(s, ref, version)
        child = None
        if kind is RequesterKind.PARENT:
            scot = case.subdivision == "SCT" if child_in_scotland is None else child_in_scotland
            assessed = rules.assess_child(
                age=child_age, in_scotland=scot, competent=child_competent, reason=child_reason,
                child_authorised=child_authorised, best_interests=child_best_interests,
            )  # fmt: skip
            problem = rules.parent_problem(assessed)
            if problem:
                raise problem
            child = assessed.as_dict()
        before = dict(case.identity or {})
        earlier = IdentityRecord.from_json(before)
        state = rules.check_can(
            "request identity", before, {None, IdStatus.NOT_NEEDED, IdStatus.RECEIVED, IdStatus.VERIFIED}
        )
        rules.check_date("on", on, received=case.received, today=work.today(),
                         not_before=earlier.at if state in (IdStatus.RECEIVED, IdStatus.VERIFIED) else None,
                         not_before_what="the information already received")
        # Issue 15 / rights-requests.md 2.1 rule 9: ID asked for after the due date has passed still restarts the
        # clock in law (uk-gdpr), but Art 12(6) needs reasonable doubt and the ICO expects a prompt request: the DPO
        # records why, and the lapse stays in the explanation, the decision record and the register.
        before_dl = work.refresh_deadline(s, case)
        lapsed = before_dl.effective_due if before_dl.clock_start is not None else None
        late = None
        if lapsed is not None and on > lapsed:
            why_late = " ".join((late_reason or reason or "").split())
            if not why_late:
                raise LateIdentityRequest(
                    "late_reason",
                    f"the due date {fmt(lapsed)} passed before {fmt(on)}: asking for ID now restarts the clock only "
                    "where there is reasonable doubt (UK GDPR Art 12(6)), and the ICO expects ID to be asked for "
                    "promptly; record why it is asked so late (the reason), the lapse stays on the record"
                )
            late = {"lapsed_due": lapsed.isoformat(), "asked_on": on.isoformat(), "reason": why_late, "by": work.actor}
        work.move(case, Status.AWAITING_ID, reason="identity requested", outcome=None)
        case.status_since = _since(on, work.today())
        if id_needed:
            work.add_clock_event(s, case, ClockEventKind.ID_REQUESTED, on)
        if authority:
            work.add_clock_event(s, case, ClockEventKind.AUTHORITY_REQUESTED, on)
        case.identity = IdentityRecord(
            status=IdStatus.AWAITING,
            needed=True,
            reason=why,
            facts=IdentityFacts(recognised_contact, sensitive, mismatch),
            requester_kind=kind,
            authority=Authority(
                needed=authority,
                asked_for=rules.AUTHORITY_EVIDENCE.get(kind) if authority else None,
                requested_on=on if authority else None,
            ),
            child=Child(**child) if child else None,
            method=m,
            asked_for=asked_for,
            id_requested=bool(id_needed),
            requested_on=on,
            requested_by=work.actor,
            rounds=earlier.rounds + 1,
            previous=tuple(_previous(before)),
            late=late or earlier.late,
        ).to_json()
        if late:
            decision = dict(case.decision or {})
            decision["lapses"] = [*decision.get("lapses", []), {"kind": "identity_requested_late", **late}]
            case.decision = decision
        dl = work.refresh_deadline(s, case)
        work.record(
            s,
            case,
            "identity.requested",
            {
                "on": on.isoformat(),
                "requester_kind": kind.value,
                "method": m.value,
                "asked_for": asked_for,
                "id": bool(id_needed),
                "authority": authority,
                "child": child,
                "reason": why,
                "clock": dl.state.value,
                "due": _iso(dl.effective_due),
                "late": late,
            },
        )
        return work.finish(s, case)


@retry_transient
def record_received(
    work: Casework,
    ref: str,
    *,
    on: date,
    seen: str | None = None,
    matched: str | None = None,
    checked_by: str | None = None,
    copy_received: bool = False,
    copy_deleted: bool = False,
    authority_evidence: str | None = None,
    authority_on: date | None = None,
    message: dict[str, Any] | None = None,
    version: int,
) -> CaseDetail:
    """What arrived: what was seen (never the document), which details matched, by whom, when, copy deleted.
    The clock starts on `on` (and `authority_on`) where the regime restarts on it. `message`: the stored message it
    arrived in ({"file_id", "sha256"}, services/mail_answers.py), named in the audit event."""
    by = rules.required_text("checked_by", checked_by or work.actor, "say who checked")
    with work.write() as s:
        case = _open_case(s, ref, version)
        ident = dict(case.identity or {})
        rules.check_can("record what arrived", ident, {IdStatus.AWAITING})
        rec = IdentityRecord.from_json(ident)
        requested = rec.requested_on
        today = work.today()
        rules.check_date("on", on, received=case.received, today=today, not_before=requested,
                         not_before_what="the day the information was asked for")
        rules.check_copy(copy_received, copy_deleted)
        if rec.id_requested:
            seen_t = rules.no_document_numbers(
                "seen", rules.required_text("seen", seen, "say what was seen (e.g. 'passport sighted'), never the document")
            )
            matched_t = rules.no_document_numbers(
                "matched", rules.required_text("matched", matched, "say which details matched (e.g. name and address)")
            )
        else:
            seen_t = " ".join((seen or "").split()) or None
            matched_t = " ".join((matched or "").split()) or None
        auth_on = None
        evidence = None
        if rec.authority.needed:
            evidence = rules.no_document_numbers(
                "authority_evidence",
                rules.required_text(
                    "authority_evidence", authority_evidence,
                    "say what evidence of authority arrived (e.g. signed letter of authority dated ...)",
                ),
            )
            auth_on = rules.check_date("authority_on", authority_on or on, received=case.received, today=today,
                                       not_before=requested, not_before_what="the day it was asked for")
        elif authority_evidence:
            raise InvalidInput("authority_evidence", "no authority was asked for on this case")
        if rec.id_requested:
            work.add_clock_event(s, case, ClockEventKind.ID_RECEIVED, on)
        auth = rec.authority
        if auth_on is not None:
            work.add_clock_event(s, case, ClockEventKind.AUTHORITY_RECEIVED, auth_on)
            auth = replace(auth, evidence=evidence, received_on=auth_on)
        work.move(case, Status.IN_PROGRESS, reason="identity information received", outcome=None)
        ident.update(
            status=IdStatus.RECEIVED.value,
            seen=seen_t,
            matched=matched_t,
            by=by,
            at=on.isoformat(),
            copy_received=bool(copy_received),
            copy_deleted=bool(copy_deleted),
            authority=auth.to_json() if "authority" in ident else {},
        )
        case.identity = ident  # a new dict: JSON columns do not track in-place changes
        dl = work.refresh_deadline(s, case)
        work.record(
            s,
            case,
            "identity.received",
            {
                "on": on.isoformat(),
                "seen": seen_t,
                "matched": matched_t,
                "by": by,
                "copy_received": bool(copy_received),
                "copy_deleted": bool(copy_deleted),
                "authority_evidence": evidence,
                "authority_on": _iso(auth_on),
                "clock": dl.state.value,
                "clock_start": _iso(dl.clock_start),
                "due": _iso(dl.effective_due),
                **({"message": message} if message else {}),
            },
        )
        return work.finish(s, case)


@retry_transient
def record_outcome(
    work: Casework,
    ref: str,
    outcome: str | Outcome,
    *,
    on: date | None = None,
    reason: str | None = None,
    version: int,
) -> CaseDetail:
    """verified (needs what arrived recorded first) | could_not_verify (reason; case → refused) | withdrawn
    (reason: how the person withdrew; case → withdrawn)."""
    try:
        result = Outcome(outcome)
    except ValueError:
        raise InvalidInput("outcome", f"unknown '{outcome}' (valid: {', '.join(o.value for o in Outcome)})") from None
    why = " ".join((reason or "").split()) or None
    if result is Outcome.COULD_NOT_VERIFY and not why:
        raise InvalidInput("reason", "say why identity could not be verified; the letter to the person gives this reason")
    if result is Outcome.WITHDRAWN and not why:
        raise InvalidInput("reason", "say how the person withdrew (e.g. 'email of 3 Nov: no longer wants the data')")
    with work.write() as s:
        case = _open_case(s, ref, version)
        ident = dict(case.identity or {})
        allowed = {IdStatus.RECEIVED} if result is Outcome.VERIFIED else {IdStatus.AWAITING, IdStatus.RECEIVED}
        rules.check_can("record the outcome", ident, allowed)
        rec = IdentityRecord.from_json(ident)
        if result is Outcome.VERIFIED:
            arrived = {"seen": rec.seen, "matched": rec.matched, "by": rec.by, "at": rec.at}
            for key in ("seen", "matched", "by", "at") if rec.id_requested else ("by", "at"):
                if not arrived[key]:
                    raise InvalidInput(key, "record what arrived (step 5) before recording 'verified'")
        day = rules.check_date("on", on or work.today(), received=case.received, today=work.today(),
                               not_before=rec.requested_on, not_before_what="the request for ID")
        if result is Outcome.COULD_NOT_VERIFY:
            work.move(case, Status.REFUSED, reason=f"identity could not be verified: {why}", outcome=CaseOutcome.COULD_NOT_VERIFY)
        elif result is Outcome.WITHDRAWN:
            work.move(case, Status.WITHDRAWN, reason=f"withdrawn: {why}", outcome=CaseOutcome.WITHDRAWN)
        ident.update(status=result.value, outcome=result.value, outcome_reason=why, outcome_on=day.isoformat(),
                     outcome_by=work.actor)
        case.identity = ident
        dl = work.refresh_deadline(s, case)
        work.record(
            s, case, "identity.outcome",
            {"outcome": result.value, "on": day.isoformat(), "reason": why, "status": case.status,
             "clock": dl.state.value, "due": _iso(dl.effective_due)},
        )  # fmt: skip
        return work.finish(s, case)


@retry_transient
def close_no_response(work: Casework, ref: str, *, version: int) -> CaseDetail:
    """Close a case that has waited for ID longer than the policy allows (default 28 days) as "no response"."""
    limit = work.settings.policy.id_no_response_days
    with work.write() as s:
        case = _open_case(s, ref, version)
        ident = dict(case.identity or {})
        rules.check_can("close as no response", ident, {IdStatus.AWAITING})
        since = IdentityRecord.from_json(ident).requested_on or case.status_since.date()
        waited = (work.today() - since).days
        if waited <= limit:
            raise DomainError(
                f"{case.ref} has been awaiting ID for {waited} day{'s' * (waited != 1)} (since {fmt(since)}); "
                f"the policy allows closing as no response only after {limit} days (from {fmt(since + timedelta(days=limit + 1))})"
            )
        work.move(case, Status.WITHDRAWN, reason=f"no response to the request for ID of {fmt(since)}", outcome=CaseOutcome.NO_RESPONSE)
        ident.update(status=IdStatus.NO_RESPONSE.value, outcome=IdStatus.NO_RESPONSE.value, outcome_on=work.today().isoformat(),
                     outcome_reason=f"no response after {waited} days (policy: {limit})", outcome_by=work.actor)
        case.identity = ident
        work.refresh_deadline(s, case)
        work.record(s, case, "identity.no_response", {"requested_on": since.isoformat(), "waited_days": waited, "policy_days": limit})
        return work.finish(s, case)


def awaiting_since(identity: dict[str, Any] | None, status_since: datetime | date | None = None) -> date | None:
    """The day the request for ID was sent (from the identity record, else the status change)."""
    day = IdentityRecord.from_json(identity).requested_on
    if day:
        return day
    if isinstance(status_since, datetime):
        return status_since.date()
    return status_since


def is_overdue_awaiting(since: date | None, today: date, limit: int) -> bool:
    return since is not None and waited_too_long(since, today, limit)


def awaiting_id_overdue(work: Casework) -> list[tuple[str, date]]:
    """Cases awaiting ID longer than the policy allows: (ref, awaiting since), longest waiting first."""
    limit = work.settings.policy.id_no_response_days
    today = work.today()
    with work.db.reader() as s:
        rows = s.exec(
            select(Case.ref, Case.identity, Case.status_since).where(Case.status == Status.AWAITING_ID.value)
        ).all()
    out = []
    for ref, ident, since_at in rows:
        since = awaiting_since(ident, since_at)
        if is_overdue_awaiting(since, today, limit):
            out.append((ref, since))
    return sorted(out, key=lambda r: (r[1], r[0]))


def _previous(before: dict[str, Any]) -> list[dict[str, Any]]:
    """Earlier rounds, kept so a second request ("more information requested") does not lose the first record."""
    if not before:
        return []
    earlier = [dict(p) for p in IdentityRecord.from_json(before).previous]
    snapshot = {k: v for k, v in before.items() if k not in ("previous", "schema")}
    return [*earlier, snapshot]
