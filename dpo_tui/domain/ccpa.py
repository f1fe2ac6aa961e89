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

REPEAT_LIMIT = 2  # Civ. Code 1798.130(b): "more than twice in a 12-month period"
REPEAT_SOURCE = "Cal. Civ. Code 1798.130(b); 11 CCR 7024"
REPEAT_GROUND = (
    "Cal. Civ. Code 1798.130(b): the business need not provide the information required by 1798.110 and 1798.115 "
    "to the same consumer more than twice in a 12-month period"
)
_NOT_PROVIDED = frozenset({"withdrawn", "refused"})


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
