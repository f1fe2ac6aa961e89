"""Exemptions per regime, as data, and the rules of the per-case exemption log (issue 15; rights-requests.md 4).

An entry records one item withheld or redacted: what, the exemption relied on (with its paragraph), the reasoning,
who decided and when, and whether the response will "neither confirm nor deny" that such data exists. Letters list
the entries, except neither-confirm-nor-deny ones (naming them would defeat them); the case export carries them all.

Sources: UK - Data Protection Act 2018 Schedules 2-4 (ICO guidance "Exemptions"; "Right of access: what other
exemptions are there?"). EU - GDPR Art 23 (restrictions by Union or member-state law, entered as text: the law and
its provision) and Art 15(4) (the rights and freedoms of others). CCPA - Cal. Civ. Code 1798.145 (general
exceptions) and 1798.105(d) (deletion exceptions); 11 CCR 7024(d) (sensitive identifiers never disclosed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.records import ExemptionEntry

ACTIONS = ("withheld", "redacted")


@dataclass(frozen=True)
class Exemption:
    key: str
    citation: str  # as a letter cites it
    label: str
    ncnd: bool = False  # the exemption may extend to confirming whether data is held ("neither confirm nor deny")
    needs_law: bool = False  # the DPO must name the law relied on (EU Art 23 member-state law)


EXEMPTIONS: dict[str, tuple[Exemption, ...]] = {
    "uk-gdpr": (
        # ICO: crime and taxation and immigration may cover the confirmation itself where it would prejudice them.
        Exemption("crime_taxation", "DPA 2018 Sch 2 para 2", "Crime and taxation (prevention or detection of crime, taxation)", ncnd=True),
        Exemption("immigration", "DPA 2018 Sch 2 para 4", "Immigration (effective immigration control)", ncnd=True),
        Exemption("legal_disclosure", "DPA 2018 Sch 2 para 5", "Disclosure required by law or in connection with legal proceedings"),
        Exemption("regulatory_functions", "DPA 2018 Sch 2 Part 2 (paras 7-12)", "Functions designed to protect the public (regulatory functions)"),
        Exemption("third_party", "DPA 2018 Sch 2 para 16", "Protection of the rights of others (third-party data)"),
        Exemption("legal_privilege", "DPA 2018 Sch 2 para 19", "Legal professional privilege"),
        Exemption("self_incrimination", "DPA 2018 Sch 2 para 20", "Self-incrimination"),
        Exemption("corporate_finance", "DPA 2018 Sch 2 para 21", "Corporate finance"),
        Exemption("management_forecasts", "DPA 2018 Sch 2 para 22", "Management forecasts"),
        Exemption("negotiations", "DPA 2018 Sch 2 para 23", "Negotiations with the requester"),
        Exemption("confidential_references", "DPA 2018 Sch 2 para 24", "Confidential references"),
        Exemption("exam_scripts", "DPA 2018 Sch 2 para 25", "Exam scripts and exam marks"),
        Exemption("journalism", "DPA 2018 Sch 2 para 26", "Journalistic, academic, artistic and literary purposes"),
        Exemption("research", "DPA 2018 Sch 2 para 27", "Research and statistics"),
        Exemption("archiving", "DPA 2018 Sch 2 para 28", "Archiving in the public interest"),
        Exemption("health_social_education", "DPA 2018 Sch 3", "Health, social work, education or child abuse data (serious harm test)"),
        Exemption("other_enactment", "DPA 2018 Sch 4", "Disclosure prohibited or restricted by another enactment", ncnd=True),
    ),
    "eu-gdpr": (
        Exemption("others_rights", "GDPR Art 15(4)", "The rights and freedoms of others (third-party data)"),
        Exemption("member_state_law", "GDPR Art 23", "A restriction in Union or member-state law (name the law and provision)", needs_law=True, ncnd=True),
    ),
    "ccpa": (
        Exemption("comply_with_law", "Cal. Civ. Code 1798.145(a)", "To comply with the law, legal process or law enforcement, or to exercise or defend legal claims"),
        Exemption("deletion_exception", "Cal. Civ. Code 1798.105(d)", "A deletion exception (e.g. to complete the transaction, security, a legal obligation)"),
        Exemption("sensitive_identifier", "11 CCR 7024(d)", "A sensitive identifier (SSN, account password, ...): described, never disclosed"),
        Exemption("other_law", "Cal. Civ. Code 1798.145", "Data covered by other law (e.g. HIPAA, FCRA, GLBA): name it", needs_law=True),
    ),
}


def exemptions_for(regime: str) -> tuple[Exemption, ...]:
    return EXEMPTIONS.get(regime, ())


def find(regime: str, key: str) -> Exemption:
    for e in exemptions_for(regime):
        if e.key == key:
            return e
    known = ", ".join(e.key for e in exemptions_for(regime)) or "none shipped for this regime"
    raise InvalidInput(f"exemption: '{key}' is not an exemption under {regime} (known: {known})")


def make_entry(
    regime: str, *, entry_id: int, item: str, action: str, exemption: str, reasoning: str, law: str, ncnd: bool,
    by: str, on: date,
) -> ExemptionEntry:
    """A validated log entry (stored with `to_json()`). Raises InvalidInput naming the field at fault."""
    what = " ".join((item or "").split())
    if not what:
        raise InvalidInput("item: say what is withheld or redacted (e.g. 'emails between the account managers')")
    if action not in ACTIONS:
        raise InvalidInput(f"action: '{action}' is neither withheld nor redacted")
    ex = find(regime, exemption)
    why = " ".join((reasoning or "").split())
    if not why:
        raise InvalidInput(f"reasoning: say why {ex.citation} applies to this item (the controller carries the burden)")
    law_text = " ".join((law or "").split())
    if ex.needs_law and not law_text:
        raise InvalidInput(f"law: {ex.citation} needs the law and provision relied on (e.g. 'BDSG s.34(1)')")
    if ncnd and not ex.ncnd:
        raise InvalidInput(f"ncnd: {ex.citation} does not allow neither confirming nor denying that data is held")
    citation = f"{ex.citation}: {law_text}" if law_text else ex.citation
    return ExemptionEntry(id=entry_id, item=what, action=action, exemption=ex.key, citation=citation, label=ex.label,
                          law=law_text or None, reasoning=why, ncnd=bool(ncnd), by=by, on=on)  # fmt: skip


def letter_lines(entries: Iterable[ExemptionEntry]) -> list[str]:
    """`emails with the account manager (withheld): DPA 2018 Sch 2 para 16 - third-party data`, NCND entries left
    out: a letter must not reveal what it neither confirms nor denies."""
    return [
        f"{e.item} ({e.action}): {e.citation}, {e.label[:1].lower() + e.label[1:]}"
        for e in entries
        if not e.ncnd
    ]
