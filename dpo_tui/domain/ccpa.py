"""California CCPA/CPRA rules that are not deadlines (issue 15).

Repeat requests to know: "A business shall not be obligated to provide the information required by Sections
1798.110 and 1798.115 to the same consumer more than twice in a 12-month period" (Cal. Civ. Code 1798.130(b); the
CPPA regulations, 11 CCR 7024). The software only detects and offers it: declining is a decision the DPO records.

What counts (policy of this module, documented so a reader can check it): earlier ccpa requests to know (`access`)
from the same person (same email or name), received in the 12 months before this one, that were not withdrawn or
refused (the statute speaks of information *provided*; an open request will be answered, so it counts too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from dpo_tui.domain.lifecycle import Status

# Rights answered in business days, not the 45-day period, with no extension and no verification (rights-requests.md
# 2.3): opt-out of sale/sharing (11 CCR 7026(f)) and limit the use of sensitive personal information (11 CCR 7027(g)),
# "as soon as feasibly possible, but no later than 15 business days from the date the business receives the request".
# Keyed by regime, then by the app's right key (ccpa maps opt-out to `objection`, limit to `restriction`).
BUSINESS_DAY_RIGHTS: dict[str, dict[str, tuple[int, str, str]]] = {
    "ccpa": {
        "objection": (15, "opt-out of sale/sharing", "11 CCR 7026(f)"),
        "restriction": (15, "limit the use of sensitive personal information", "11 CCR 7027(g)"),
    },
}

# The CCPA's own rights and the app's right keys they are kept under (rights-requests.md 2.3: no "objection").
CCPA_RIGHTS: dict[str, str] = {
    "know": "access",
    "delete": "erasure",
    "correct": "rectification",
    "opt_out": "objection",  # opt-out of sale/sharing, Civ. Code 1798.120
    "limit": "restriction",  # limit use of sensitive personal information, Civ. Code 1798.121
}
CCPA_LABELS: dict[str, str] = {
    "access": "Know", "erasure": "Delete", "rectification": "Correct", "objection": "Opt out of sale/sharing",
    "restriction": "Limit sensitive PI", "portability": "Know (portable copy)",
}  # fmt: skip
NOT_CCPA = {"automated_decision", "withdraw_consent"}  # GDPR rights with no CCPA counterpart offered here

REPEAT_LIMIT = 2  # Civ. Code 1798.130(b): "more than twice in a 12-month period"
REPEAT_SOURCE = "Cal. Civ. Code 1798.130(b); 11 CCR 7024"
REPEAT_GROUND = (
    "Cal. Civ. Code 1798.130(b): the business need not provide the information required by 1798.110 and 1798.115 "
    "to the same consumer more than twice in a 12-month period"
)
_NOT_PROVIDED = frozenset({Status.WITHDRAWN, Status.REFUSED})


@dataclass(frozen=True)
class EarlierRequest:
    ref: str
    received: date
    regime: str
    rights: tuple[str, ...]
    status: str


def repeat_requests_to_know(received: date, earlier: Iterable[EarlierRequest]) -> tuple[EarlierRequest, ...]:
    """The earlier requests to know that count towards the limit, oldest first."""
    window_from = received - relativedelta(months=12)
    counted = [
        e for e in earlier
        if e.regime == "ccpa" and "access" in e.rights and window_from < e.received <= received
        and e.status not in _NOT_PROVIDED
    ]  # fmt: skip
    return tuple(sorted(counted, key=lambda e: (e.received, e.ref)))


def may_decline_repeat(regime: str, rights: Iterable[str], received: date, earlier: Iterable[EarlierRequest]) -> bool:
    """True when this is at least the third request to know in 12 months (1798.130(b)): offer the DPO to decline."""
    if regime != "ccpa" or "access" not in set(rights):
        return False
    return len(repeat_requests_to_know(received, earlier)) >= REPEAT_LIMIT


def ccpa_rights(text: str) -> tuple[str, ...]:
    """Parse CCPA rights ("know, delete, opt-out") into the app's right keys; GDPR words for the same right are
    accepted too ("access"), GDPR-only rights are refused for a CCPA case."""
    from dpo_tui.domain.errors import InvalidInput

    out: list[str] = []
    for piece in text.split(","):
        word = piece.strip().lower().replace("-", "_")
        if not word:
            continue
        key = CCPA_RIGHTS.get(word, word)
        if key in NOT_CCPA or key not in CCPA_LABELS:
            valid = ", ".join(k.replace("_", "-") for k in CCPA_RIGHTS)
            raise InvalidInput(f"right: '{piece.strip()}' is not a CCPA right (valid: {valid})")
        if key not in out:
            out.append(key)
    if not out:
        raise InvalidInput("no right given (CCPA: know, delete, correct, opt-out, limit)")
    return tuple(out)
