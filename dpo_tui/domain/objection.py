"""Objection (Art 21): is it to direct marketing? A decision the DPO records, never inferred silently (issue 15).

Why it matters: an objection to direct marketing, including profiling to the extent it is related to direct
marketing, is absolute (UK GDPR / GDPR Art 21(2)-(3); ICO guidance "Right to object": "you must stop ... there are
no exemptions or grounds to refuse"). Any other objection (Art 21(1)) may be answered with compelling legitimate
grounds after a balancing test, and meanwhile the person may ask for restriction (Art 18(1)(d)).

The decision lives on the checklist item `objection.direct_marketing` ("Establish whether the objection is to direct
marketing"): ticked = it is (suppression list, no refusal possible); not applicable = it is not (the balancing
test applies); open = not yet decided, and the confirmation letter waits for it. Keywords in the request only
*suggest* an answer; "stop profiling me for ads" suggests direct marketing although it never says "marketing".
"""

from __future__ import annotations

import re

from dpo_tui.domain.checklist import DIRECT_MARKETING_KEY
from dpo_tui.domain.states import ItemState

# Words that suggest an objection to direct marketing (incl. profiling for it): a suggestion for the DPO only.
_SUGGEST = re.compile(
    r"\b(marketing|newsletters?|unsubscribe|opt[- ]?out|mailing list|promotional|promotions?|offers|ads|adverts?|"
    r"advertising|advertisements?|targeted|spam|sales (?:calls|emails)|cold call\w*)\b",
    re.IGNORECASE,
)


def suggest_direct_marketing(text: str | None) -> str | None:
    """The word that suggests the objection is to direct marketing, or None. Never a decision."""
    m = _SUGGEST.search(text or "")
    return m.group(0) if m else None


def recorded_direct_marketing(states: dict[str, str]) -> bool | None:
    """The DPO's recorded answer from the checklist: True (ticked), False (not applicable), None (not decided)."""
    state = states.get(DIRECT_MARKETING_KEY)
    if state == ItemState.DONE:
        return True
    if state == ItemState.NA:
        return False
    return None


def undecided_reason(text: str | None) -> str:
    """Why an objection letter must wait, with the suggestion (if any) for the DPO."""
    word = suggest_direct_marketing(text)
    hint = (
        f" (suggested: direct marketing - the request says '{word}')" if word
        else " (nothing in the request suggests direct marketing; check with the person if unsure)"
    )
    return (
        "record first whether the objection is to direct marketing: on the checklist, tick 'Establish whether the "
        "objection is to direct marketing' if it is (absolute, Art 21(3)), or mark it not applicable if it is to "
        "other processing (Art 21(1) balancing test)" + hint
    )
