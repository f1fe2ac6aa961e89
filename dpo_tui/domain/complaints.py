"""Complaints to the controller: a case of its own, linked to the request it is about (issue 15; rights-requests.md 4).

The law (UK): Data Protection Act 2018 s.164A, inserted by the Data (Use and Access) Act 2025 s.103, in force
19 Jun 2026 (ICO guidance "Complaints to controllers"):
- s.164A(1)-(2): a data subject may complain to the controller about an infringement of the UK GDPR / DPA 2018 in
  connection with their personal data; the controller must facilitate complaints (e.g. an electronic form).
- s.164A(3)(a): acknowledge receipt "before the end of the period of 30 days beginning with the day on which the
  complaint is received": the day of receipt is day 1, so the last day is received + 29 days. The Act counts
  calendar days: no weekend or bank-holiday roll (nothing in s.164A or the Interpretation Act 1978 provides one).
- s.164A(3)(b)-(c): without undue delay, take appropriate steps to respond (including enquiries), keep the person
  informed, and tell them the outcome. No fixed date: the case shows none once acknowledged.

Elsewhere (EU GDPR, CCPA, and UK complaints received before 19 Jun 2026) no statute sets a period for a complaint to
the controller; the organisation's own target applies (policy `complaint_ack_days`, default 30, counted the same way)
and is labelled as such, never as law. Only UK complaints from 19 Jun 2026 get s.164A wording in letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dpo_tui.domain.clock import ClockState, Deadline
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import InvalidInput

S164A_FROM = date(2026, 6, 19)  # DPA 2018 s.164A commenced (Data (Use and Access) Act 2025 s.103)
S164A_ACK_DAYS = 30  # s.164A(3)(a)

OUTCOMES: dict[str, str] = {
    "upheld": "upheld",
    "partly_upheld": "partly upheld",
    "not_upheld": "not upheld",
}

_REGIME_NAMES = {"uk-gdpr": "the UK GDPR", "eu-gdpr": "the EU GDPR", "ccpa": "the CCPA"}


def statutory(regime: str, received: date) -> bool:
    """Does DPA 2018 s.164A govern this complaint? UK cases received on or after 19 Jun 2026 only."""
    return regime == "uk-gdpr" and received >= S164A_FROM


@dataclass(frozen=True)
class AckRule:
    days: int
    statutory: bool
    source: str  # what the explanation cites


def ack_rule(regime: str, received: date, policy_days: int = 30) -> AckRule:
    if statutory(regime, received):
        return AckRule(S164A_ACK_DAYS, True, "Data Protection Act 2018 s.164A(3)(a)")
    if policy_days < 1:
        raise InvalidInput("complaint_ack_days", f"must be at least 1 day, not {policy_days}")
    if regime == "uk-gdpr":
        why = f"s.164A applies to complaints received from {fmt(S164A_FROM)}"
    else:
        why = f"{_REGIME_NAMES.get(regime, regime)} sets no period for a complaint to the controller"
    return AckRule(policy_days, False, f"the organisation's target (policy complaint_ack_days; {why})")


def acknowledge_by(regime: str, received: date, policy_days: int = 30) -> date:
    """The last day to acknowledge: N days beginning with the day of receipt (day 1), calendar days."""
    return received + timedelta(days=ack_rule(regime, received, policy_days).days - 1)


def complaint_deadline(
    regime: str,
    received: date,
    *,
    acknowledged_on: date | None = None,
    closed_on: date | None = None,
    policy_days: int = 30,
) -> Deadline:
    """The dates of a complaint case, with the steps that produced them.

    Until acknowledged, the acknowledgement date is the case's due date (the queue sorts and colours by it). Once
    acknowledged the case has no fixed date: the outcome is due "without undue delay" (s.164A(3)(c))."""
    if acknowledged_on is not None and acknowledged_on < received:
        raise InvalidInput("acknowledged", f"{acknowledged_on.isoformat()} is before the complaint was received ({received.isoformat()})")
    rule = ack_rule(regime, received, policy_days)
    by = received + timedelta(days=rule.days - 1)
    kind = "statutory deadline" if rule.statutory else "not a statutory deadline"
    steps = [
        f"complaint received {fmt(received)} (day 1)",
        f"→ {rule.days} days beginning with that day, calendar days, no weekend or holiday roll ({rule.source}; {kind})",
        f"→ acknowledge by {fmt(by)}",
    ]
    due: date | None = by
    state = ClockState.RUNNING
    if acknowledged_on is not None:
        late = (acknowledged_on - by).days
        met = f"{late} day{'s' if late != 1 else ''} late" if late > 0 else "in time"
        steps.append(f"acknowledged {fmt(acknowledged_on)} ({met})")
        outcome_rule = "s.164A(3)(b)-(c)" if rule.statutory else "good practice"
        steps.append(f"outcome: without undue delay ({outcome_rule}); no fixed date")
        due = None
    if closed_on is not None:
        state = ClockState.ENDED
        steps.append(f"outcome given {fmt(closed_on)}")
    return Deadline(
        regime=regime,
        received=received,
        clock_start=received,
        state=state,
        paused_days=0,
        due=due,
        extension_notice_by=None,
        extended=False,
        extended_due=None,
        acknowledge_by=by,
        internal_target=None,
        explanation=tuple(steps),
        closed_on=closed_on,
        extendable=False,
        rights=("complaint",),
    )


def check_outcome(outcome: str, findings: str) -> tuple[str, str]:
    """A validated outcome key and the findings text (the person must be told what was found)."""
    key = (outcome or "").strip().lower().replace("-", "_").replace(" ", "_")
    if key not in OUTCOMES:
        raise InvalidInput("outcome", f"'{outcome}' is not an outcome (valid: {', '.join(OUTCOMES)})")
    text = " ".join((findings or "").split())
    if not text:
        raise InvalidInput("findings", "say what the enquiries found and why the complaint is " + OUTCOMES[key])
    return key, text


def check_grounds(grounds: str) -> str:
    text = " ".join((grounds or "").split())
    if not text:
        raise InvalidInput("grounds", "say what the person complains about (e.g. 'the reply to the access request left out the CCTV footage')")
    return text
