"""Where a case's law is anchored: the EU/EEA member state of an eu-gdpr case (issue 15).

An eu-gdpr case needs the member state concerned, twice over:
- its public holidays end the Art 12(3) period (Regulation (EEC, Euratom) No 1182/71 Art 3(4): "public holidays
  ... of the Member State ... concerned"); rights-requests.md 2.2;
- its supervisory authority is the one the person may complain to (GDPR Art 77(1): the member state of habitual
  residence, place of work or place of the alleged infringement); rights-requests.md 4.

There is no default: a case logged without one is refused with a message saying where to set it (on the case, or
`[policy] eu_member_state` in the settings). One member state per case serves both purposes.
"""

from __future__ import annotations

from dpo_tui.domain.errors import InvalidInput

# The 27 EU member states and the three EEA EFTA states that apply the GDPR (EEA Joint Committee Decision 154/2018).
EU_MEMBER_STATES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus", "CZ": "Czechia",
    "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France", "DE": "Germany", "GR": "Greece",
    "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg",
    "MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia",
    "SI": "Slovenia", "ES": "Spain", "SE": "Sweden",
}  # fmt: skip
EEA_EFTA_STATES: dict[str, str] = {"IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway"}
EEA_STATES: dict[str, str] = {**EU_MEMBER_STATES, **EEA_EFTA_STATES}
_ALIASES = {"EL": "GR"}  # the EU's own code for Greece


def parse_member_state(value: str | None) -> tuple[str, str | None] | None:
    """`"DE"` → ("DE", None); `"DE-BY"` → ("DE", "BY") (a region with its own public holidays); empty → None.
    Raises InvalidInput for a country outside the EU/EEA."""
    text = (value or "").strip().upper()
    if not text:
        return None
    country, _, region = text.partition("-")
    country = _ALIASES.get(country, country)
    if country not in EEA_STATES:
        known = ", ".join(sorted(EEA_STATES))
        raise InvalidInput(f"member state: {value!r} is not an EU/EEA state (use a two-letter code: {known})")
    return country, region or None


def member_state_name(code: str) -> str:
    return EEA_STATES.get(code.upper(), code)


def require_member_state(case_value: str | None, settings_value: str | None, org_country: str | None) -> tuple[str, str | None, str]:
    """(country, region, where it came from) for an eu-gdpr case: the case's own, else the settings' policy, else
    the organisation's country when that is itself in the EU/EEA. Never Ireland by default."""
    for value, source in ((case_value, "the case"), (settings_value, "the settings ([policy] eu_member_state)")):
        parsed = parse_member_state(value)
        if parsed:
            return parsed[0], parsed[1], source
    if org_country and org_country.upper() in EEA_STATES:
        return org_country.upper(), None, "the organisation's country"
    raise InvalidInput(
        "member state: an eu-gdpr case needs the EU/EEA member state concerned (its public holidays end the period, "
        "Regulation 1182/71 Art 3(4); its supervisory authority hears complaints, GDPR Art 77): give it on the case "
        "(e.g. --member-state DE) or set [policy] eu_member_state in the settings; Ireland is not assumed"
    )
