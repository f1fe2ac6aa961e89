"""What each regime's letters must say, as data (issue 15; rights-requests.md 4 and 5). Sources beside each rule.

Templates read these through the letter context (`remedies`, `law`, `rights_words`); a DPO's own template may use
them or write its own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dpo_tui.domain.authorities import SupervisoryAuthority, member_state_of

# DPA 2018 s.164A (inserted by the Data (Use and Access) Act 2025 s.103): complaints to the controller, in force
# 19 Jun 2026; acknowledge within 30 days, respond without undue delay.
UK_COMPLAIN_TO_CONTROLLER_FROM = date(2026, 6, 19)
# UK GDPR Arts 22A-22D (substituted for Art 22 by the Data (Use and Access) Act 2025 s.80), in force 5 Feb 2026.
UK_ARTS_22A_22D_FROM = date(2026, 2, 5)


@dataclass(frozen=True)
class RegimeWording:
    law: str  # the law the letters name
    judicial_remedy: str
    transfers_heading: str
    rights_heading: str  # the access reply's "your other rights" heading


WORDING: dict[str, RegimeWording] = {
    "uk-gdpr": RegimeWording(
        law="the UK GDPR and the Data Protection Act 2018",
        # UK GDPR Art 79; DPA 2018 ss.167-169 (compliance orders and compensation through the courts).
        judicial_remedy="You also have the right to seek a judicial remedy: to enforce your rights through the courts "
        "(UK GDPR Art 79; Data Protection Act 2018 s.167).",
        transfers_heading="Transfers outside the UK and EEA",  # UK GDPR Art 15(2), Art 45 (EEA adequacy regulations)
        rights_heading="Your other rights",
    ),
    "eu-gdpr": RegimeWording(
        law="the General Data Protection Regulation (EU) 2016/679",
        # GDPR Art 79: proceedings before the courts of the member state where the controller is established or
        # where the data subject has habitual residence.
        judicial_remedy="You also have the right to an effective judicial remedy before the courts of the member state "
        "where you live or where we are established (GDPR Art 79).",
        transfers_heading="Transfers outside the EEA",
        rights_heading="Your other rights",
    ),
    "ccpa": RegimeWording(
        law="the California Consumer Privacy Act, as amended by the California Privacy Rights Act",
        # The CCPA gives no general private action for a refused request: the private right of action is limited
        # to certain data breaches (Civ. Code 1798.150); enforcement is by the CPPA and the Attorney General.
        judicial_remedy="You may also have other rights under California law that a court can enforce; the CCPA's own "
        "right to sue is limited to certain data breaches (Cal. Civ. Code 1798.150).",
        transfers_heading="Where your information goes",
        rights_heading="Your other rights under the CCPA",
    ),
}


_OTHER = RegimeWording(
    law="data protection law",
    judicial_remedy="You also have the right to seek a judicial remedy through the courts.",
    transfers_heading="Transfers to other countries",
    rights_heading="Your other rights",
)


def wording_for(regime: str) -> RegimeWording:
    """The wording of a shipped regime; a user regime (e.g. PIPEDA) gets neutral words."""
    return WORDING.get(regime, _OTHER)


def complaint_sentence(regime: str, authority: SupervisoryAuthority) -> str:
    """The right to complain, naming the case's own authority (never the ICO outside uk-gdpr)."""
    where = authority.website + (f", {authority.address}" if authority.address else "")
    phone = f", telephone {authority.phone}" if authority.phone else ""
    if regime == "eu-gdpr":
        # GDPR Art 77(1): the member state of habitual residence, place of work or of the alleged infringement.
        text = (
            f"You have the right to lodge a complaint with a supervisory authority, in particular in the member state "
            f"where you live or work: in {member_state_of(authority)}, the {authority.name} ({where}{phone}) "
            "(GDPR Art 77)."
        )
    elif regime == "ccpa":
        # Civ. Code 1798.199.45 (sworn complaints to the CPPA); 1798.155 (Attorney General enforcement).
        text = f"You may file a complaint with the {authority.name} ({where})"
        text += f", or contact {authority.also}." if authority.also else "."
    else:
        text = f"You have the right to complain to the {authority.name} ({where}{phone})."
    if authority.note:
        text += " " + authority.note
    return text


def complain_to_us_sentence(regime: str, on: date, dpo_email: str) -> str | None:
    """UK from 19 Jun 2026 (DPA 2018 s.164A): the person may complain to the organisation first."""
    if regime != "uk-gdpr" or on < UK_COMPLAIN_TO_CONTROLLER_FROM:
        return None
    return (
        f"You may complain to us first: write to our Data Protection Officer at {dpo_email}; we will acknowledge "
        "your complaint within 30 days and respond without undue delay (Data Protection Act 2018 s.164A)."
    )


# How each right reads in a letter, per regime. CCPA rights are the statute's own (rights-requests.md 2.3).
_CCPA_RIGHTS = {
    "access": "right to know (Cal. Civ. Code 1798.110 and 1798.115)",
    "erasure": "right to delete (Cal. Civ. Code 1798.105)",
    "rectification": "right to correct (Cal. Civ. Code 1798.106)",
    "objection": "right to opt out of the sale or sharing of personal information (Cal. Civ. Code 1798.120)",
    "restriction": "right to limit the use of sensitive personal information (Cal. Civ. Code 1798.121)",
    "portability": "right to know, in a portable format (Cal. Civ. Code 1798.130(a)(3)(B)(iii))",
    "withdraw_consent": "right to opt out (Cal. Civ. Code 1798.120)",
    "automated_decision": "rights about automated decision-making technology (CPPA regulations)",
}


def right_words(right: str, label: str, article: str, regime: str, on: date) -> str:
    """`right of access (Art 15)`; uk-gdpr automated decisions from 5 Feb 2026: `(Arts 22A-22D)`; ccpa: its own."""
    if regime == "ccpa":
        return _CCPA_RIGHTS.get(right, f"right ({label.lower()})")
    if right == "automated_decision" and regime == "uk-gdpr" and on >= UK_ARTS_22A_22D_FROM:
        article = "Arts 22A-22D"
    if right == "withdraw_consent":
        return f"right to withdraw consent ({article})"
    return f"right of {label.lower()} ({article})"


# A partial refusal says what is being done and what is not in the words of the right asked for: an erasure is not
# "provided", a correction is not "withheld". right -> (opening sentence, heading over the items not done).
PARTIAL_REFUSAL: dict[str, tuple[str, str]] = {
    "access": (
        "We are providing most of what you asked for, but we are withholding part of it, for the reasons below.",
        "What we are withholding, and why:",
    ),
    "portability": (
        "We are providing most of the data you asked to receive, but we are withholding part of it, for the reasons "
        "below.",
        "What we are withholding, and why:",
    ),
    "erasure": (
        "We are erasing your personal data as you asked, except for part of it that we must or may keep, for the "
        "reasons below.",
        "What we are keeping, and why:",
    ),
    "rectification": (
        "We are making most of the corrections you asked for, but not all of them, for the reasons below.",
        "What we are not correcting, and why:",
    ),
    "restriction": (
        "We are restricting most of the use of your personal data that you asked us to restrict, but not all of it, "
        "for the reasons below.",
        "What we are not restricting, and why:",
    ),
    "objection": (
        "We have stopped most of the processing you objected to, but we are continuing part of it, for the reasons "
        "below.",
        "What we are continuing, and why:",
    ),
    "automated_decision": (
        "We are doing most of what you asked about the automated decision, but not all of it, for the reasons below.",
        "What we are not doing, and why:",
    ),
    "withdraw_consent": (
        "We have stopped most of the processing that relied on your consent, but we are continuing part of it, for "
        "the reasons below.",
        "What we are continuing, and why:",
    ),
}
_PARTIAL_MIXED = (
    "We are doing most of what you asked, but not all of it, for the reasons below.",
    "What we are not doing, and why:",
)


def partial_refusal_words(rights: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """(opening sentence, heading over the items refused) of a partial refusal of a request for `rights`."""
    known = [PARTIAL_REFUSAL[r] for r in rights if r in PARTIAL_REFUSAL]
    if known and all(k == known[0] for k in known):
        return known[0]
    return _PARTIAL_MIXED
