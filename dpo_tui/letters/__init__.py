"""Letter kinds: what each is for, when it applies, and the Jinja2 templates that fill them.

Templates ship in `dpo_tui/defaults/letters/<kind>.md.j2` and are overridden by a file of the same name in the user's
`<config dir>/letters/`. A template's first line is `Subject: ...`, then a blank line, then the body (Markdown).
Every value put into a template is Markdown-escaped unless it is marked `Trusted` (the organisation's own profile text,
text the app generates): requester text cannot add links, HTML or formatting to a letter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpo_tui.domain.clock import ClockEventKind
from dpo_tui.domain.errors import DomainError
from dpo_tui.domain.identity import IdStatus
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.records import DecisionRecord, IdentityRecord

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail  # letters sit below services: the type only


class LetterRefused(DomainError):
    """The letter does not apply to this case (the message says why)."""


class Trusted(str):
    """Text from the organisation profile or the app itself: put into a letter unescaped."""


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: str
    purpose: str
    check: Callable[[CaseDetail, date], str | None]  # None: applies; else the reason it does not


def _events(detail: CaseDetail, kind: str) -> list[Any]:
    return [e for e in detail.clock_events if e.kind == kind]


def _identity(detail: CaseDetail) -> IdentityRecord:
    return IdentityRecord.from_json(detail.identity)


def _decision(detail: CaseDetail) -> DecisionRecord:
    return DecisionRecord.from_json(detail.decision)


def _identity_status(detail: CaseDetail) -> IdStatus | None:
    ident = _identity(detail)
    return ident.status or ident.outcome


def _verified(detail: CaseDetail) -> bool:
    return _identity_status(detail) in (IdStatus.VERIFIED, IdStatus.NOT_NEEDED)


def refusal_problems(detail: CaseDetail, on: date) -> list[str]:
    """What a refusal notice for this case would lack (empty: it can be issued)."""
    from dpo_tui.domain.decisions import refusal_content_problems

    return list(refusal_content_problems(dict(detail.decision or {}), detail.regime, on))


def _always(detail: CaseDetail, today: date) -> str | None:
    return None


def _open(detail: CaseDetail, today: date) -> str | None:
    return None if detail.is_open else f"the case is {detail.status.replace('_', ' ')}"


def _identity_request(detail: CaseDetail, today: date) -> str | None:
    if not detail.is_open:
        return f"the case is {detail.status.replace('_', ' ')}"
    if _verified(detail):
        return "the requester's identity is already settled (verified or not needed)"
    return None


def _clarification(detail: CaseDetail, today: date) -> str | None:
    if (not _events(detail, ClockEventKind.CLARIFICATION_ASKED) and not _decision(detail).clarifications
            and detail.status != Status.AWAITING_CLARIFICATION):  # fmt: skip
        return "no clarification question has been recorded (record it first with the clarification step, key c)"
    return None


def _fee_request(detail: CaseDetail, today: date) -> str | None:
    if _decision(detail).fee is None and not _events(detail, ClockEventKind.FEE_REQUESTED):
        return "no fee was requested on this case (only a manifestly unfounded or excessive request, or further copies, can carry a fee)"
    return None


def _extension(detail: CaseDetail, today: date) -> str | None:
    if not (detail.deadline.extended or any(rd.deadline.extended for rd in detail.deadline.per_right)):
        return "the deadline has not been extended (record the extension first, key x)"
    return None


def _refusal_notice(detail: CaseDetail, today: date) -> str | None:
    if _decision(detail).refusal is None and detail.status != Status.REFUSED:
        return "the request has not been refused (record the refusal first, key a)"
    problems = refusal_problems(detail, today)
    if problems:
        return "the refusal is incomplete: " + "; ".join(problems)
    return None


def _response(detail: CaseDetail, today: date) -> str | None:
    if detail.status in (Status.REFUSED, Status.WITHDRAWN):
        return f"the case was {detail.status}: send the refusal notice instead" if detail.status == Status.REFUSED else "the request was withdrawn"
    if detail.status in (Status.AWAITING_ID, Status.AWAITING_FEE, Status.AWAITING_CLARIFICATION, Status.NEW):
        return f"the case is {detail.status.replace('_', ' ')}: respond once it is being worked"
    return None


def _right(right: str, label: str) -> Callable[[CaseDetail, date], str | None]:
    def check(detail: CaseDetail, today: date) -> str | None:
        if right not in detail.rights:
            return f"the request does not invoke the {label} right"
        if detail.status in (Status.REFUSED, Status.WITHDRAWN):
            return f"the case was {detail.status}"
        return None

    return check


def _erasure(detail: CaseDetail, today: date) -> str | None:
    """A partial erasure must rest on a recorded Art 17(1) ground and, where the data was made public, say which
    controllers were told (Art 17(2)); see dpo_tui.domain.erasure."""
    problem = _right("erasure", "erasure")(detail, today)
    if problem:
        return problem
    from dpo_tui.domain.erasure import problems

    found = problems(DecisionRecord.from_json(detail.decision).erasure)
    return "; ".join(found) if found else None


def _objection(detail: CaseDetail, today: date) -> str | None:
    """The confirmation waits for the DPO's recorded answer to "is this direct marketing?" (Art 21(3) makes it
    absolute); CCPA has no objection, its variant confirms an opt-out of sale/sharing (1798.120)."""
    problem = _right("objection", "objection")(detail, today)
    if problem or detail.regime == "ccpa":
        return problem
    from dpo_tui.domain.objection import recorded_direct_marketing, undecided_reason

    if recorded_direct_marketing({i.key: i.state for i in detail.checklist}) is None:
        return undecided_reason(detail.description)
    return None


def _could_not_verify(detail: CaseDetail, today: date) -> str | None:
    if _identity_status(detail) is IdStatus.COULD_NOT_VERIFY:
        return None
    if _verified(detail):
        return "the requester's identity was verified"
    if not _events(detail, ClockEventKind.ID_REQUESTED) and _identity(detail).requested_on is None:
        return "identity information was never requested on this case"
    return None


def _complaint(detail: CaseDetail) -> dict[str, Any]:
    return dict((detail.decision or {}).get("complaint") or {})


def _complaint_ack(detail: CaseDetail, today: date) -> str | None:
    """DPA 2018 s.164A(3)(a) (UK): acknowledge within 30 days; elsewhere the organisation's target."""
    c = _complaint(detail)
    if c.get("acknowledged_on"):
        return f"the complaint was already acknowledged on {c['acknowledged_on']}"
    if not detail.is_open:
        return f"the complaint is {detail.status.replace('_', ' ')}"
    return None


def _complaint_outcome(detail: CaseDetail, today: date) -> str | None:
    """s.164A(3)(c): tell the person the outcome; drawn from the recorded outcome."""
    c = _complaint(detail)
    if not c.get("outcome"):
        return "no outcome has been recorded (record it first: upheld, partly upheld or not upheld, with the findings)"
    return None


# Letters a complaint case takes; every other kind is a request's.
COMPLAINT_KINDS = frozenset({"complaint_acknowledgement", "complaint_outcome"})


def kind_mismatch(key: str, detail: CaseDetail) -> str | None:
    """A complaint case takes only the complaint letters, a request never takes them."""
    complaint = getattr(detail, "kind", "request") == "complaint"
    if complaint and key not in COMPLAINT_KINDS:
        return f"this is a complaint about {detail.about_ref}: its letters are the complaint acknowledgement and outcome"
    if not complaint and key in COMPLAINT_KINDS:
        return "this is a request, not a complaint (log a complaint about it first: `dpo-tui complaint new REF`)"
    return None


def _restriction_lift(detail: CaseDetail, today: date) -> str | None:
    """Art 18(3): the person who obtained a restriction is told before it is lifted (GDPR/UK GDPR; not CCPA)."""
    if "restriction" not in detail.rights:
        return "the request does not invoke the restriction right"
    if detail.regime == "ccpa":
        return "the CCPA has no restriction right with a duty to notify before lifting (Art 18(3) is GDPR)"
    if detail.status in (Status.REFUSED, Status.WITHDRAWN):
        return f"the case was {detail.status}"
    return None


KINDS: dict[str, LetterKind] = {
    k.key: k
    for k in (
        LetterKind("acknowledgement", "Acknowledgement", "Confirms receipt and tells the person when to expect a reply.", _always),
        LetterKind("identity_request", "Identity request", "Asks for the least information needed to confirm identity.", _identity_request),
        LetterKind("clarification_request", "Clarification request", "Asks the person to clarify what they want.", _clarification),
        LetterKind("fee_request", "Fee request", "Asks for a reasonable fee before the request is dealt with.", _fee_request),
        LetterKind("extension_notice", "Extension notice", "Tells the person the deadline is extended and why.", _extension),
        LetterKind("refusal_notice", "Refusal notice", "Refuses the request with the reasons and the person's remedies.", _refusal_notice),
        LetterKind("response_cover", "Response cover letter", "Covers the response (with the Art 15 information for access).", _response),
        LetterKind("erasure_confirmation", "Erasure confirmation", "Confirms the data was erased (or what was kept and why) and who was told.", _erasure),
        LetterKind("objection_confirmation", "Objection / marketing opt-out confirmation", "Confirms the objection or marketing opt-out.", _objection),
        LetterKind("could_not_verify", "Could not verify identity", "Explains why the request cannot proceed and what the person can do.", _could_not_verify),
        LetterKind("restriction_lift_notice", "Restriction: notice before lifting", "Tells the person, before a restriction is lifted, when and why (Art 18(3)).", _restriction_lift),
        LetterKind("complaint_acknowledgement", "Complaint acknowledgement", "Acknowledges a complaint to us (UK: within 30 days, DPA 2018 s.164A).", _complaint_ack),
        LetterKind("complaint_outcome", "Complaint outcome", "Tells the person the outcome of their complaint, what we found and did.", _complaint_outcome),
    )
}


def kind_of(key: str) -> LetterKind:
    try:
        return KINDS[key.strip().lower().replace("-", "_")]
    except KeyError:
        raise LetterRefused(f"unknown letter kind {key!r} (known: {', '.join(KINDS)})") from None


def why_not(key: str, detail: CaseDetail, today: date) -> str | None:
    """None when the letter applies to the case, else the reason it does not."""
    kind = kind_of(key)
    return kind_mismatch(kind.key, detail) or kind.check(detail, today)


@functools.cache
def strict_sandbox() -> type:
    """Jinja2's SandboxedEnvironment, but a forbidden attribute is an error at once: the stock sandbox renders
    `{{ name.__class__ }}` as an empty string, which hides a template that tries (and lets `config check` pass it)."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class StrictSandbox(SandboxedEnvironment):
        def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
            raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    return StrictSandbox


def environment(user_dir: Path | None) -> Any:
    """Jinja2 environment: user templates first, then the shipped ones; values Markdown-escaped unless Trusted.

    Sandboxed: a template in the user's folder is code anyone with write access to that folder controls, so it may
    read the values it is given but never reach Python internals (`cycler.__init__.__globals__.os...` raises a
    SecurityError instead of running)."""
    import jinja2

    from dpo_tui.text import md_escape

    loaders: list[Any] = []
    if user_dir is not None and user_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.PackageLoader("dpo_tui", "defaults/letters"))

    def finalize(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Trusted):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        return md_escape(value)

    env = strict_sandbox()(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown, not HTML: `finalize` escapes instead
        finalize=finalize,
        undefined=jinja2.ChainableUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["trusted"] = lambda v: Trusted("" if v is None else v)
    return env
