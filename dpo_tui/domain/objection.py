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
from datetime import date
from typing import Any

from dpo_tui.domain.checklist import DIRECT_MARKETING_KEY
from dpo_tui.domain.errors import InvalidInput
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


# ---------------------------------------------------------------------------------------------------------------
# The Art 21(1) balancing test, recorded structurally (issue 15)
#
# UK GDPR / GDPR Art 21(1): on grounds relating to their particular situation, the person may object to processing
# based on Art 6(1)(e) or (f) (incl. profiling); the controller must stop unless it demonstrates compelling
# legitimate grounds which override the person's interests, rights and freedoms, or the processing is for the
# establishment, exercise or defence of legal claims. The burden is the controller's (ICO "Right to object": "you
# must be able to demonstrate"; EDPB Guidelines 8/2020 para 78 onwards on "compelling").
# Art 18(1)(d): while it is being verified whether the controller's grounds override the person's, the person may
# have processing restricted; the restriction is offered while the test is pending.
# Art 21(3): an objection to direct marketing is absolute: no balancing test, never refused (checklist rule kept).
# ---------------------------------------------------------------------------------------------------------------

BALANCING_OUTCOMES: dict[str, str] = {
    "pending": "pending: the organisation's grounds are being weighed",
    "upheld": "objection upheld: the processing stops",
    "overridden": "compelling legitimate grounds override the person's interests, rights and freedoms",
    "legal_claims": "the processing is needed for the establishment, exercise or defence of legal claims",
}
# Outcomes that keep the processing going: they must name the organisation's grounds.
CONTINUES = frozenset({"overridden", "legal_claims"})


def balancing_refusal(marketing: bool | None) -> str | None:
    """Why no balancing test may be recorded, else None."""
    if marketing is True:
        return ("the objection is to direct marketing (recorded on the checklist): it is absolute (Art 21(3)), there is "
                "nothing to balance; stop the marketing and add the person to the suppression list")
    if marketing is None:
        return ("record first whether the objection is to direct marketing (checklist item 'Establish whether the "
                "objection is to direct marketing'): the balancing test applies only to other processing (Art 21(1))")
    return None


def make_balancing(
    *, situation: str, grounds: str, outcome: str, restriction: bool, by: str, on: date,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A validated balancing-test record (JSON-ready). Raises InvalidInput naming the field at fault.

    `situation`: the person's particular situation as they put it (Art 21(1) "grounds relating to his or her
    particular situation"); `grounds`: the organisation's compelling legitimate grounds (or the legal claim);
    `restriction`: whether processing is restricted while the test is pending (Art 18(1)(d))."""
    key = (outcome or "").strip().lower().replace("-", "_").replace(" ", "_")
    if key not in BALANCING_OUTCOMES:
        raise InvalidInput("outcome", f"'{outcome}' is not an outcome (valid: {', '.join(BALANCING_OUTCOMES)})")
    why = " ".join((situation or "").split())
    if not why:
        raise InvalidInput("situation", "record the person's particular situation (Art 21(1)): what they say makes the processing wrong for them")
    ours = " ".join((grounds or "").split())
    if key in CONTINUES and not ours:
        raise InvalidInput("grounds", "name the compelling legitimate grounds (or the legal claim) that override the person's interests: the burden is ours (Art 21(1))")
    record: dict[str, Any] = {
        "situation": why, "grounds": ours or None, "outcome": key, "outcome_label": BALANCING_OUTCOMES[key],
        "restriction": bool(restriction), "by": by, "on": on.isoformat(),
    }  # fmt: skip
    prev = previous or {}
    # When the test started and whether restriction was ever in place are kept across updates (the record of it).
    record["started_on"] = prev.get("started_on") or on.isoformat()
    if prev.get("restriction") and not restriction:
        record["restriction_lifted_on"] = on.isoformat()
    elif restriction:
        record["restricted_since"] = prev.get("restricted_since") or on.isoformat()
    if key != "pending":
        record["decided_on"] = on.isoformat()
    return record
