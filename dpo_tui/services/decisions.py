"""Decision verbs: assess (manifestly unfounded/excessive), fees, refusals, extensions, clarification.

Every verb is one user action: one transaction, the change, its clock event where the law moves the clock, and one
audit event. The schema of `Case.decision` is documented in dpo_tui.domain.decisions. A new dict is assigned to
`case.decision` every time (JSON columns do not track in-place changes).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_
from sqlmodel import Session, select

from dpo_tui.domain.ccpa import (
    REPEAT_GROUND,
    REPEAT_SOURCE,
    EarlierRequest,
    may_decline_repeat,
    repeat_requests_to_know,
)
from dpo_tui.domain.clock import EXTENSION_REASONS, ClockEventKind, ClockState, check_extension
from dpo_tui.domain.dates import fmt, fmt_iso
from dpo_tui.domain.decisions import (
    CLARIFICATION_PURPOSES,
    FINDING_LABELS,
    ChosenGround,
    ClarificationRefused,
    DecisionRefused,
    FeeBreakdown,
    FeeRefused,
    RefusalIncomplete,
    clean_items,
    format_money,
    is_manifest,
    money,
    refusal_content_problems,
    refusal_deadline,
    refusal_notice_block,
    validate_assessment,
)
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.lifecycle import CLOSED, Status, waited_too_long
from dpo_tui.domain.records import Clarification, DecisionRecord, RepeatDecision
from dpo_tui.domain.states import DecisionKind, Outcome, RefusalScope
from dpo_tui.services.casework import Casework, load_case, lock_case
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Case, ChecklistItem

# ---------------------------------------------------------------------------------------------------------------
# Facts the assessment shows: the same requester's other cases
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedCase:
    ref: str
    received: date
    rights: tuple[str, ...]
    status: str
    is_open: bool
    matched_by: tuple[str, ...]  # "email", "name"
    shared_rights: tuple[str, ...]
    regime: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "regime": self.regime,
            "received": self.received.isoformat(),
            "rights": list(self.rights),
            "status": self.status,
            "matched_by": list(self.matched_by),
            "shared_rights": list(self.shared_rights),
        }


@dataclass(frozen=True)
class RelatedFacts:
    window_from: date
    earlier: tuple[RelatedCase, ...]  # received in the 12 months up to this case's receipt, by email or name
    open_overlap: tuple[RelatedCase, ...]  # other open cases of the same requester
    # issue 15, CCPA: earlier requests to know counting towards Civ. Code 1798.130(b), when this is the 3rd+
    ccpa_repeat: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "window_from": self.window_from.isoformat(),
            "earlier": [c.to_json() for c in self.earlier],
            "open_overlap": [c.to_json() for c in self.open_overlap],
            "ccpa_repeat": list(self.ccpa_repeat),
        }

    def summary(self) -> str:
        n, m = len(self.earlier), len(self.open_overlap)
        text = (
            f"{n} earlier request{'s' * (n != 1)} from the same person since {fmt(self.window_from)}; "
            f"{m} other open request{'s' * (m != 1)}"
        )
        if self.ccpa_repeat:
            text += (
                f"; CCPA: this is request to know number {len(self.ccpa_repeat) + 1} in 12 months "
                f"({', '.join(self.ccpa_repeat)}): you may decline it ({REPEAT_SOURCE})"
            )
        return text


def _norm_name(name: str) -> str:
    return " ".join(name.split()).lower()


def _related(s: Session, case: Case) -> RelatedFacts:
    window_from = case.received - relativedelta(months=12)
    name = _norm_name(case.requester_name)
    q = select(Case.ref, Case.received, Case.rights, Case.status, Case.is_open, Case.email_norm, Case.requester_name, Case.regime).where(
        Case.id != case.id,
        Case.kind != "complaint",  # a complaint to us is not a request (repeat and excessive tests count requests)
        # A postal or telephone request has no email: "" must not match every other such case.
        or_(Case.email_norm == case.email_norm, func.lower(Case.requester_name) == name)
        if case.email_norm
        else func.lower(Case.requester_name) == name,
        or_(Case.is_open == True, (Case.received >= window_from) & (Case.received <= case.received)),  # noqa: E712
    ).order_by(Case.received, Case.id)
    mine = set(case.right_keys)
    earlier, overlap = [], []
    for ref, received, rights, status, is_open, email_norm, req_name, regime in s.exec(q):
        matched = tuple(w for w, ok in (("email", bool(email_norm) and email_norm == case.email_norm), ("name", _norm_name(req_name) == name)) if ok)
        rs = tuple(rights.split(","))
        rc = RelatedCase(ref, received, rs, status, bool(is_open), matched, tuple(r for r in rs if r in mine), regime)
        if window_from <= received <= case.received:
            earlier.append(rc)
        if is_open:
            overlap.append(rc)
    prior = [EarlierRequest(c.ref, c.received, c.regime, c.rights, c.status) for c in earlier]
    repeat: tuple[str, ...] = ()
    if may_decline_repeat(case.regime, case.right_keys, case.received, prior):
        repeat = tuple(e.ref for e in repeat_requests_to_know(case.received, prior))
    return RelatedFacts(window_from, tuple(earlier), tuple(overlap), repeat)


def related_cases(work: Casework, ref: str) -> RelatedFacts:
    """The same requester's earlier cases (12 months, by email and by name) and their other open cases."""
    with work.db.reader() as s:
        return _related(s, load_case(s, ref))


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------


def _decision(case: Case) -> dict[str, Any]:
    return copy.deepcopy(dict(case.decision or {}))


def _open(case: Case, what: str) -> None:
    if case.kind == "complaint":  # a complaint has its own verbs (services/complaints.py), not a request's
        raise DecisionRefused(f"{case.ref} is a complaint about {case.about_ref}: {what} on the request itself")
    if Status(case.status) in CLOSED:
        raise DecisionRefused(f"{case.ref} is {Status(case.status).label}: reopen it before you {what}")


def _check_date(work: Casework, case: Case, on: date, what: str) -> None:
    if on < case.received:
        raise InvalidInput(what, f"{fmt(on)} is before the request was received ({fmt(case.received)})")
    if on > work.today():
        raise InvalidInput(what, f"{fmt(on)} is in the future")


def _clock_words(dl: Any) -> str:
    if dl.effective_due is None:
        return "clock not started"
    return f"due {fmt(dl.effective_due)}"


# ---------------------------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def assess(
    work: Casework,
    ref: str,
    grounds: Sequence[ChosenGround] | Mapping[str, str],
    decision_kind: str,
    *,
    note: str = "",
    on: date | None = None,
    version: int,
) -> CaseDetail:
    """Record the assessment: grounds with evidence, the finding, the decision, and the facts found."""
    a = validate_assessment(decision_kind, grounds)
    on = on or work.today()
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "assess it")
        _check_date(work, case, on, "assessed on")
        facts = _related(s, case)
        d = _decision(case)
        d["kind"] = a.kind
        d["assessment"] = {
            "on": on.isoformat(),
            "by": work.actor,
            "finding": a.finding,
            "grounds": [dict(g) for g in a.grounds],
            "warnings": list(a.warnings),
            "note": " ".join(note.split()),
            "facts": facts.to_json(),
        }
        case.decision = d
        work.record(
            s,
            case,
            "decision.assessed",
            {
                "kind": a.kind,
                "finding": a.finding,
                "grounds": [g["key"] for g in a.grounds],
                "earlier_cases": [c.ref for c in facts.earlier],
                "open_overlap": [c.ref for c in facts.open_overlap],
            },
        )
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------------------------------------------


def fee_allowed(decision: Mapping[str, Any]) -> str | None:
    """None when a (first-response) fee may be charged, else why not."""
    rec = DecisionRecord.from_json(decision)
    if not is_manifest(rec.assessment.finding if rec.assessment else None):
        return (
            "The first response is free: a fee may be charged only where the request is manifestly unfounded or "
            "excessive (assess it first, key a, and decide 'charge a fee'), or for further copies of an access "
            "response (record that as a further-copy fee; it does not touch the clock)"
        )
    if rec.kind is not DecisionKind.FEE:
        return (
            f"The assessment decided '{rec.kind}', not a fee: assess again (key a) and choose "
            "'charge a fee' if that is the decision"
        )
    return None


@retry_transient
def request_fee(
    work: Casework, ref: str, breakdown: FeeBreakdown, on: date, *, version: int
) -> CaseDetail:
    """Ask for a fee: case → awaiting fee, FEE_REQUESTED (UK: the clock has not started until it arrives)."""
    if breakdown.total <= 0:
        raise InvalidInput("fee", "the total is zero; enter the staff time, copies, postage or other costs")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "ask for a fee")
        d = _decision(case)
        why = fee_allowed(d)
        if why:
            raise FeeRefused(why)
        earlier = DecisionRecord.from_json(d).fee
        if earlier is not None and earlier.outstanding and earlier.requested_on is not None:
            raise FeeRefused(
                f"a fee of {format_money(earlier.total, earlier.currency)} was already asked for on "
                f"{fmt(earlier.requested_on)} and is unpaid; record its payment instead"
            )
        _check_date(work, case, on, "fee requested on")
        work.move(case, Status.AWAITING_FEE, reason="fee requested", outcome=None)
        work.add_clock_event(s, case, ClockEventKind.FEE_REQUESTED, on)
        dl = work.refresh_deadline(s, case)
        d["fee"] = {
            **breakdown.to_json(),
            "requested_on": on.isoformat(),
            "basis": d["assessment"]["finding"],
            "paid": None,
        }
        case.decision = d
        work.record(
            s,
            case,
            "decision.fee_requested",
            {"total": str(breakdown.total), "currency": breakdown.currency, "on": on.isoformat(), "clock": dl.state.value},
        )
        return work.finish(s, case)


@retry_transient
def record_fee_paid(
    work: Casework, ref: str, amount: Any, on: date, *, version: int, message: dict[str, Any] | None = None
) -> CaseDetail:
    """The fee arrived: FEE_RECEIVED on that date (UK: the clock starts that day), case → in progress. `message`:
    the stored message that said so ({"file_id", "sha256"}, services/mail_answers.py), named in the audit event."""
    paid = money(amount)
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        d = _decision(case)
        fee = DecisionRecord.from_json(d).fee
        if Status(case.status) is not Status.AWAITING_FEE or fee is None or not fee.outstanding or fee.requested_on is None:
            raise DecisionRefused(f"{case.ref} is not awaiting a fee: nothing to record a payment against")
        asked = fee.requested_on
        if on < asked:
            raise InvalidInput("paid on", f"{fmt(on)} is before the fee was asked for ({fmt(asked)})")
        _check_date(work, case, on, "paid on")
        due = money(fee.total)
        if paid < due:
            raise DecisionRefused(
                f"amount: {format_money(paid, fee.currency)} is less than the fee of "
                f"{format_money(due, fee.currency)}; the clock starts only when the fee has been paid"
            )
        work.move(case, Status.IN_PROGRESS, reason="fee received", outcome=None)
        work.add_clock_event(s, case, ClockEventKind.FEE_RECEIVED, on)
        dl = work.refresh_deadline(s, case)
        d["fee"] = {**d["fee"], "paid": {"amount": str(paid), "on": on.isoformat()}}
        case.decision = d
        work.record(
            s,
            case,
            "decision.fee_paid",
            {"amount": str(paid), "on": on.isoformat(), "clock_start": dl.clock_start.isoformat() if dl.clock_start else None,
             **({"message": message} if message else {})},
        )
        return work.finish(s, case)


@retry_transient
def record_further_copy_fee(
    work: Casework,
    ref: str,
    breakdown: FeeBreakdown,
    on: date,
    *,
    paid_on: date | None = None,
    note: str = "",
    version: int,
) -> CaseDetail:
    """A fee for further copies of an access response: recorded on its own, never touching the clock or status."""
    if breakdown.total <= 0:
        raise InvalidInput("fee", "the total is zero; enter the copies, printing, postage or staff time")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if "access" not in case.right_keys:
            raise FeeRefused("a further-copy fee applies to further copies of an access response; this case has no access request")
        _check_date(work, case, on, "fee requested on")
        if paid_on is not None:
            _check_date(work, case, paid_on, "paid on")
            if paid_on < on:
                raise InvalidInput("paid on", f"{fmt(paid_on)} is before the fee was asked for ({fmt(on)})")
        d = _decision(case)
        entry = {
            **breakdown.to_json(),
            "requested_on": on.isoformat(),
            "paid": {"amount": str(breakdown.total), "on": paid_on.isoformat()} if paid_on else None,
            "note": " ".join(note.split()),
        }
        d["further_copies"] = [*d.get("further_copies", []), entry]
        case.decision = d
        work.record(s, case, "decision.further_copy_fee", {"total": entry["total"], "on": on.isoformat(), "paid_on": paid_on.isoformat() if paid_on else None})
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def refuse(
    work: Casework,
    ref: str,
    scope: str,
    items: Iterable[tuple[str, str] | Mapping[str, str]],
    reasons: str,
    on: date,
    *,
    version: int,
) -> CaseDetail:
    """Refuse the whole request (case → refused) or part of it (per item with its ground; the case stays in work)."""
    if scope not in tuple(RefusalScope):
        raise InvalidInput("scope", f"'{scope}' is neither whole nor partial")
    cleaned = clean_items(items)
    text = " ".join((reasons or "").split())
    if not text:
        raise RefusalIncomplete("reasons: a refusal must give the person its reasons")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "refuse it")
        _check_date(work, case, on, "refused on")
        _apply_refusal(work, s, case, _decision(case), scope, cleaned, text, on)
        return work.finish(s, case)


def _apply_refusal(
    work: Casework, s: Session, case: Case, d: dict[str, Any], scope: str, cleaned: list[dict[str, str]], text: str,
    on: date,
) -> None:
    """The refusal's record, status and audit event, inside the caller's transaction (refuse, decide_repeat_request)."""
    assessment = DecisionRecord.from_json(d).assessment
    finding = assessment.finding if assessment else None
    if scope == RefusalScope.PARTIAL and not cleaned:
        raise RefusalIncomplete("items: a partial refusal lists each item withheld with its ground")
    if scope == RefusalScope.WHOLE and not is_manifest(finding) and not cleaned:
        raise RefusalIncomplete(
            "a whole refusal needs either an assessment finding the request manifestly unfounded or excessive "
            "(key a) or the exemption it rests on, as an item with its ground"
        )
    dl = work.refresh_deadline(s, case)
    deadline, deadline_why = refusal_deadline(case.regime, dl)
    late = deadline is not None and on > deadline
    org = work.settings.organisation
    block = refusal_notice_block(org.supervisory_authority, case.regime, on, country=case.country, org_regime=org.regime)
    d["kind"] = DecisionKind.REFUSE if scope == RefusalScope.WHOLE else DecisionKind.REFUSE_IN_PART
    d["refusal"] = {
        "scope": scope,
        "items": cleaned,
        "reasons": text,
        "on": on.isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "deadline_explanation": deadline_why,
        "late": late,
        "finding": finding,
        **block,
    }
    problems = refusal_content_problems(d, case.regime, on)
    if problems:
        raise RefusalIncomplete(
            "the refusal notice would lack: " + "; ".join(problems)
            + " (uk-gdpr: the authority comes from [organisation.supervisory_authority] in the settings; eu-gdpr: from"
            " the case's member state; ccpa: the California Privacy Protection Agency)"
        )
    case.decision = d
    if scope == RefusalScope.WHOLE:
        work.move(case, Status.REFUSED, reason=text, outcome=Outcome.REFUSED)
        case.final_response_on = on
    elif Status(case.status) is Status.NEW:
        work.move(case, Status.IN_PROGRESS, reason="refused in part", outcome=None)
    work.refresh_deadline(s, case)
    work.record(
        s,
        case,
        "decision.refused",
        {"scope": scope, "items": len(cleaned), "on": on.isoformat(), "deadline": d["refusal"]["deadline"], "late": late},
    )


@retry_transient
def decide_repeat_request(
    work: Casework, ref: str, *, decline: bool, note: str, on: date, version: int
) -> CaseDetail:
    """CCPA: this is at least the third request to know from the same person in 12 months (Civ. Code 1798.130(b)).
    The DPO decides: decline it (a whole refusal resting on 1798.130(b), with the notice's statements) or answer it
    anyway. Never inferred: the queue and assessment only offer it (RelatedFacts.ccpa_repeat)."""
    text = " ".join((note or "").split())
    if not text:
        raise InvalidInput("note: say why you decline (or answer) the repeat request; it goes in the record and letter")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "decide on a repeat request")
        _check_date(work, case, on, "decided on")
        facts = _related(s, case)
        if not facts.ccpa_repeat:
            raise DecisionRefused(
                f"{case.ref} is not a third request to know in 12 months under the CCPA ({REPEAT_SOURCE}): "
                "nothing to decline on that ground"
            )
        d = _decision(case)
        repeat = RepeatDecision(earlier=tuple(facts.ccpa_repeat), decision="decline" if decline else "answer", note=text,
                                by=work.actor, on=on, source=REPEAT_SOURCE)  # fmt: skip
        d["ccpa_repeat"] = repeat.to_json()
        work.record(s, case, "decision.ccpa_repeat", {"decision": repeat.decision, "earlier": list(repeat.earlier)})
        if decline:
            item = {"item": "the information required by Civ. Code 1798.110 and 1798.115", "ground": REPEAT_GROUND}
            _apply_refusal(work, s, case, d, RefusalScope.WHOLE, [item], text, on)
        else:
            case.decision = d
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Exemption log (issue 15): items withheld or redacted, the exemption relied on, the reasoning, who and when
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def add_exemption(
    work: Casework, ref: str, *, item: str, action: str, exemption: str, reasoning: str, on: date, version: int,
    law: str = "", ncnd: bool = False,
) -> CaseDetail:
    """Log one item withheld or redacted under an exemption of the case's regime (dpo_tui.domain.exemptions).
    Stored in `decision["exemptions"]`; letters and the register draw from it, the case export carries it."""
    from dpo_tui.domain.exemptions import make_entry

    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "log an exemption")
        _check_date(work, case, on, "decided on")
        d = _decision(case)
        log = DecisionRecord.from_json(d).exemptions
        entry = make_entry(
            case.regime, entry_id=max((e.id for e in log), default=0) + 1, item=item, action=action,
            exemption=exemption, reasoning=reasoning, law=law, ncnd=ncnd, by=work.actor, on=on,
        )  # fmt: skip
        d["exemptions"] = [*(d.get("exemptions") or []), entry.to_json()]  # earlier entries stay as stored
        case.decision = d
        work.record(s, case, "decision.exemption_added", {"id": entry.id, "action": entry.action, "exemption": entry.exemption,
                                                          "citation": entry.citation, "ncnd": entry.ncnd, "on": on.isoformat()})  # fmt: skip
        return work.finish(s, case)


@retry_transient
def remove_exemption(work: Casework, ref: str, *, entry_id: int, reason: str, version: int) -> CaseDetail:
    """Take an entry out of the log (e.g. the item is disclosed after all); the audit trail keeps what it was."""
    why = " ".join((reason or "").split())
    if not why:
        raise InvalidInput("reason: say why the exemption no longer applies")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "change the exemption log")
        d = _decision(case)
        stored = [e for e in d.get("exemptions") or [] if isinstance(e, Mapping)]
        log = DecisionRecord.from_json(d).exemptions  # the same entries, typed, in the same order
        gone = [e for e in log if e.id == entry_id]
        if not gone:
            raise InvalidInput(f"id: {case.ref} has no exemption log entry {entry_id}")
        d["exemptions"] = [raw for raw, e in zip(stored, log, strict=True) if e.id != entry_id]
        case.decision = d
        work.record(s, case, "decision.exemption_removed", {"id": entry_id, "citation": gone[0].citation, "reason": why})
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Erasure (issue 15): the Art 17(1) ground, Art 17(3) exceptions per system, Art 17(2) controllers informed
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def record_erasure_ground(
    work: Casework, ref: str, *, ground: str, on: date, version: int, note: str = "", made_public: bool = False,
    controllers_informed: str = "",
) -> CaseDetail:
    """The ground the person is entitled to erasure on (Art 17(1)(a)-(f); CCPA 1798.105(a)), and whether the data
    was made public, with the other controllers told of the request (Art 17(2))."""
    from dpo_tui.domain import erasure as rules

    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "record the erasure ground")
        if "erasure" not in case.right_keys:
            raise DecisionRefused(f"{case.ref} does not invoke the right to erasure")
        _check_date(work, case, on, "decided on")
        label = rules.check_ground(case.regime, ground)
        told = " ".join((controllers_informed or "").split())
        if made_public and not told:
            raise InvalidInput("controllers_informed: the data was made public: say which controllers were told (Art 17(2))")
        d = _decision(case)
        er = dict(d.get("erasure") or {})
        er.update(ground=ground, ground_label=label, ground_note=" ".join(note.split()), made_public=bool(made_public),
                  controllers_informed=told or None, by=work.actor, on=on.isoformat())  # fmt: skip
        er.setdefault("exceptions", [])
        d["erasure"] = er
        case.decision = d
        work.record(s, case, "decision.erasure_ground", {"ground": ground, "made_public": bool(made_public)})
        return work.finish(s, case)


@retry_transient
def add_erasure_exception(
    work: Casework, ref: str, *, system: str, exception: str, detail: str, on: date, version: int
) -> CaseDetail:
    """Data kept in one system under an Art 17(3) exception (CCPA: 1798.105(d)), with the reasoning."""
    from dpo_tui.domain import erasure as rules

    why = " ".join((detail or "").split())
    if not why:
        raise InvalidInput("detail: say what is kept and why the exception applies")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "record an erasure exception")
        if "erasure" not in case.right_keys:
            raise DecisionRefused(f"{case.ref} does not invoke the right to erasure")
        _check_date(work, case, on, "decided on")
        label = rules.check_exception(case.regime, exception)
        org = work.settings.organisation
        name = org.system(system).name  # raises for an unknown system
        d = _decision(case)
        er = dict(d.get("erasure") or {})
        er["exceptions"] = [*er.get("exceptions", []), {
            "system": system, "system_name": name, "ground": exception, "ground_label": label, "detail": why,
            "by": work.actor, "on": on.isoformat(),
        }]  # fmt: skip
        d["erasure"] = er
        case.decision = d
        work.record(s, case, "decision.erasure_exception", {"system": system, "exception": exception})
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Extension
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def extend(
    work: Casework, ref: str, reason: str, told_on: date, note: str, *, version: int
) -> CaseDetail:
    """Extend by the regime's further period: checked by check_extension (too late, already extended, ...)."""
    if reason not in EXTENSION_REASONS:
        raise InvalidInput("reason", f"'{reason}' is not complex or several_requests")
    text = " ".join((note or "").split())
    if not text:
        raise InvalidInput("note", "write the reasons the person was given (they go in the extension letter)")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "extend it")
        before = work.refresh_deadline(s, case)
        check_extension(before, told_on, reason)
        _check_date(work, case, told_on, "told on")
        work.add_clock_event(s, case, ClockEventKind.EXTENDED, told_on, reason=reason)
        after = work.refresh_deadline(s, case)
        d = _decision(case)
        d["extension"] = {
            "reason": reason,
            "told_on": told_on.isoformat(),
            "note": text,
            "due_before": before.effective_due.isoformat() if before.effective_due else None,
            "due_after": after.effective_due.isoformat() if after.effective_due else None,
        }
        case.decision = d
        work.record(s, case, "decision.extended", {"reason": reason, "told_on": told_on.isoformat(), **{k: d["extension"][k] for k in ("due_before", "due_after")}})
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Clarification
# ---------------------------------------------------------------------------------------------------------------


def open_question(decision: Mapping[str, Any]) -> Clarification | None:
    """The clarification question still waiting for its answer, if any."""
    return DecisionRecord.from_json(decision).open_question


@retry_transient
def ask_clarification(
    work: Casework, ref: str, question: str, purpose: str, on: date, *, version: int
) -> CaseDetail:
    """Record a question sent: case → awaiting clarification, CLARIFICATION_ASKED (the clock stops for UK access)."""
    if purpose not in CLARIFICATION_PURPOSES:
        raise InvalidInput("purpose", f"'{purpose}' is neither identify nor format")
    if purpose == "format":
        raise ClarificationRefused(
            "A question only about the format of the reply does not stop the clock: ask it by letter or note "
            "and carry on working the case; stop the clock only when you need more information to identify "
            "what the request is about"
        )
    text = (question or "").strip()
    if not text:
        raise InvalidInput("question", "write the question you sent")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "ask for clarification")
        d = _decision(case)
        if open_question(d):
            raise ClarificationRefused("a question is already outstanding: record its answer first")
        _check_date(work, case, on, "asked on")
        work.move(case, Status.AWAITING_CLARIFICATION, reason="clarification asked", outcome=None)
        work.add_clock_event(s, case, ClockEventKind.CLARIFICATION_ASKED, on)
        regime_stops = work.regime(case.regime).stops_clock_for(case.right_keys)
        dl = work.refresh_deadline(s, case)
        # Issue 15: the clock stops only for the rights the regime pauses (uk-gdpr: access, Art 12A), and only
        # while their period runs: a question asked after the due date pauses nothing (the breach stands).
        stopped = [rd.right for rd in dl.per_right if rd.deadline.state is ClockState.STOPPED]
        stops = bool(stopped)
        period_ended = regime_stops and not stops
        cl = d.get("clarification") or {}
        rounds = [*cl.get("rounds", []), {
            "question": text, "purpose": purpose, "asked_on": on.isoformat(), "stops_clock": stops,
            "stops_for": stopped, "period_ended": period_ended, "answer": None, "answered_on": None,
        }]  # fmt: skip
        d["clarification"] = {**cl, "rounds": rounds}
        case.decision = d
        work.record(
            s, case, "decision.clarification_asked",
            {"on": on.isoformat(), "stops_clock": stops, "stops_for": stopped, "period_ended": period_ended,
             "clock": dl.state.value},
        )  # fmt: skip
        return work.finish(s, case)


@retry_transient
def record_clarification_answer(
    work: Casework, ref: str, answer: str, on: date, *, version: int, message: dict[str, Any] | None = None
) -> CaseDetail:
    """The answer arrived: CLARIFICATION_ANSWERED (the paused days are added), case → in progress. `message`: the
    stored message that answered ({"file_id", "sha256"}, services/mail_answers.py), named in the audit event."""
    text = (answer or "").strip()
    if not text:
        raise InvalidInput("answer", "write (or summarise) the answer received")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        d = _decision(case)
        q = open_question(d)
        if q is None or Status(case.status) is not Status.AWAITING_CLARIFICATION:
            raise DecisionRefused(f"{case.ref} has no clarification question outstanding")
        asked = q.asked_on or case.received
        if on < asked:
            raise InvalidInput("answered on", f"{fmt(on)} is before the question was sent ({fmt(asked)})")
        _check_date(work, case, on, "answered on")
        work.move(case, Status.IN_PROGRESS, reason="clarification answered", outcome=None)
        work.add_clock_event(s, case, ClockEventKind.CLARIFICATION_ANSWERED, on)
        dl = work.refresh_deadline(s, case)
        rounds = [dict(r) for r in d["clarification"]["rounds"]]
        rounds[-1] = {**rounds[-1], "answer": text, "answered_on": on.isoformat()}
        d["clarification"] = {**d["clarification"], "rounds": rounds}
        case.decision = d
        work.record(
            s, case, "decision.clarification_answered",
            {"on": on.isoformat(), "paused_days": dl.paused_days, "due": dl.effective_due.isoformat() if dl.effective_due else None,
             **({"message": message} if message else {})},
        )  # fmt: skip
        return work.finish(s, case)


# ---------------------------------------------------------------------------------------------------------------
# Flags for the queue: fee unpaid / question unanswered after the policy days
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    ref: str
    kind: str  # "fee_unpaid" | "clarification_unanswered"
    since: date
    days: int
    message: str


def flags(work: Casework, today: date | None = None) -> list[Flag]:
    """Cases waiting on the requester for longer than the policy allows, oldest first."""
    from dpo_tui.store.models import ClockEventRow

    today = today or work.today()
    policy = work.settings.policy
    rules = (
        (Status.AWAITING_FEE, ClockEventKind.FEE_REQUESTED, policy.fee_unpaid_days, "fee_unpaid", "fee unpaid"),
        (
            Status.AWAITING_CLARIFICATION,
            ClockEventKind.CLARIFICATION_ASKED,
            policy.clarification_no_response_days,
            "clarification_unanswered",
            "clarification unanswered",
        ),
    )
    out: list[Flag] = []
    with work.db.reader() as s:
        for status, kind, days, key, words in rules:
            if not days:
                continue
            # waited_too_long: more than `days` days, so the last request was made before today - days
            cutoff = today - timedelta(days=days)
            q = (
                select(Case.ref, func.max(ClockEventRow.on))
                .join(ClockEventRow, ClockEventRow.case_id == Case.id)
                .where(Case.status == status.value, ClockEventRow.kind == kind.value)
                .group_by(Case.ref)
                .having(func.max(ClockEventRow.on) < cutoff)
            )
            for ref, since in s.exec(q):
                if not waited_too_long(since, today, days):
                    continue
                n = (today - since).days
                out.append(
                    Flag(ref, key, since, n, f"{words} for {n} days since {fmt(since)} (policy: flag after {days}); "
                         "chase the person or close the case as no response")
                )  # fmt: skip
    return sorted(out, key=lambda f: (f.since, f.ref))


@retry_transient
def close_no_response(work: Casework, ref: str, *, version: int) -> CaseDetail:
    """Close a case whose fee or clarification never came (after the policy days): withdrawn, outcome no_response."""
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        st = Status(case.status)
        if st not in (Status.AWAITING_FEE, Status.AWAITING_CLARIFICATION):
            raise DecisionRefused(f"{case.ref} is {st.label}, not awaiting a fee or clarification")
        outcome = Outcome.FEE_UNPAID if st is Status.AWAITING_FEE else Outcome.NO_RESPONSE
        work.move(case, Status.WITHDRAWN, reason=outcome.label, outcome=outcome)
        work.refresh_deadline(s, case)
        work.record(s, case, "decision.closed_no_response", {"outcome": outcome})
        return work.finish(s, case)


def describe(decision: Mapping[str, Any]) -> list[str]:
    """Plain lines for the case screen's Decision tab (requester-free text apart from the DPO's own notes)."""
    rec = DecisionRecord.from_json(decision)
    lines: list[str] = []
    if rec.kind:
        lines.append(f"Decision: {rec.kind.value.replace('_', ' ')}")
    if a := rec.assessment:
        lines.append(f"Assessed {fmt_iso(a.on)} by {a.by}: {FINDING_LABELS.get(a.finding or '', a.finding)}")
        lines += [f"  • {g.label}: {g.evidence}" for g in a.grounds]
    if f := rec.fee:
        paid = f"paid {format_money(f.paid.amount, f.currency)} on {fmt_iso(f.paid.on)}" if f.paid else "unpaid"
        lines.append(f"Fee {format_money(f.total, f.currency)} asked {fmt_iso(f.requested_on)}: {paid}")
    for c in rec.further_copies:
        lines.append(f"Further-copy fee {format_money(c.total, c.currency)} asked {fmt_iso(c.requested_on)}")
    if r := rec.refusal:
        lines.append(f"Refused ({r.scope.value if r.scope else None}) on {fmt_iso(r.on)}: {' '.join(r.reasons)}")
        lines += [f"  • {i.item}: {i.ground}" for i in r.items]
    if e := rec.extension:
        lines.append(f"Extended ({(e.reason or '').replace('_', ' ')}), told {fmt_iso(e.told_on)}: due {fmt_iso(e.due_after)}")
    for q in rec.clarifications:
        ans = f"answered {fmt_iso(q.answered_on)}" if q.answered_on else "no answer yet"
        ended = " (asked after the due date: the clock did not stop)" if q.period_ended else ""
        lines.append(f"Clarification asked {fmt_iso(q.asked_on)}: {ans}{ended}")
    for lapse in rec.lapses:
        lines.append(
            f"Due date {fmt_iso(lapse.lapsed_due)} lapsed before ID was asked for on {fmt_iso(lapse.asked_on)}: "
            f"{lapse.reason or 'no reason recorded'}"
        )
    if er := rec.erasure:
        if er.ground_label:
            lines.append(f"Erasure ground: {er.ground_label}" + (f" ({er.ground_note})" if er.ground_note else ""))
        if er.made_public:
            lines.append(f"Made public: other controllers told (Art 17(2)): {er.controllers_informed}")
        for x in er.exceptions:
            lines.append(f"Kept in {x.system_name}: {x.ground_label}: {x.detail}")
    for e in rec.exemptions:
        ncnd = "; neither confirm nor deny" if e.ncnd else ""
        lines.append(f"Exemption {e.id}: {e.item} {e.action} under {e.citation}{ncnd} ({fmt(e.on) if e.on else '-'}, {e.by}): {e.reasoning}")
    if b := (decision.get("objection") or {}).get("balancing"):
        lines.append(f"Balancing test (Art 21(1)) {fmt_iso(b['on'])} by {b['by']}: {b['outcome_label']}")
        lines.append(f"  • their situation: {b['situation']}")
        if b.get("grounds"):
            lines.append(f"  • our grounds: {b['grounds']}")
        if b.get("restriction"):
            lines.append(f"  • processing restricted since {fmt_iso(b['restricted_since'])} (Art 18(1)(d))")
        elif b.get("restriction_lifted_on"):
            lines.append(f"  • restriction lifted {fmt_iso(b['restriction_lifted_on'])} (the person told first, Art 18(3))")
    if c := decision.get("complaint"):
        lines.append(f"Complaint{' (DPA 2018 s.164A)' if c.get('statutory') else ''}: {c.get('grounds')}")
        if c.get("acknowledged_on"):
            lines.append(f"  • acknowledged {fmt_iso(c['acknowledged_on'])} ({c.get('acknowledged_how')}); due by {fmt_iso(c['acknowledge_by'])}" if c.get("acknowledge_by") else f"  • acknowledged {fmt_iso(c['acknowledged_on'])}")
        elif c.get("acknowledge_by"):
            lines.append(f"  • acknowledge by {fmt_iso(c['acknowledge_by'])}")
        if c.get("outcome"):
            lines.append(f"  • {c['outcome_label']} on {fmt_iso(c['outcome_on'])}: {c['findings']}")
            if c.get("actions"):
                lines.append(f"  • actions: {c['actions']}")
    if r := rec.ccpa_repeat:
        lines.append(
            f"CCPA repeat request to know ({r.source}; earlier: {', '.join(r.earlier)}): "
            f"{r.decision} on {fmt(r.on) if r.on else '-'} by {r.by}: {r.note}"
        )
    return lines


__all__ = [
    "Flag",
    "RelatedCase",
    "RelatedFacts",
    "ask_clarification",
    "assess",
    "close_no_response",
    "add_erasure_exception",
    "add_exemption",
    "decide_repeat_request",
    "record_balancing_test",
    "remove_exemption",
    "describe",
    "extend",
    "fee_allowed",
    "flags",
    "record_clarification_answer",
    "record_erasure_ground",
    "record_fee_paid",
    "record_further_copy_fee",
    "refuse",
    "related_cases",
    "request_fee",
]


# ---------------------------------------------------------------------------------------------------------------
# Objection (issue 15): the Art 21(1) balancing test, recorded structurally; restriction while it is pending
# ---------------------------------------------------------------------------------------------------------------


@retry_transient
def record_balancing_test(
    work: Casework, ref: str, *, situation: str, outcome: str, on: date, version: int, grounds: str = "",
    restriction: bool = False,
) -> CaseDetail:
    """Record (or update) the Art 21(1) balancing test: the person's particular situation, the organisation's
    compelling legitimate grounds, the outcome (pending / upheld / overridden / legal_claims), who and when, and
    whether processing is restricted while it is pending (Art 18(1)(d)). Stored in `decision["objection"]`; the
    objection letter draws from it. Refused for a direct-marketing objection (Art 21(3): absolute) and for CCPA
    (no right to object; its opt-out of sale/sharing is never balanced)."""
    from dpo_tui.domain.objection import balancing_refusal, make_balancing, recorded_direct_marketing
    from dpo_tui.domain.text import check_text

    check_text("situation", situation)
    check_text("grounds", grounds)
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        _open(case, "record the balancing test")
        if "objection" not in case.rights.split(","):
            raise DecisionRefused(f"{case.ref} does not invoke the right to object")
        if case.regime == "ccpa":
            raise DecisionRefused(f"{case.ref} is a CCPA case: an opt-out of sale or sharing is never balanced (Cal. Civ. Code 1798.120)")
        _check_date(work, case, on, "decided on")
        items = s.exec(select(ChecklistItem.key, ChecklistItem.state).where(ChecklistItem.case_id == case.id))
        refusal = balancing_refusal(recorded_direct_marketing({k: st for k, st in items.all()}))
        if refusal:
            raise DecisionRefused(f"{case.ref}: {refusal}")
        d = _decision(case)
        obj = dict(d.get("objection") or {})
        record = make_balancing(situation=situation, grounds=grounds, outcome=outcome, restriction=restriction,
                                by=work.actor, on=on, previous=obj.get("balancing"))  # fmt: skip
        obj["balancing"] = record
        d["objection"] = obj
        case.decision = d
        work.record(s, case, "decision.balancing_test", {
            "outcome": record["outcome"], "restriction": record["restriction"], "on": record["on"],
        })  # fmt: skip
        return work.finish(s, case)
