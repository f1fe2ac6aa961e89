"""The stable, versioned case schema `dpo-tui/case/1` (show --json, new --json, exports) and a plain-text view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dpo_tui.services.views import CaseDetail
from dpo_tui.domain.clock import ClockState

SCHEMA = "dpo-tui/case/1"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def deadline_json(detail: CaseDetail) -> dict[str, Any]:
    dl = detail.deadline
    return {
        "state": dl.state.value,
        "clock_start": _iso(dl.clock_start),
        "due": _iso(dl.due),
        "extended": dl.extended,
        "extended_due": _iso(dl.extended_due),
        "effective_due": _iso(dl.effective_due),
        "extension_notice_by": _iso(dl.extension_notice_by),
        "acknowledge_by": _iso(dl.acknowledge_by),
        "internal_target": _iso(dl.internal_target),
        "paused_days": dl.paused_days,
        "days_left": detail.days_left,
        "explanation": list(dl.explanation),
        # issue 15: every right's own dates (the headline above is the earliest), and a lapse revived by late ID
        "per_right": [
            {
                "right": rd.right,
                "state": rd.deadline.state.value,
                "due": _iso(rd.deadline.due),
                "extended_due": _iso(rd.deadline.extended_due),
                "effective_due": _iso(rd.deadline.effective_due),
                "paused_days": rd.deadline.paused_days,
            }
            for rd in dl.per_right
        ],
        "lapsed_due": _iso(dl.lapsed_due),
        "late_request": _iso(dl.late_request),
    }


def case_to_json(detail: CaseDetail) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "ref": detail.ref,
        # issue 15: a complaint to the organisation (DPA 2018 s.164A) is a case of its own, linked to its request
        "kind": detail.kind,
        "about": detail.about_ref,
        "complaints": list(detail.complaints),
        "status": detail.status,
        "outcome": detail.outcome,
        "regime": detail.regime,
        "calendar": {"country": detail.country, "subdivision": detail.subdivision},
        "rights": list(detail.rights),
        "channel": detail.channel,
        "requester": dict(detail.requester),
        "agent": dict(detail.agent),
        "description": detail.description,
        "assignee": detail.assignee,
        "received": _iso(detail.received),
        "final_response_on": _iso(detail.final_response_on),
        "created_at": _iso(detail.created_at),
        "updated_at": _iso(detail.updated_at),
        "closed_at": _iso(detail.closed_at),
        "version": detail.version,
        "deadline": deadline_json(detail),
        "clock_events": [
            {"kind": e.kind, "on": _iso(e.on), "reason": e.reason, "recorded_by": e.recorded_by, "recorded_at": _iso(e.recorded_at)}
            for e in detail.clock_events
        ],
        "identity": detail.identity,
        "decision": detail.decision,
        # issue 18: the evidence (names, sizes, hashes; never the bytes), the redaction log, packs built, deliveries
        "attachments": [a.as_json() for a in detail.attachments],
        "redaction_log": [r.as_json() for r in detail.redactions],
        "packs": [p.as_json() for p in detail.packs],
        "deliveries": [d.as_json() for d in detail.deliveries],
        "checklist": [
            {
                "key": i.key,
                "right": i.right,
                "system": i.system_key,
                "label": i.label,
                "state": i.state,
                "reason": i.reason,
                "search_terms": i.search_terms,
                "found": i.found,
                "note": i.note,
                "adhoc": i.adhoc,
                "by": i.done_by,
                "at": _iso(i.done_at),
            }
            for i in detail.checklist
        ],
        "letters": [
            {"id": l.id, "kind": l.kind, "channel": l.channel, "direction": l.direction, "sent_on": _iso(l.sent_on), "subject": l.subject, "body": l.body, "by": l.created_by}
            for l in detail.letters
        ],
        "notes": [{"body": n.body, "by": n.by, "at": _iso(n.at)} for n in detail.notes],
        "events": [
            {"seq": e.seq, "at": _iso(e.at), "actor": e.actor, "kind": e.kind, "details": e.payload, "hash": e.hash}
            for e in detail.events
        ],
    }


def _per_right_lines(dl: Any) -> list[str]:
    """`  access: Mon 20 Apr 2026 (18 paused days)` per right, when the rights of a case have different dates."""
    from dpo_tui.domain.dates import fmt

    dates = {(rd.deadline.effective_due, rd.deadline.state) for rd in dl.per_right}
    if len(dates) < 2:
        return []
    out = []
    for rd in dl.per_right:
        d = rd.deadline
        due = fmt(d.effective_due) if d.effective_due else "clock not started"
        paused = f" ({d.paused_days} paused day{'s' * (d.paused_days != 1)})" if d.paused_days else ""
        stopped = " (clock stopped)" if d.state is ClockState.STOPPED else ""
        out.append(f"  {rd.right}: {due}{paused}{stopped}")
    return out


def case_to_text(detail: CaseDetail, *, today: date) -> str:
    from dpo_tui.text import clean
    from dpo_tui.domain.dates import fmt, relative_days

    dl = detail.deadline
    left = f" ({relative_days(detail.days_left)})" if detail.days_left is not None and detail.is_open else ""
    clock = f"clock {dl.state.value.replace('_', ' ')}"
    # With no due date the clock state is the whole answer (and the explanation says what it waits for).
    due = f"{fmt(dl.effective_due)}{left}  {clock}" if dl.effective_due else f"none yet: {clock}"
    if detail.kind == "complaint" and not dl.effective_due:
        due = "no fixed date: acknowledged; the outcome is due without undue delay" if detail.is_open else "none: closed"
    lines = [
        f"{detail.ref}  {detail.status}  [{detail.regime}]"
        + (f"  complaint about {detail.about_ref}" if detail.kind == "complaint" else ""),
        *([f"Complaints: {', '.join(detail.complaints)}"] if detail.complaints else []),
        f"Requester: {clean(detail.requester['name'])}{_contact(detail)}",
        f"Rights:    {', '.join(detail.rights)}",
        f"Received:  {fmt(detail.received)} by {detail.channel}",
        f"Due:       {due}",
        *_per_right_lines(dl),
        f"Assignee:  {clean(detail.assignee) or '-'}",
        "",
        "How the due date was computed:",
        *[f"  {step}" for step in dl.explanation],
    ]
    if detail.final_response_on:
        lines.insert(5, f"Response:  {fmt(detail.final_response_on)}")
    c = (detail.decision or {}).get("complaint") or {}
    if detail.kind == "complaint":
        lines += ["", "Complaint:"]
        lines.append(f"  acknowledged {c['acknowledged_on']} ({c.get('acknowledged_how')})" if c.get("acknowledged_on") else "  not acknowledged yet")
        if c.get("outcome"):
            lines.append(f"  outcome {c.get('outcome_on')}: {c.get('outcome_label')}: {clean(c.get('findings') or '')}")
    b = ((detail.decision or {}).get("objection") or {}).get("balancing") or {}
    if b:
        lines += ["", f"Balancing test (Art 21(1)), {b.get('on')} by {clean(b.get('by') or '')}: {b.get('outcome_label')}",
                  f"  their situation: {clean(b.get('situation') or '')}"]
        if b.get("grounds"):
            lines.append(f"  our grounds:     {clean(b['grounds'])}")
        if b.get("restriction"):
            lines.append(f"  processing restricted since {b.get('restricted_since')} (Art 18(1)(d))")
    if detail.description:
        lines += ["", "What they complain about:" if detail.kind == "complaint" else "Request:", *[f"  {clean(l)}" for l in detail.description.splitlines()]]
    if detail.checklist:
        # Numbered as `dpo-tui attach REF FILE --item N` takes them.
        lines += ["", "Checklist:"]
        marks = {"done": "x", "na": "-"}
        lines += [f"  {n:>2}. [{marks.get(i.state, ' ')}] {clean(i.label)}" for n, i in enumerate(detail.checklist, 1)]
    return "\n".join(lines)


def _contact(detail: CaseDetail) -> str:
    """" <email>" (or the phone, or the postal address on one line), then " via agent (kind, contact)"."""
    from dpo_tui.text import clean

    r, a = detail.requester, detail.agent
    reach = r.get("email") or r.get("phone") or ", ".join((r.get("address") or "").splitlines())
    out = f" <{clean(reach)}>" if reach else ""
    if a.get("name"):
        extra = ", ".join(clean(v).replace("_", " ") if k == "kind" else clean(v) for k, v in a.items() if k != "name" and v)
        out += f"  via {clean(a['name'])}" + (f" ({extra})" if extra else "")
    return out
