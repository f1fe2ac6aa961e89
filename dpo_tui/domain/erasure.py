"""Erasure (Art 17) as structured record (issue 15; rights-requests.md 5): the Art 17(1) ground, the Art 17(3)
exceptions per system with their ground, and the Art 17(2) duty to inform other controllers where the data was made
public. Same article numbers in the UK GDPR and the EU GDPR; a CCPA deletion rests on Civ. Code 1798.105 and its
exceptions are those of 1798.105(d).

Stored in `Case.decision["erasure"]`:
    ground        a key of ART_17_1 (ccpa: "ccpa_1798_105")
    ground_note   the DPO's note
    exceptions    [{"system": key, "system_name": str, "ground": key of ART_17_3, "detail": str, "by", "on"}]
    made_public   bool: the controller made the data public (Art 17(2))
    controllers_informed  text: which controllers were told, and how (required when made_public)
"""

from __future__ import annotations

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.records import Erasure

ART_17_1: dict[str, str] = {
    "no_longer_necessary": "Art 17(1)(a): no longer necessary for the purposes it was collected for",
    "consent_withdrawn": "Art 17(1)(b): consent withdrawn and no other lawful basis",
    "objection": "Art 17(1)(c): an objection under Art 21(1) with no overriding legitimate grounds, or to direct marketing under Art 21(2)",
    "unlawful": "Art 17(1)(d): processed unlawfully",
    "legal_obligation": "Art 17(1)(e): erasure required by a legal obligation",
    "child_online": "Art 17(1)(f): collected from a child for an information society service (Art 8(1))",
}
ART_17_3: dict[str, str] = {
    "expression": "Art 17(3)(a): exercising the right of freedom of expression and information",
    "legal_obligation": "Art 17(3)(b): compliance with a legal obligation, or a task in the public interest or official authority",
    "public_health": "Art 17(3)(c): public interest in public health (Art 9(2)(h) and (i), Art 9(3))",
    "archiving_research": "Art 17(3)(d): archiving in the public interest, scientific or historical research or statistics (Art 89(1))",
    "legal_claims": "Art 17(3)(e): the establishment, exercise or defence of legal claims",
}
CCPA_GROUND = "Cal. Civ. Code 1798.105(a): the consumer's request to delete"
CCPA_EXCEPTIONS: dict[str, str] = {
    "ccpa_transaction": "Cal. Civ. Code 1798.105(d): to complete the transaction or provide the service requested",
    "ccpa_security": "Cal. Civ. Code 1798.105(d): to help ensure security and integrity",
    "ccpa_legal_obligation": "Cal. Civ. Code 1798.105(d): to comply with a legal obligation",
    "ccpa_internal_use": "Cal. Civ. Code 1798.105(d): solely internal uses reasonably aligned with the consumer's expectations",
    "ccpa_legal_claims": "Cal. Civ. Code 1798.145(a): to exercise or defend legal claims",
}


def grounds_for(regime: str) -> dict[str, str]:
    return {"ccpa_1798_105": CCPA_GROUND} if regime == "ccpa" else ART_17_1


def exceptions_for(regime: str) -> dict[str, str]:
    return CCPA_EXCEPTIONS if regime == "ccpa" else ART_17_3


def check_ground(regime: str, ground: str) -> str:
    table = grounds_for(regime)
    if ground not in table:
        raise InvalidInput(f"ground: '{ground}' is not an erasure ground under {regime} (known: {', '.join(table)})")
    return table[ground]


def check_exception(regime: str, ground: str) -> str:
    table = exceptions_for(regime)
    if ground not in table:
        raise InvalidInput(f"exception: '{ground}' is not an erasure exception under {regime} (known: {', '.join(table)})")
    return table[ground]


def problems(record: Erasure | None) -> list[str]:
    """What a partial-erasure confirmation would lack; [] when it can go (or nothing structured was recorded)."""
    if record is None:
        return []
    out = []
    if not record.ground:
        out.append("no Art 17(1) ground is recorded: record why the person is entitled to erasure")
    if record.made_public and not (record.controllers_informed or "").strip():
        out.append("the data was made public: record which other controllers were told (Art 17(2))")
    return out
