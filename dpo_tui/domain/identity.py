"""Identity verification: the pure rules (rights-requests.md section 3). No database, no screen.

The aim: proportionate checks, a record that proves the decision, no ID documents kept, and a clock that starts
exactly when it should (the clock itself is the deadline engine's job: the services only add the dated events).

The record lives on the case as `Case.identity` (a JSON dict), schema `dpo-tui/identity/1`:

    status           "not_needed" | "awaiting" | "received" | "verified" | "could_not_verify" | "withdrawn"
                     | "no_response"                      (absent/empty dict: no identity step taken yet)
    needed           bool: verification needed at all (step 1)
    reason           why it is / is not needed (step 1, always recorded)
    facts            {"recognised_contact": "same_email" | "logged_in" | "known_relationship" | None,
                      "sensitive": bool, "mismatch": bool}  what the step-1 decision rested on
    requester_kind   "self" | "solicitor" | "relative" | "agent" | "portal" | "parent"
    authority        {"needed": bool, "evidence": str | None, "requested_on": iso | None, "received_on": iso | None}
    child            None, or {"age": int, "in_scotland": bool, "competent": bool, "presumed": bool,
                      "reason": str, "parent_may_act": bool}
    method           "confirm_details" | "account_login" | "document_sighting" | "authority_only"
    asked_for        what the person was asked for, in plain words
    id_requested     bool: identity information asked for (False when only authority was asked for)
    requested_on     iso date the request for ID/authority was sent
    seen             what was seen (document type, e.g. "passport sighted") — never the document or its number
    matched          which details matched ("name, address, account number")
    by               who checked
    at               iso date the information arrived (the clock starts here under uk-gdpr)
    copy_received    bool: a copy of a document was received
    copy_deleted     bool: that copy was deleted (must be True whenever copy_received is True)
    outcome          None | "verified" | "could_not_verify" | "withdrawn" | "no_response"
    outcome_reason   why (required for could_not_verify and withdrawn)
    outcome_on       iso date of the outcome
    rounds           how many times information was requested (a second request = "more information requested")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import DomainError, InvalidInput

SCHEMA = "dpo-tui/identity/1"


class IdStatus(StrEnum):
    NOT_NEEDED = "not_needed"
    AWAITING = "awaiting"
    RECEIVED = "received"
    VERIFIED = "verified"
    COULD_NOT_VERIFY = "could_not_verify"
    WITHDRAWN = "withdrawn"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    IdStatus.NOT_NEEDED: "not needed",
    IdStatus.AWAITING: "awaiting ID",
    IdStatus.RECEIVED: "information received, outcome pending",
    IdStatus.VERIFIED: "verified",
    IdStatus.COULD_NOT_VERIFY: "could not verify",
    IdStatus.WITHDRAWN: "withdrawn",
    IdStatus.NO_RESPONSE: "closed: no response",
}


class Outcome(StrEnum):
    VERIFIED = "verified"
    COULD_NOT_VERIFY = "could_not_verify"
    WITHDRAWN = "withdrawn"


class RequesterKind(StrEnum):
    SELF = "self"
    SOLICITOR = "solicitor"
    RELATIVE = "relative"
    AGENT = "agent"
    PORTAL = "portal"
    PARENT = "parent"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def third_party(self) -> bool:
        return self is not RequesterKind.SELF


_KIND_LABELS = {
    RequesterKind.SELF: "the person themselves",
    RequesterKind.SOLICITOR: "a solicitor",
    RequesterKind.RELATIVE: "a relative",
    RequesterKind.AGENT: "an agent",
    RequesterKind.PORTAL: "a rights portal / third-party service",
    RequesterKind.PARENT: "a parent for a child",
}

# The evidence of authority each kind of third party is normally asked for.
AUTHORITY_EVIDENCE = {
    RequesterKind.SOLICITOR: "written authority signed by their client (a letter of authority)",
    RequesterKind.RELATIVE: "written authority signed by the person, or a lasting power of attorney",
    RequesterKind.AGENT: "written authority signed by the person, or a power of attorney",
    RequesterKind.PORTAL: "the person's signed authorisation for the portal to act for them",
    RequesterKind.PARENT: "evidence of parental responsibility and, if the child is competent, the child's authorisation",
}


class Method(StrEnum):
    CONFIRM_DETAILS = "confirm_details"
    ACCOUNT_LOGIN = "account_login"
    DOCUMENT_SIGHTING = "document_sighting"
    AUTHORITY_ONLY = "authority_only"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    Method.CONFIRM_DETAILS: "confirm details we already hold",
    Method.ACCOUNT_LOGIN: "confirm from the logged-in account",
    Method.DOCUMENT_SIGHTING: "sight an identity document (risk justifies it)",
    Method.AUTHORITY_ONLY: "evidence of authority only (the person is known)",
}

RECOGNISED_CONTACTS = {
    "same_email": "same email as on record",
    "logged_in": "logged-in account",
    "known_relationship": "known relationship (e.g. current employee, customer we deal with)",
}

# One line each: what the law requires at each walkthrough step (shown in the walkthrough).
LAW = {
    1: "Verify only where there is reasonable doubt; a recognised contact usually needs nothing more (ICO).",
    2: "The right is the person's: a third party must show authority; a child's request is the child's right.",
    3: "Ask for the least that resolves the doubt; a copy of an ID document only where the risk justifies it.",
    4: "UK GDPR: the month starts when the information asked for arrives; until then the clock has not started.",
    5: "Record what was seen, by whom and when — never keep a copy of an ID document.",
    6: "A request that cannot be verified may be declined, with a letter saying why and what the person can do.",
}

SCOTLAND_COMPETENCE_AGE = 12  # Data Protection Act 2018 s.208: in Scotland a child aged 12+ is presumed competent
ADULT_AGE = 18


# ---- step 1: is verification needed at all? ---------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    needed: bool
    reason: str


def assess_need(*, recognised_contact: str | None, sensitive: bool, mismatch: bool) -> Need:
    """The suggestion for step 1; the DPO may decide otherwise, with a reason."""
    if recognised_contact is not None and recognised_contact not in RECOGNISED_CONTACTS:
        raise InvalidInput(
            "recognised_contact",
            f"unknown '{recognised_contact}' (valid: {', '.join(RECOGNISED_CONTACTS)})"
        )
    if mismatch:
        return Need(True, "the contact details do not match our records")
    if recognised_contact is None:
        return Need(True, "the requester is not a recognised contact: we cannot yet tell who they are")
    known = RECOGNISED_CONTACTS[recognised_contact]
    if sensitive:
        return Need(True, f"{known}, but the data likely to be disclosed is sensitive")
    return Need(False, f"recognised contact: {known}; nothing sensitive; no mismatch with our records")


# ---- step 2: who is asking ----------------------------------------------------------------------------------------


def parse_kind(value: str | RequesterKind) -> RequesterKind:
    try:
        return RequesterKind(value)
    except ValueError:
        raise InvalidInput(
            "requester_kind",
            f"unknown '{value}' (valid: {', '.join(k.value for k in RequesterKind)})"
        ) from None


@dataclass(frozen=True)
class ChildAssessment:
    age: int
    in_scotland: bool
    competent: bool
    presumed: bool  # True when the law presumes competence (Scotland, 12+) rather than a case-by-case judgement
    reason: str
    parent_may_act: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "age": self.age,
            "in_scotland": self.in_scotland,
            "competent": self.competent,
            "presumed": self.presumed,
            "reason": self.reason,
            "parent_may_act": self.parent_may_act,
        }


def assess_child(
    *,
    age: int | None,
    in_scotland: bool,
    competent: bool | None,
    reason: str | None,
    child_authorised: bool = False,
    best_interests: bool = False,
) -> ChildAssessment:
    """Competence of a child whose parent asks (rights-requests.md 3).

    Scotland: 12+ is presumed competent (the DPO may rebut it, with a reason). Elsewhere: case by case, and the
    reason is always required. A parent may act when a competent child authorises it, or when the child is not
    competent and acting is in the child's best interests.
    """
    if age is None:
        raise InvalidInput("child_age", "give the child's age")
    if not 0 <= age < ADULT_AGE:
        raise InvalidInput("child_age", f"{age} is not a child's age (0-17); an adult's request needs their own authority")
    why = " ".join((reason or "").split())
    presumed = False
    if in_scotland and age >= SCOTLAND_COMPETENCE_AGE:
        if competent is None or competent:
            competent, presumed = True, True
            why = why or f"Scotland: a child aged {SCOTLAND_COMPETENCE_AGE} or over is presumed competent"
        elif not why:
            raise InvalidInput(
                "child_reason",
                "the child is presumed competent in Scotland at 12+; say why you conclude otherwise"
            )
    else:
        if competent is None:
            raise InvalidInput("child_competent", "assess whether the child understands their rights (competent or not)")
        if not why:
            where = "in Scotland under 12" if in_scotland else "outside Scotland"
            raise InvalidInput("child_reason", f"{where} competence is assessed case by case; record the reason")
    if competent:
        may_act = child_authorised
    else:
        may_act = best_interests
    return ChildAssessment(age, in_scotland, bool(competent), presumed, why, may_act)


def parent_problem(child: ChildAssessment) -> InvalidInput | None:
    """Why the parent may not act for the child (naming the answer at fault), or None."""
    if child.parent_may_act:
        return None
    if child.competent:
        return InvalidInput("child_authorised", "the child is competent; the parent may act only if the child authorises it")
    return InvalidInput(
        "child_best_interests", "the parent may act for a child who is not competent only in the child's best interests"
    )


# ---- step 3: what to ask for --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    method: Method
    asked_for: str
    why: str
    id_needed: bool
    authority_needed: bool


def suggest_request(
    *,
    kind: RequesterKind,
    id_needed: bool,
    sensitive: bool,
    mismatch: bool,
    holds_details: bool,
    has_account: bool,
) -> Suggestion:
    """The least that resolves the doubt: details we already hold, then the account, and a document last."""
    authority = kind.third_party
    parts: list[str] = []
    if not id_needed:
        if not authority:
            raise InvalidInput("what", "nothing to ask for: identity is not in doubt and the person asks for themselves")
        evidence = AUTHORITY_EVIDENCE[kind]
        return Suggestion(Method.AUTHORITY_ONLY, evidence, "the person is known; only the authority to act is in doubt", False, True)
    if sensitive and (mismatch or not holds_details):
        method = Method.DOCUMENT_SIGHTING
        parts.append("a photo ID document (passport or driving licence) to be shown or sent and deleted once checked, "
                     "and a recent proof of address")
        why = "sensitive data and " + ("details that do not match our records" if mismatch else "no details on record to confirm")
    elif has_account and not mismatch:
        method = Method.ACCOUNT_LOGIN
        parts.append("confirmation of the request from the email address or account registered with us")
        why = "an account we hold: confirming from it resolves the doubt without any document"
    elif holds_details:
        method = Method.CONFIRM_DETAILS
        parts.append("confirmation of details we already hold (postal address on record, last order or account number)")
        why = "we already hold details the person can confirm: no document is needed"
    else:
        method = Method.CONFIRM_DETAILS
        parts.append("the details we would need to find their records (postal address, any customer or account number)")
        why = "we hold nothing to compare yet: ask for the details that identify their records before any document"
    if authority:
        parts.append(AUTHORITY_EVIDENCE[kind])
    return Suggestion(method, "; and ".join(parts), why, True, authority)


def parse_method(value: str | Method) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise InvalidInput("method", f"unknown '{value}' (valid: {', '.join(m.value for m in Method)})") from None


# ---- validation shared by the services ----------------------------------------------------------------------------

_DOCUMENT_NUMBER = re.compile(r"(?:[A-Z]*\d[A-Z\d]{5,})", re.IGNORECASE)
# A date written with its month's name ("dated 20 Nov 2026", "November 20, 2026") is not a document number: without
# its spaces it read as one ("20Nov2026": six digits in one run), and the letter of authority's date was refused.
_WRITTEN_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b",
    re.IGNORECASE,
)


def check_date(field: str, on: date | None, *, received: date, today: date, not_before: date | None = None,
               not_before_what: str = "") -> date:
    if on is None:
        raise InvalidInput(field, "give the date")
    if on < received:
        raise InvalidInput(field, f"{fmt(on)} is before the request was received ({fmt(received)})")
    if on > today:
        raise InvalidInput(field, f"{fmt(on)} is in the future (today is {fmt(today)})")
    if not_before is not None and on < not_before:
        raise InvalidInput(field, f"{fmt(on)} is before {not_before_what} ({fmt(not_before)})")
    return on


def required_text(field: str, value: str | None, what: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInput(field, f"{what}")
    return text


def no_document_numbers(field: str, value: str) -> str:
    """The record says what was seen, never the document itself: refuse anything that looks like its number."""
    rest = _WRITTEN_DATE.sub(" ", value)
    if _DOCUMENT_NUMBER.search(rest.replace(" ", "")) and sum(c.isdigit() for c in rest) >= 6:
        raise InvalidInput(
            field,
            "this looks like a document or account number; record the document type and which details "
            "matched, not the number itself"
        )
    return value


def check_copy(copy_received: bool, copy_deleted: bool) -> None:
    if copy_received and not copy_deleted:
        raise InvalidInput(
            "copy_deleted",
            "a copy of a document was received: delete it (and any email attachment) and confirm; "
            "dpo-tui never keeps identity documents"
        )


def current(identity: Mapping[str, Any] | None) -> IdStatus | None:
    from dpo_tui.domain.records import IdentityRecord  # records builds on this module's enums

    return IdentityRecord.from_json(identity).status


def check_can(action: str, identity: Mapping[str, Any] | None, allowed: set[IdStatus | None]) -> IdStatus | None:
    """Refuse an action the identity record's state does not allow, saying what to do instead."""
    state = current(identity)
    if state in allowed:
        return state
    now = f"identity is {state.label}" if state else "no identity step is recorded yet"
    hint = _HINTS.get(action, "")
    raise DomainError(f"cannot {action}: {now}{hint}")


_HINTS = {
    "record 'not needed'": "; it can only be recorded before any request for ID is sent",
    "request identity": "; record what arrived or the outcome first",
    "record what arrived": "; request the information first (step 3)",
    "record the outcome": "; record what arrived first (step 5), or close the case",
    "close as no response": "; only a case still awaiting ID can be closed as no response",
}


# ---- letters (used when the letters module is not available) ------------------------------------------------------


def request_letter(*, name: str, ref: str, received: date, asked_for: str, org_name: str, dpo_name: str,
                   dpo_email: str, regime: str, kind: RequesterKind, subject_name: str | None = None) -> str:
    """Plain-text request for the information that resolves the doubt (the letters engineer's `identity_request`)."""
    about = f" on behalf of {subject_name}" if subject_name and kind.third_party else ""
    clock = (
        "The one-month period for our response starts on the day we receive this information."
        if regime == "uk-gdpr"
        else "Please send it as soon as you can so we can respond within the time the law allows."
    )
    return "\n".join(
        [
            f"Subject: Your data protection request {ref} — we need to confirm who you are",
            "",
            f"Dear {name},",
            "",
            f"Thank you for your request{about}, which we received on {fmt(received)}.",
            "Before we can act on it we need to be sure we are dealing with the right person, so that we never",
            "disclose someone's personal data to anyone else. Please send us:",
            "",
            f"  - {asked_for}",
            "",
            "We ask only for what we need. If you send a copy of a document, we will check it and delete it at once:",
            "we keep only a note of what we saw.",
            clock,
            "",
            f"If you have any questions, reply to this message or contact {dpo_name} at {dpo_email}.",
            "",
            "Yours sincerely,",
            dpo_name,
            f"Data Protection Officer, {org_name}",
        ]
    )


def could_not_verify_letter(*, name: str, ref: str, received: date, reason: str, org_name: str, dpo_name: str,
                            dpo_email: str, authority_name: str, authority_website: str) -> str:
    return "\n".join(
        [
            f"Subject: Your data protection request {ref} — we could not confirm your identity",
            "",
            f"Dear {name},",
            "",
            f"We received your request on {fmt(received)}. We have not been able to confirm your identity,",
            f"so we cannot act on it at present. The reason: {reason}.",
            "",
            "What you can do:",
            "  - send us the information we asked for, or other information that shows who you are, and we will",
            "    look at your request again straight away;",
            f"  - contact {dpo_name} at {dpo_email} if you think we have made a mistake;",
            f"  - complain to {authority_name} ({authority_website}) or seek a judicial remedy through the courts.",
            "",
            "Yours sincerely,",
            dpo_name,
            f"Data Protection Officer, {org_name}",
        ]
    )


def describe(identity: Mapping[str, Any]) -> list[str]:
    """The identity record in a few plain sentences (the case screen shows them above the full record)."""
    from dpo_tui.domain.records import IdentityRecord  # records builds on this module's enums

    rec = IdentityRecord.from_json(identity)
    lines: list[str] = []
    if rec.status:
        lines.append(f"Identity: {rec.status.label}")
    if rec.needed is False:
        lines.append(f"Not needed: {rec.reason or 'no reason recorded'}")
    elif rec.reason:
        lines.append(f"Why checked: {rec.reason}")
    if rec.requester_kind and rec.requester_kind is not RequesterKind.SELF:
        lines.append(f"Requester acting for the person: {rec.requester_kind.value.replace('_', ' ')}")
    auth = rec.authority
    if auth.needed:
        got = f"received {fmt(auth.received_on)}" if auth.received_on else "not yet received"
        evidence = f" ({auth.evidence})" if auth.evidence else ""
        lines.append(f"Authority to act: {got}{evidence}")
    if rec.child:
        competent = "competent" if rec.child.competent else "not competent"
        how = " (presumed: Scotland, 12 or over)" if rec.child.presumed else ""
        lines.append(f"Child aged {rec.child.age}: {competent}{how}")
    if rec.requested_on:
        lines.append(f"Asked on {fmt(rec.requested_on)} for: {(rec.asked_for or '').strip()}")
    if rec.seen:
        who = f", checked by {rec.by}" if rec.by else ""
        on = f" on {fmt(rec.at)}" if rec.at else ""
        lines.append(f"Seen: {rec.seen}; matched: {rec.matched or '—'}{who}{on}")
    if rec.copy_received:
        lines.append("Copy received and deleted" if rec.copy_deleted else "Copy received: NOT confirmed deleted")
    if rec.outcome:
        reason = f": {rec.outcome_reason}" if rec.outcome_reason else ""
        on = f" on {fmt(rec.outcome_on)}" if rec.outcome_on else ""
        lines.append(f"Outcome: {rec.outcome.value.replace('_', ' ')}{on}{reason}")
    return lines
