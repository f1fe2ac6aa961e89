"""Complaints to the controller (issue 15; DPA 2018 s.164A): a case of its own, linked to the request it is about.

A complaint case copies the requester, regime and calendar of the request it is about (the same person, under the
same law), takes its rights as "what the complaint is about", has no request checklist, and keeps its facts in
`decision["complaint"]`: the grounds, the acknowledgement (date, how, who) and the outcome (upheld / partly upheld /
not upheld, the findings, the actions taken, who and when). Its dates come from dpo_tui.domain.complaints.
Each verb is one user action: one transaction with its audit event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dpo_tui.domain.complaints import OUTCOMES, ack_rule, check_grounds, check_outcome, statutory
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.states import Outcome
from dpo_tui.domain.text import check_text
from dpo_tui.services.casework import CHANNELS, Casework, _next_ref, load_case, lock_case, search_text
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.store.models import Case, ClockEventRow

ACK_HOW = CHANNELS  # how the acknowledgement went out: the correspondence channels


class NotAComplaint(DomainError):
    pass


def _complaint(case: Case) -> dict[str, Any]:
    if case.kind != "complaint":
        raise NotAComplaint(f"{case.ref} is a request, not a complaint case")
    return dict((case.decision or {}).get("complaint") or {})


@retry_transient
def log_complaint(
    work: Casework, about: str, *, grounds: str, received: date, channel: str = "email", assignee: str | None = None
) -> CaseDetail:
    """Log a complaint to the controller about the request `about` (open or closed). The new case is due for
    acknowledgement within 30 days (s.164A(3)(a) for UK complaints from 19 Jun 2026; policy elsewhere)."""
    check_text("grounds", grounds)
    what = check_grounds(grounds)
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"unknown channel '{channel}' (valid: {', '.join(CHANNELS)})")
    if received > work.today():
        raise InvalidInput("received", f"{received.isoformat()} is in the future")
    with work.write() as s:
        original = load_case(s, about)
        if original.kind == "complaint":
            raise InvalidInput("about", f"{original.ref} is itself a complaint: link the complaint to the request it is about ({original.about_ref})")
        if received < original.received:
            raise InvalidInput("received", f"{received.isoformat()} is before the request {original.ref} was received ({original.received.isoformat()})")
        case = Case(
            ref=_next_ref(s, received.year),
            kind="complaint",
            about_ref=original.ref,
            regime=original.regime,
            country=original.country,
            subdivision=original.subdivision,
            channel=channel,
            received=received,
            status=Status.NEW.value,
            rights=original.rights,
            requester_name=original.requester_name,
            requester_email=original.requester_email,
            email_norm=original.email_norm,
            requester_address=original.requester_address,
            requester_phone=original.requester_phone,
            requester_account=original.requester_account,
            agent_name=original.agent_name,
            agent_kind=original.agent_kind,
            description=what,
            assignee=assignee if assignee is not None else original.assignee,
            # The period is fixed when the complaint is logged: a later change of policy never moves it.
            decision={"complaint": {
                "grounds": what, "statutory": statutory(original.regime, received),
                "ack_days": ack_rule(original.regime, received, work.settings.policy.complaint_ack_days).days,
            }},  # fmt: skip
        )
        case.search_text = search_text(case)
        s.add(case)
        s.flush()
        s.add(ClockEventRow(case_id=case.id, kind="received", on=received, recorded_by=work.actor))
        s.flush()
        dl = work.refresh_deadline(s, case)
        case.decision = {"complaint": {**case.decision["complaint"], "acknowledge_by": dl.acknowledge_by.isoformat()}}  # type: ignore[union-attr]
        work.record(s, case, "complaint.logged", {
            "about": original.ref, "received": received.isoformat(), "channel": channel, "regime": case.regime,
            "statutory": statutory(case.regime, received), "acknowledge_by": dl.acknowledge_by.isoformat() if dl.acknowledge_by else None,
        })  # fmt: skip
        return work.finish(s, case)


def acknowledge_in(work: Casework, s: Any, case: Case, on: date, how: str) -> None:
    """Record the acknowledgement inside the caller's transaction (saving the acknowledgement letter does this)."""
    c = _complaint(case)
    if c.get("acknowledged_on"):
        raise InvalidInput("acknowledged", f"{case.ref} was already acknowledged on {c['acknowledged_on']}")
    if how not in ACK_HOW:
        raise InvalidInput("how", f"'{how}' is not a way of acknowledging (valid: {', '.join(ACK_HOW)})")
    if on < case.received:
        raise InvalidInput("date", f"{on.isoformat()} is before the complaint was received ({case.received.isoformat()})")
    if on > work.today():
        raise InvalidInput("date", f"{on.isoformat()} is in the future")
    c.update(acknowledged_on=on.isoformat(), acknowledged_how=how, acknowledged_by=work.actor)
    case.decision = {**(case.decision or {}), "complaint": c}
    if case.status == Status.NEW.value:
        work.move(case, Status.IN_PROGRESS, reason="complaint acknowledged", outcome=None)
    dl = work.refresh_deadline(s, case)
    late = dl.acknowledge_by is not None and on > dl.acknowledge_by
    work.record(s, case, "complaint.acknowledged", {"on": on.isoformat(), "how": how, "late": late})


@retry_transient
def acknowledge_complaint(work: Casework, ref: str, *, on: date, how: str = "email", version: int) -> CaseDetail:
    """The complaint was acknowledged on `on` through a channel (email, post, phone, ...). Saving the acknowledgement
    letter does the same in its own transaction."""
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if not Status(case.status).is_open:
            raise InvalidInput("status", f"{case.ref} is {case.status}: reopen it first")
        acknowledge_in(work, s, case, on, how)
        return work.finish(s, case)


@retry_transient
def record_complaint_outcome(
    work: Casework, ref: str, *, outcome: str, findings: str, actions: str = "", on: date, version: int
) -> CaseDetail:
    """The outcome the person is told (s.164A(3)(c)): upheld, partly upheld or not upheld, with the findings and
    what was done. Closes the complaint (completed); the outcome letter draws from it."""
    check_text("findings", findings)
    check_text("actions", actions)
    key, found = check_outcome(outcome, findings)
    done = " ".join((actions or "").split())
    if key in ("upheld", "partly_upheld") and not done:
        raise InvalidInput("actions", f"a complaint {OUTCOMES[key]} needs the actions taken to put it right")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        c = _complaint(case)
        if not c.get("acknowledged_on"):
            raise InvalidInput("acknowledged", f"{case.ref} has not been acknowledged: acknowledge it first (s.164A(3)(a))")
        if on < date.fromisoformat(c["acknowledged_on"]):
            raise InvalidInput("date", f"{on.isoformat()} is before the acknowledgement ({c['acknowledged_on']})")
        if on > work.today():
            raise InvalidInput("date", f"{on.isoformat()} is in the future")
        c.update(outcome=key, outcome_label=OUTCOMES[key], findings=found, actions=done or None, outcome_on=on.isoformat(),
                 outcome_by=work.actor)  # fmt: skip
        case.decision = {**(case.decision or {}), "complaint": c}
        case.final_response_on = on
        work.move(case, Status.COMPLETED, reason=f"complaint {OUTCOMES[key]}", outcome=Outcome.of_complaint(key))
        work.refresh_deadline(s, case)
        work.record(s, case, "complaint.outcome", {"outcome": key, "on": on.isoformat()})
        return work.finish(s, case)
