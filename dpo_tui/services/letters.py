"""Letters to the requester: which apply to a case, drafting them from templates, saving them as correspondence.

`render_letter` never writes; `save_letter` is one user action (the correspondence row and its audit event in one
transaction); `write_letter` puts a draft in a file readable by the owner only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.letters import KINDS, LetterKind, LetterRefused, Trusted, environment, kind_of, why_not
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient

FORMATS = ("md", "txt")
UK_COMPLAIN_TO_CONTROLLER_FROM = date(2026, 6, 19)


@dataclass(frozen=True)
class Draft:
    ref: str
    kind: str
    subject: str
    body: str  # Markdown; requester text escaped

    def as_text(self, fmt_: str = "md") -> str:
        """The whole letter as a file: a Markdown heading or a plain `Subject:` line, then the body."""
        from dpo_tui.exports.escape import clean, md_unescape

        if fmt_ == "md":
            return f"# {' '.join(self.subject.split())}\n\n{self.body.rstrip()}\n"
        if fmt_ == "txt":
            return clean(f"Subject: {md_unescape(self.subject)}\n\n{_plain(self.body).rstrip()}\n")
        raise InvalidInput(f"format: '{fmt_}' is not a letter format (use md or txt)")


@dataclass(frozen=True)
class LetterChoice:
    kind: str
    title: str
    purpose: str
    applies: bool
    reason: str | None  # why not, when it does not apply


def _plain(body: str) -> str:
    from dpo_tui.exports.escape import md_unescape

    lines = []
    for line in body.split("\n"):
        if line.startswith("## "):
            line = line[3:].upper()
        line = line.replace("**", "")
        lines.append(md_unescape(line))
    return "\n".join(lines)


def letter_choices(work: Any, ref: str) -> list[LetterChoice]:
    """Every kind, with whether it applies to the case and why not."""
    detail = work.get(ref, with_events=False)
    today = work.today()
    out = []
    for kind in KINDS.values():
        reason = kind.check(detail, today)
        out.append(LetterChoice(kind.key, kind.title, kind.purpose, reason is None, reason))
    return out


def available_letters(work: Any, ref: str) -> list[LetterKind]:
    """The kinds of letter that apply to the case now."""
    return [KINDS[c.kind] for c in letter_choices(work, ref) if c.applies]


def render_letter(work: Any, ref: str, kind: str) -> Draft:
    """Fill the template for `kind` from the case and the organisation profile; refuses where it does not apply."""
    letter = kind_of(kind)
    detail = work.get(ref, with_events=False)
    today = work.today()
    reason = why_not(letter.key, detail, today)
    if reason is not None:
        raise LetterRefused(f"{letter.title} does not apply to {detail.ref}: {reason}")
    env = environment(work.settings.config_dir / "letters")
    import jinja2

    try:
        template = env.get_template(f"{letter.key}.md.j2")
        text = template.render(**letter_context(detail, work.settings, today, kind=letter.key))
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or f"{letter.key}.md.j2"
        line = getattr(exc, "lineno", None)
        raise InvalidInput(f"letter template {where}{f':{line}' if line else ''}: {exc.message or exc}") from None
    subject, body = _split(text, letter.title, detail.ref)
    return Draft(detail.ref, letter.key, subject, body)


def _split(text: str, title: str, ref: str) -> tuple[str, str]:
    first, _, rest = text.lstrip("\n").partition("\n")
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        body = rest.lstrip("\n")
    else:
        subject, body = f"{title} ({ref})", text
    # No more than one blank line in a row: conditional blocks leave gaps.
    lines: list[str] = []
    for line in body.rstrip().split("\n"):
        line = line.rstrip()
        if line == "" and lines and lines[-1] == "":
            continue
        lines.append(line)
    return subject, "\n".join(lines) + "\n"


@retry_transient
def save_letter(
    work: Any,
    ref: str,
    kind: str,
    subject: str,
    body: str,
    channel: str = "email",
    sent_on: date | None = None,
    *,
    version: int,
) -> CaseDetail:
    """Keep the letter as sent (correspondence) with its audit event, in one transaction."""
    from dpo_tui.services.casework import CHANNELS, lock_case
    from dpo_tui.store.models import Letter

    letter = kind_of(kind)
    sent_on = sent_on or work.today()
    if channel not in CHANNELS:
        raise InvalidInput(f"channel: unknown channel '{channel}' (valid: {', '.join(CHANNELS)})")
    if not body.strip():
        raise InvalidInput("body: the letter is empty")
    if sent_on > work.today():
        raise InvalidInput(f"date sent: {sent_on.isoformat()} is in the future")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if sent_on < case.received:
            raise InvalidInput(f"date sent: {sent_on.isoformat()} is before the request was received ({case.received.isoformat()})")
        row = Letter(
            case_id=case.id,
            kind=letter.key,
            channel=channel,
            direction="out",
            sent_on=sent_on,
            subject=subject.strip(),
            body=body,
            created_by=work.actor,
        )
        s.add(row)
        s.flush()
        work.record(
            s,
            case,
            "letter.saved",
            {"letter_id": row.id, "kind": letter.key, "channel": channel, "sent_on": sent_on.isoformat(), "subject": subject.strip(), "length": len(body)},
        )
        return work.finish(s, case)


def write_letter(draft: Draft, path: Path, fmt_: str = "md") -> Path:
    """Write the letter as Markdown or plain text, owner-only (0600)."""
    from dpo_tui.paths import write_private

    if fmt_ not in FORMATS:
        raise InvalidInput(f"format: '{fmt_}' is not a letter format (use md or txt)")
    return write_private(Path(path), draft.as_text(fmt_))


def format_for(path: Path) -> str:
    return "txt" if Path(path).suffix.lower() == ".txt" else "md"


# ---- the template context ---------------------------------------------------------------------------------------

_REASON_WORDS = {
    "complex": "a request is complex",
    "several_requests": "a person has made a number of requests",
}


def letter_context(detail: CaseDetail, settings: Any, today: date, *, kind: str = "") -> dict[str, Any]:
    """Everything a template may use. Trusted = organisation or app text; everything else is escaped on output."""
    from dpo_tui.domain.checklist import art15_supplementary

    org = settings.organisation
    auth = org.supervisory_authority
    dl = detail.deadline
    rights = []
    for r in detail.rights:
        try:
            rights.append(Right(r))
        except ValueError:
            continue
    words = [f"right of {r.label.lower()} ({r.article})" if r is not Right.WITHDRAW_CONSENT else f"right to withdraw consent ({r.article})" for r in rights]
    if len(words) > 1:
        rights_words = ", ".join(words[:-1]) + " and " + words[-1]
    else:
        rights_words = words[0] if words else "rights"
    if len(words) > 1:
        rights_words = "rights: " + rights_words
    decision = dict(detail.decision or {})
    identity = dict(detail.identity or {})
    asked = identity.get("asked_for") or identity.get("requested") or identity.get("what_to_ask") or []
    if isinstance(asked, str):
        asked = [a.strip() for a in asked.split("\n") if a.strip()]
    clar = _last_clarification(decision)
    ctx: dict[str, Any] = {
        "today": Trusted(fmt(today)),
        "regime": detail.regime,
        "case": {
            "ref": Trusted(detail.ref),
            "received": Trusted(fmt(detail.received)),
            "rights": [Trusted(r.label) for r in rights],
            "rights_words": Trusted(rights_words),
            "status": Trusted(detail.status.replace("_", " ")),
            "channel": Trusted(detail.channel),
        },
        "requester": {
            "name": detail.requester.get("name") or "",
            "email": detail.requester.get("email") or "",
            "address": detail.requester.get("address") or "",
        },
        "description": detail.description,
        "org": {
            "name": Trusted(org.name),
            "dpo_name": Trusted(org.dpo_name),
            "dpo_email": Trusted(org.dpo_email),
            "address": Trusted(org.address),
        },
        "authority": {
            "name": Trusted(auth.name),
            "website": Trusted(auth.website),
            "phone": Trusted(auth.phone),
            "address": Trusted(auth.address),
        },
        "due": Trusted(fmt(dl.effective_due)) if dl.effective_due else None,
        "legal_due": Trusted(fmt(dl.due)) if dl.due else None,
        "extended_due": Trusted(fmt(dl.extended_due)) if dl.extended_due else None,
        "identity_settled": identity.get("status") in ("verified", "not_needed") or identity.get("needed") is False,
        "identity": {"asked_for": list(asked), "reason": identity.get("failure_reason") or identity.get("outcome_reason") or identity.get("reason_failed")},
        "clarification": {"question": clar.get("question")},
        "fee": _fee_context(decision, settings),
        "extension": _extension_context(decision, dl),
        "refusal": _refusal_context(decision, detail, today),
        "access": "access" in detail.rights,
        "art15": [(Trusted(h), Trusted(t)) for h, t in art15_supplementary(org)] if "access" in detail.rights else [],
        "searched": _systems(detail, org, None),
        "erased": _systems(detail, org, "erasure"),
        "notified": _notified(detail, org),
        "marketing": _marketing(detail),
        "actions": _actions(detail),
    }
    return ctx


def _last_clarification(decision: dict[str, Any]) -> dict[str, Any]:
    value = decision.get("clarification") or decision.get("clarifications") or []
    if isinstance(value, dict):
        value = value.get("rounds") or [value]
    value = [c for c in value if isinstance(c, dict)]
    return value[-1] if value else {}


def _money(amount: Any, currency: str) -> Trusted:
    try:
        value = float(amount)
    except (TypeError, ValueError):
        return Trusted(str(amount))
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return Trusted(f"{symbol}{value:,.2f}")


def _fee_context(decision: dict[str, Any], settings: Any) -> dict[str, Any]:
    fee = decision.get("fee") if isinstance(decision.get("fee"), dict) else {}
    currency = fee.get("currency") or settings.fees.currency
    lines = []
    raw = fee.get("lines") or fee.get("breakdown") or []
    if isinstance(raw, dict):
        raw = [{"label": k, "amount": v} for k, v in raw.items()]
    for line in raw:
        if isinstance(line, dict):
            lines.append({"label": line.get("label") or line.get("item") or line.get("description") or "", "amount": _money(line.get("amount"), currency)})
    total = fee.get("total", fee.get("amount"))
    if total is None and raw:
        try:
            total = sum(float(l.get("amount") or 0) for l in raw if isinstance(l, dict))
        except (TypeError, ValueError):
            total = None
    why = fee.get("why") or fee.get("reason")
    if not why:
        why = Trusted(
            "We may charge a reasonable fee where a request is manifestly unfounded or excessive, or for further "
            "copies of information we have already provided, and that applies to this request."
        )
    return {"lines": lines, "total": _money(total, currency) if total is not None else Trusted("to be confirmed"), "why": why}


def _extension_context(decision: dict[str, Any], dl: Any) -> dict[str, Any]:
    ext = decision.get("extension") if isinstance(decision.get("extension"), dict) else {}
    reason = ext.get("reason") or dl.extension_reason or "complex"
    return {"reason_words": Trusted(_REASON_WORDS.get(reason, "a request is complex")), "note": ext.get("note") or ext.get("explanation")}


def _refusal_context(decision: dict[str, Any], detail: CaseDetail, today: date) -> dict[str, Any]:
    refusal = decision.get("refusal") if isinstance(decision.get("refusal"), dict) else {}
    reasons = refusal.get("reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    items = []
    for item in refusal.get("items") or []:
        if isinstance(item, dict):
            items.append({"what": item.get("item") or item.get("what") or "", "ground": item.get("ground") or ""})
    partial = refusal.get("scope") == "partial" or decision.get("kind") == "refuse_in_part"
    complain = refusal.get("complain_to_controller")
    if complain is None and detail.regime == "uk-gdpr" and today >= UK_COMPLAIN_TO_CONTROLLER_FROM:
        complain = True
    return {
        "reasons": list(reasons),
        "withheld": items,
        "partial": partial,
        "complain_to_us": bool(complain),
        "complain_to_us_text": complain if isinstance(complain, str) else None,
        "judicial_remedy_text": refusal.get("judicial_remedy"),
    }


def _system_name(org: Any, key: str | None) -> str | None:
    if not key:
        return None
    for s in org.systems:
        if s.key == key:
            return s.name
    return key


def _systems(detail: CaseDetail, org: Any, right: str | None) -> list[Trusted]:
    names: list[Trusted] = []
    for item in detail.checklist:
        if item.state != "done" or not item.system_key:
            continue
        if right is not None and item.right != right:
            continue
        system = next((s for s in org.systems if s.key == item.system_key), None)
        if system is not None and system.role.value == "recipient":
            continue
        name = Trusted(_system_name(org, item.system_key) or "")
        if name and name not in names:
            names.append(name)
    return names


def _notified(detail: CaseDetail, org: Any) -> list[Trusted]:
    names: list[Trusted] = []
    for item in detail.checklist:
        if item.state != "done" or not item.system_key or item.right not in ("erasure", "rectification", "restriction"):
            continue
        system = next((s for s in org.systems if s.key == item.system_key), None)
        if system is not None and system.role.value == "recipient":
            name = Trusted(system.name)
            if name not in names:
                names.append(name)
    return names


def _marketing(detail: CaseDetail) -> bool:
    text = (detail.description or "").lower()
    if any(w in text for w in ("marketing", "unsubscribe", "newsletter", "emails", "opt out", "opt-out")):
        return True
    return any("marketing" in (i.key or "") or "suppress" in (i.key or "") for i in detail.checklist if i.right == "objection")


_ACTION_WORDS = {
    "rectification": "We have corrected the personal data you told us was inaccurate or incomplete, and told anyone we had disclosed it to.",
    "erasure": "We have erased your personal data as you asked; a separate letter confirms where.",
    "restriction": "We have restricted our use of your personal data: we will store it but not otherwise use it while the restriction applies.",
    "portability": "The personal data you provided to us is enclosed in a structured, commonly used, machine-readable format.",
    "objection": "We have recorded your objection; a separate letter confirms what we have done.",
    "automated_decision": "We have reviewed the decision with human involvement, as you asked.",
    "withdraw_consent": "We have recorded that you withdrew your consent, and have stopped the processing that relied on it.",
}


def _actions(detail: CaseDetail) -> list[Trusted]:
    return [Trusted(_ACTION_WORDS[r]) for r in detail.rights if r in _ACTION_WORDS]
