"""Decisions on a request: "manifestly unfounded or excessive", fees, refusals (rights-requests.md section 4).

Pure: no database, no settings object. The services (dpo_tui.services.decisions) store what is decided here in
`Case.decision`, a JSON dict whose schema is written down once, below, so that a DPO can defend each decision to a
regulator from the record alone.

Case.decision (every key optional; dates ISO strings; money strings with 2 decimals, e.g. "12.50"):

    {
      "kind": "comply" | "fee" | "refuse" | "refuse_in_part",        # the latest decision taken
      "assessment": {                                                 # the `a` walkthrough
        "on": "2026-11-20", "by": "dpo",
        "finding": "manifestly_unfounded" | "manifestly_excessive" | "manifestly_unfounded_and_excessive" | "none",
        "grounds": [{"key": "no_intention", "category": "unfounded", "label": "...", "evidence": "..."}],
        "warnings": ["..."],                                          # soft warnings shown when it was decided
        "note": "...",
        "facts": {"window_from": "2025-11-20",
                  "earlier": [{"ref", "received", "rights": [...], "status", "matched_by": ["email", "name"]}],
                  "open_overlap": [{... same, "shared_rights": [...]}]},
      },
      "fee": {                                                        # manifestly unfounded/excessive fee
        "currency": "GBP", "lines": [{"kind", "label", "quantity", "unit_cost", "amount"}], "total": "37.50",
        "requested_on": "...", "basis": "<finding>",
        "paid": null | {"amount": "37.50", "on": "..."},
      },
      "further_copies": [{"currency", "lines", "total", "requested_on", "paid": null | {...}, "note"}],
      "refusal": {
        "scope": "whole" | "partial", "items": [{"item": "...", "ground": "..."}], "reasons": "...", "on": "...",
        "deadline": "..." | null, "deadline_explanation": "...", "late": false,
        "authority": {"name", "website", "phone", "address"},        # snapshot from the settings when refused
        "judicial_remedy": "...", "complain_to_controller": "..." | null,
      },
      "extension": {"reason": "complex" | "several_requests", "told_on", "note", "due_before", "due_after"},
      "clarification": {"rounds": [{"question", "purpose": "identify", "asked_on", "stops_clock": bool,
                                    "answer": null | "...", "answered_on": null | "..."}]},
    }
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.states import DecisionKind, RefusalScope

# ---------------------------------------------------------------------------------------------------------------
# Refusals to act (each message says why and what to do instead)
# ---------------------------------------------------------------------------------------------------------------


class DecisionRefused(DomainError):
    """The law does not allow this decision here."""


class FeeRefused(DecisionRefused):
    """No fee may be charged (the first response is free)."""


class ClarificationRefused(DecisionRefused):
    """The question does not allow the clock to stop (format only), or one is already outstanding."""


class RefusalIncomplete(DecisionRefused):
    """A refusal (or its letter) lacks something the law requires."""


# ---------------------------------------------------------------------------------------------------------------
# The ICO indicators, as structured grounds
# ---------------------------------------------------------------------------------------------------------------

UNFOUNDED, MALICIOUS, EXCESSIVE = "unfounded", "malicious", "excessive"
CATEGORY_LABELS = {
    UNFOUNDED: "Manifestly unfounded: no real intention to exercise the right",
    MALICIOUS: "Manifestly unfounded: malicious intent, to harass or disrupt",
    EXCESSIVE: "Manifestly excessive: clearly unreasonable compared with the burden",
}


@dataclass(frozen=True)
class Ground:
    key: str
    category: str  # UNFOUNDED | MALICIOUS | EXCESSIVE
    label: str
    hint: str  # what evidence looks like


GROUNDS: tuple[Ground, ...] = (
    Ground("no_intention", UNFOUNDED, "No intention to exercise the right",
           "e.g. says they do not want the data, only to cause cost"),
    Ground("offers_withdrawal", UNFOUNDED, "Offers to withdraw the request for a benefit",
           "e.g. email of 3 Nov offering to drop it for a refund"),
    Ground("stated_malice", MALICIOUS, "States an intention to cause disruption",
           "quote what they wrote and where"),
    Ground("unsubstantiated_accusations", MALICIOUS, "Makes unsubstantiated accusations against the organisation",
           "the accusations and why they are unsubstantiated"),
    Ground("targets_employee", MALICIOUS, "Targets a particular employee",
           "who, and the personal grudge shown"),
    Ground("systematic_campaign", MALICIOUS, "Part of a systematic campaign of requests (e.g. weekly)",
           "the pattern: dates and references of the other requests"),
    Ground("repetition", EXCESSIVE, "Repeats a request without a reasonable interval",
           "the earlier request, its date and that nothing has changed since"),
    Ground("overlap", EXCESSIVE, "Overlaps with other requests",
           "which open requests cover the same data"),
    Ground("burden", EXCESSIVE, "Burden clearly out of proportion to the benefit to the person",
           "nature of the information, context, harm to the person if refused"),
    Ground("resources", EXCESSIVE, "Disproportionate for the organisation's resources",
           "the effort in hours and why the organisation cannot absorb it"),
)  # fmt: skip
GROUNDS_BY_KEY = {g.key: g for g in GROUNDS}

REMINDER = (
    "Not a tick-list: volume alone, or abusive language alone, is not enough. Decide this request on its own "
    "facts and keep the evidence: the organisation carries the burden of proof."
)

DECISION_KINDS = tuple(k.value for k in DecisionKind)
DECISION_LABELS = {
    DecisionKind.COMPLY: "Comply (the first response is free)",
    DecisionKind.FEE: "Charge a reasonable fee",
    DecisionKind.REFUSE: "Refuse the whole request",
    DecisionKind.REFUSE_IN_PART: "Refuse in part",
}
FINDING_LABELS = {
    "none": "not manifestly unfounded or excessive",
    "manifestly_unfounded": "manifestly unfounded",
    "manifestly_excessive": "manifestly excessive",
    "manifestly_unfounded_and_excessive": "manifestly unfounded and excessive",
}

# Grounds a refused item may cite (suggestions; free text is allowed too).
ITEM_GROUNDS = (
    "manifestly unfounded",
    "manifestly excessive",
    "third-party personal data (DPA 2018 Sch 2 para 16)",
    "legal professional privilege (DPA 2018 Sch 2 para 19)",
    "crime and taxation (DPA 2018 Sch 2 para 2)",
    "management forecasting (DPA 2018 Sch 2 para 22)",
    "negotiations (DPA 2018 Sch 2 para 23)",
    "confidential references (DPA 2018 Sch 2 para 24)",
)

CLARIFICATION_PURPOSES = {
    "identify": "to identify the information or processing the request is about",
    "format": "about the format of the reply only",
}


@dataclass(frozen=True)
class ChosenGround:
    key: str
    evidence: str


@dataclass(frozen=True)
class Assessment:
    kind: str
    finding: str
    grounds: tuple[dict[str, str], ...]  # ready for JSON: key, category, label, evidence
    warnings: tuple[str, ...]


def finding_of(keys: Iterable[str]) -> str:
    cats = {GROUNDS_BY_KEY[k].category for k in keys if k in GROUNDS_BY_KEY}
    unfounded = bool(cats & {UNFOUNDED, MALICIOUS})
    excessive = EXCESSIVE in cats
    if unfounded and excessive:
        return "manifestly_unfounded_and_excessive"
    if unfounded:
        return "manifestly_unfounded"
    if excessive:
        return "manifestly_excessive"
    return "none"


def is_manifest(finding: str | None) -> bool:
    return bool(finding) and finding != "none"


def assessment_warnings(keys: Sequence[str]) -> list[str]:
    """Soft warnings (the decision may still be taken, the record keeps them)."""
    ks = set(keys)
    out = []
    if ks and ks <= {"resources"}:
        out.append(
            "Volume alone is not enough: the organisation's resources are one factor; weigh them against the nature "
            "of the information, the context and the harm to the person if refused."
        )
    if ks and ks <= {"stated_malice"}:
        out.append(
            "Abusive language alone is not enough: show that the person means to cause disruption, not only that "
            "they are angry."
        )
    return out


def validate_assessment(kind: str, grounds: Sequence[ChosenGround] | Mapping[str, str]) -> Assessment:
    """Check an assessment and return it ready to store; raises DecisionRefused/InvalidInput naming the problem."""
    if kind not in DECISION_KINDS:
        raise InvalidInput("decision", f"unknown decision '{kind}' (valid: {', '.join(DECISION_KINDS)})")
    chosen = [ChosenGround(k, v) for k, v in grounds.items()] if isinstance(grounds, Mapping) else list(grounds)
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    for g in chosen:
        if g.key not in GROUNDS_BY_KEY:
            raise InvalidInput("ground", f"unknown ground '{g.key}' (valid: {', '.join(GROUNDS_BY_KEY)})")
        if g.key in seen:
            continue
        seen.add(g.key)
        evidence = " ".join((g.evidence or "").split())
        ground = GROUNDS_BY_KEY[g.key]
        if not evidence:
            raise DecisionRefused(
                f"evidence: '{ground.label}' is chosen but has no evidence; write what shows it "
                f"({ground.hint}) or untick it"
            )
        rows.append({"key": g.key, "category": ground.category, "label": ground.label, "evidence": evidence})
    finding = finding_of(seen)
    if kind in (DecisionKind.FEE, DecisionKind.REFUSE) and not is_manifest(finding):
        what = "charge a fee" if kind == DecisionKind.FEE else "refuse the request"
        raise DecisionRefused(
            f"decision: to {what} the request must be manifestly unfounded or excessive; tick the grounds that show "
            "it, each with its evidence, or choose comply (the first response is free)"
        )
    return Assessment(kind, finding, tuple(rows), tuple(assessment_warnings([r["key"] for r in rows])))


# ---------------------------------------------------------------------------------------------------------------
# Fee arithmetic
# ---------------------------------------------------------------------------------------------------------------

CENT = Decimal("0.01")
FEE_LINE_KINDS = {
    "staff_time": "Staff time (hours)",
    "copies": "Copies (pages)",
    "printing": "Printing (pages)",
    "postage": "Postage",
    "other": "Other costs",
}


def money(value: Any) -> Decimal:
    """A Decimal rounded to 2 places (half up). Accepts str, int, float (via str) or Decimal."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        d = Decimal(str(value))
    else:
        try:
            d = Decimal(str(value).strip().replace(",", "")) if str(value).strip() else Decimal(0)
        except InvalidOperation:
            raise InvalidInput("amount", f"'{value}' is not a number") from None
    if not d.is_finite():
        raise InvalidInput("amount", f"'{value}' is not a number")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: Any, what: str) -> Decimal:
    try:
        d = Decimal(str(value).strip()) if str(value).strip() else Decimal(0)
    except InvalidOperation:
        raise InvalidInput(what, f"'{value}' is not a number") from None
    if not d.is_finite() or d < 0:
        raise InvalidInput(what, f"must be a number of 0 or more, not '{value}'")
    return d


@dataclass(frozen=True)
class FeeLine:
    kind: str
    label: str
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "quantity": format(self.quantity.normalize(), "f"),
            "unit_cost": str(self.unit_cost),
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class FeeBreakdown:
    currency: str
    lines: tuple[FeeLine, ...]

    @property
    def total(self) -> Decimal:
        return money(sum((l.amount for l in self.lines), Decimal(0)))

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "lines": [l.to_json() for l in self.lines], "total": str(self.total)}


def fee_breakdown(
    *,
    currency: str,
    hourly_rate: Any,
    per_page_copy: Any,
    per_page_print: Any,
    postage: Any,
    hours: Any = 0,
    copy_pages: Any = 0,
    print_pages: Any = 0,
    postal_items: Any = 0,
    other: Sequence[tuple[str, Any]] = (),
) -> FeeBreakdown:
    """The fee: staff hours × rate, copies, printing, postage (per item), other costs. Zero lines are dropped.

    Each line is rounded to 2 dp (half up), and the total is the sum of the rounded lines, so the letter adds up.
    """
    lines: list[FeeLine] = []

    def add(kind: str, qty: Any, unit: Any, label: str | None = None) -> None:
        q = quantity(qty, FEE_LINE_KINDS[kind].split(" (")[0].lower())
        u = money(unit)
        if u < 0:
            raise InvalidInput(kind, "a rate cannot be negative")
        amount = money(q * u)
        if amount > 0:
            lines.append(FeeLine(kind, label or FEE_LINE_KINDS[kind], q, u, amount))

    add("staff_time", hours, hourly_rate)
    add("copies", copy_pages, per_page_copy)
    add("printing", print_pages, per_page_print)
    add("postage", postal_items, postage)
    for label, amount in other:
        a = money(amount)
        if a < 0:
            raise InvalidInput("other costs", "an amount cannot be negative")
        if a > 0:
            text = " ".join((label or "").split())
            if not text:
                raise InvalidInput("other costs", "say what the cost is for (equipment, courier, ...)")
            lines.append(FeeLine("other", text, Decimal(1), a, a))
    return FeeBreakdown(currency, tuple(lines))


def breakdown_from_settings(fees: Any, **quantities: Any) -> FeeBreakdown:
    """fee_breakdown with the rates of `settings.fees` (currency, hourly_rate, per_page_copy, per_page_print, postage)."""
    return fee_breakdown(
        currency=fees.currency,
        hourly_rate=fees.hourly_rate,
        per_page_copy=fees.per_page_copy,
        per_page_print=fees.per_page_print,
        postage=fees.postage,
        **quantities,
    )


def format_money(amount: Any, currency: str) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency)
    value = money(amount)
    return f"{symbol}{value:,.2f}" if symbol else f"{value:,.2f} {currency}"


# ---------------------------------------------------------------------------------------------------------------
# Refusals: deadline and the content the notice must carry
# ---------------------------------------------------------------------------------------------------------------

UK_CONTROLLER_COMPLAINTS_FROM = date(2026, 6, 19)  # Data (Use and Access) Act 2025: complain to the controller first
JUDICIAL_REMEDY = "You also have the right to seek a judicial remedy: you may apply to a court."
COMPLAIN_TO_CONTROLLER = (
    "You may complain to us first: write to our Data Protection Officer and we will acknowledge your complaint "
    "within 30 days and respond without undue delay (Data Protection Act 2018 s.164A)."
)


def refusal_deadline(regime: str, deadline: Any) -> tuple[date | None, str]:
    """When a refusal must reach the person, with the rule. `deadline` is the case's clock.Deadline.

    EU GDPR: within one month, no extension applies to a refusal (Art 12(4)). UK GDPR: before the end of the
    applicable time period, which includes a notified extension. CCPA (and other regimes): the response period.
    """
    if regime == "eu-gdpr":
        due = deadline.due
        if due is None:
            return None, "EU GDPR: within one month of receipt; the clock has not started"
        return due, f"EU GDPR Art 12(4): by {fmt(due)}, one month; no extension applies to a refusal"
    due = deadline.effective_due
    if due is None:
        return None, "no deadline yet: the clock has not started (awaiting ID, authority or fee)"
    if regime == "uk-gdpr":
        ext = " (includes the notified extension)" if deadline.extended else ""
        return due, f"UK GDPR: before the end of the applicable time period, {fmt(due)}{ext}"
    ext = ", extended" if deadline.extended else ""
    return due, f"{regime}: within the response period{ext}, by {fmt(due)}"


def complain_to_controller_required(regime: str, on: date) -> bool:
    return regime == "uk-gdpr" and on >= UK_CONTROLLER_COMPLAINTS_FROM


def refusal_content_problems(decision: Mapping[str, Any], regime: str, on: date) -> list[str]:
    """What a refusal notice dated `on` would lack; [] when it may be issued.

    Looks at `decision["refusal"]` as the services store it: the reasons; the supervisory authority with its
    contact details; the right to a judicial remedy; for UK cases from 19 Jun 2026 the right to complain to the
    organisation first; for a partial refusal, every item with its ground.
    """
    problems: list[str] = []
    refusal = DecisionRecord.from_json(decision if isinstance(decision, Mapping) else None).refusal
    if refusal is None:
        return ["no refusal is recorded on the case: refuse it first (the assessment walkthrough, key a)"]
    if not refusal.reasons_text:
        problems.append("the reasons for the refusal are missing")
    if refusal.scope is RefusalScope.PARTIAL and not refusal.items:
        problems.append("a partial refusal must list each item withheld with its ground")
    for i, item in enumerate(refusal.items, start=1):
        if not item.item.strip():
            problems.append(f"refused item {i} does not say what is withheld")
        if not item.ground.strip():
            problems.append(f"refused item {i} ('{item.item}') has no ground")
    authority = refusal.authority
    if not authority.name:
        problems.append(
            "the right to complain to the supervisory authority is missing: no authority is named"
            + (" (UK: the Information Commissioner's Office)" if regime == "uk-gdpr" else "")
        )
    elif not authority.has_contact:
        problems.append(f"the supervisory authority ({authority.name}) has no contact details in the settings")
    if regime != "uk-gdpr" and "information commissioner" in authority.name.lower():
        problems.append(
            f"the notice names the Information Commissioner's Office for a {regime} case: name the case's own "
            "supervisory authority (EU: the member state's; CCPA: the California Privacy Protection Agency)"
        )
    if not (refusal.judicial_remedy or "").strip():
        problems.append("the right to seek a judicial remedy is missing")
    if complain_to_controller_required(regime, on) and not str(refusal.complain_to_controller or "").strip():
        problems.append(
            "UK cases from 19 Jun 2026: the notice must say the person may complain to the organisation first"
        )
    return problems


def refusal_notice_block(
    authority: Any, regime: str, on: date, *, country: str | None = None, org_regime: str = "uk-gdpr"
) -> dict[str, Any]:
    """The statutory statements a refusal carries (rights-requests.md 4), for the case's own regime (issue 15):
    uk-gdpr: the ICO (the settings' authority where the organisation is itself under uk-gdpr), UK GDPR Art 79 / DPA
    2018 s.167, and from 19 Jun 2026 the s.164A complaint to the organisation; eu-gdpr: the authority of the case's
    member state (`country`; GDPR Arts 77 and 79); ccpa: the CPPA and the Attorney General. Never the ICO for a
    non-UK case."""
    from dpo_tui.domain.authorities import authority_for
    from dpo_tui.domain.wording import complaint_sentence, wording_for

    try:
        found = authority_for(regime, country, authority, org_regime)
    except DomainError:
        found = None  # refusal_content_problems then says the authority is missing
    auth = {k: str(getattr(found, k, "") or "").strip() for k in ("name", "website", "phone", "address", "note", "also")}
    return {
        "authority": auth,
        "complaint": complaint_sentence(regime, found) if found else "",
        "judicial_remedy": wording_for(regime).judicial_remedy,
        "complain_to_controller": COMPLAIN_TO_CONTROLLER if complain_to_controller_required(regime, on) else None,
    }


def clean_items(items: Iterable[tuple[str, str] | Mapping[str, str]]) -> list[dict[str, str]]:
    out = []
    for n, raw in enumerate(items, start=1):
        item, ground = (raw.get("item", ""), raw.get("ground", "")) if isinstance(raw, Mapping) else raw
        item, ground = " ".join((item or "").split()), " ".join((ground or "").split())
        if not item and not ground:
            continue
        if not item:
            raise RefusalIncomplete(f"item {n}: say what is withheld (ground given: {ground})")
        if not ground:
            raise RefusalIncomplete(f"item {n} ({item}): give the ground it is withheld on (an exemption, or manifestly unfounded/excessive)")
        out.append({"item": item, "ground": ground})
    return out
