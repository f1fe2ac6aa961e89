import copy
import sys
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from dpo_tui.domain.organisation import (
    DataFileError,
    SystemRole,
    locate_key,
    parse_organisation,
    parse_toml,
)
from dpo_tui.loaders import demo_organisation
from dpo_tui.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEMO_TOML = ROOT / "dpo_tui" / "defaults" / "demo_organisation.toml"


def demo_data() -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads(DEMO_TOML.read_text())["organisation"])


def test_demo_profile_describes_altostack_under_the_ico() -> None:
    org = demo_organisation()
    assert org.name == "AltoStack Ltd"
    assert org.dpo_email == "dpo@altostack.io"
    assert (org.regime, org.country, org.subdivision) == ("uk-gdpr", "GB", "ENG")
    ico = org.supervisory_authority
    assert ico.phone == "0303 123 1113"
    assert "ico.org.uk" in ico.website
    assert "Wycliffe House" in ico.address and "SK9 5AF" in ico.address
    assert org.automated_decision_making is None
    assert [c.key for c in org.categories] == ["identity", "contact", "technical", "marketing"]


def test_demo_systems_cover_the_required_roles_and_transfers() -> None:
    org = demo_organisation()
    by_key = {s.key: s for s in org.systems}
    assert {"google-analytics", "hubspot", "crm", "office", "event-partners", "group", "dpo-records"} <= set(by_key)
    assert by_key["google-analytics"].role is SystemRole.PROCESSOR and by_key["google-analytics"].outside_uk_eea
    assert by_key["hubspot"].outside_uk_eea and by_key["hubspot"].safeguard
    assert by_key["event-partners"].role is SystemRole.RECIPIENT
    assert by_key["group"].role is SystemRole.RECIPIENT
    assert by_key["dpo-records"].role is SystemRole.OWN
    assert not by_key["crm"].outside_uk_eea
    assert org.system("hubspot").name == "HubSpot"


def test_settings_example_carries_the_demo_profile() -> None:
    settings = tomllib.loads((ROOT / "data" / "settings.example.toml").read_text())
    assert parse_organisation(settings["organisation"], source="settings.example.toml") == demo_organisation()
    assert settings["policy"]["id_no_response_days"] == 28
    assert settings["fees"]["currency"] == "GBP"


def test_settings_example_loads_as_a_settings_file() -> None:
    # A DPO copies the example and edits it: as shipped, every section of it must load (a key placed under the wrong
    # table header stopped every start with "unknown right").
    settings = load_settings(ROOT / "data" / "settings.example.toml")
    assert settings.exists and settings.organisation == demo_organisation()
    assert settings.policy.complaint_ack_days == 30
    assert settings.user_name == "Jordan Ellis"


def test_minimal_custom_profile() -> None:
    data = {
        "name": "Tiny Shop",
        "dpo_name": "Ann",
        "dpo_email": "ann@tiny.example",
        "address": "1 High St",
        "regime": "eu-gdpr",
        "country": "IE",
        "supervisory_authority": {"name": "DPC", "website": "https://dataprotection.ie", "phone": "1", "address": "x"},
        "categories": [{"key": "contact", "name": "Contact", "description": "email"}],
        "purposes": [{"name": "Orders", "lawful_basis": "contract", "categories": ["contact"]}],
        "systems": [
            {
                "key": "shop",
                "name": "Shop",
                "description": "d",
                "categories": ["contact"],
                "role": "own",
                "contact": "me",
            }
        ],
        "sources": ["You"],
        "retention": "6 years",
    }
    org = parse_organisation(data, source="settings.toml")
    assert org.subdivision is None and org.recipients == () and org.transfers is None
    assert org.systems[0].outside_uk_eea is False and org.systems[0].safeguard is None
    assert org.purposes[0].lawful_basis_label.startswith("performance of a contract")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["systems"][2].update(role="owner"),
            "organisation.systems[2].role: must be one of own, processor, recipient",
        ),
        (lambda d: d.pop("dpo_email"), "organisation.dpo_email: required"),
        (lambda d: d.update(dpo_email="nobody"), "organisation.dpo_email: must be an email address"),
        (lambda d: d.update(country="gb"), "organisation.country: must be a two-letter ISO country code"),
        (
            lambda d: d["systems"][1].pop("safeguard"),
            "organisation.systems[1].safeguard: required when outside_uk_eea",
        ),
        (
            lambda d: d["systems"][0].update(categories=["technical", "health"]),
            "organisation.systems[0].categories[1]: unknown category 'health'",
        ),
        (lambda d: d["systems"][3].update(key="crm"), "organisation.systems[3].key: duplicate key 'crm'"),
        (lambda d: d["systems"][0].update(outside_uk_eea="yes"), "systems[0].outside_uk_eea: must be true or false"),
        (
            lambda d: d["purposes"][0].update(lawful_basis="because"),
            "organisation.purposes[0].lawful_basis: must be one of consent, contract",
        ),
        (lambda d: d.update(sytems=[]), "organisation.sytems: unknown key"),
        (lambda d: d.update(systems=[]), "organisation.systems: required: add at least one [[organisation.systems]]"),
        (lambda d: d["supervisory_authority"].pop("phone"), "organisation.supervisory_authority.phone: required"),
        (lambda d: d.update(name=3), "organisation.name: must be text, not a number"),
    ],
)
def test_bad_profiles_name_the_key_path(mutate: Any, message: str) -> None:
    data = demo_data()
    mutate(data)
    with pytest.raises(DataFileError) as error:
        parse_organisation(data, source="settings.toml")
    assert str(error.value).startswith("settings.toml: organisation.")
    assert message in str(error.value)


def test_missing_organisation_table() -> None:
    with pytest.raises(DataFileError, match=r"settings.toml: organisation: required"):
        parse_organisation(None, source="settings.toml")  # type: ignore[arg-type]


def test_error_located_in_file_text_gets_the_line_of_the_key() -> None:
    text = DEMO_TOML.read_text().replace('role = "own"', 'role = "owner"')
    lines = text.splitlines()
    with pytest.raises(DataFileError) as caught:
        parse_organisation(parse_toml(text, "settings.toml")["organisation"], source="settings.toml")
    error = caught.value.located(text)
    assert error.line is not None and lines[error.line - 1] == 'role = "owner"'
    assert str(error) == (
        f"settings.toml:{error.line}: organisation.systems[6].role: must be one of own, processor, recipient"
    )


def test_toml_syntax_error_names_file_and_line() -> None:
    with pytest.raises(DataFileError) as caught:
        parse_toml('[organisation]\nname = "x"\nrole = owner\n', "settings.toml")
    assert caught.value.line == 3
    assert str(caught.value).startswith("settings.toml:3: ")
    assert "at line" not in str(caught.value)


LOCATE = """\
top = 1
[organisation]
name = "x"
address = \"\"\"
role = "not a key, inside a string"
\"\"\"
[organisation.supervisory_authority]
phone = "1"

[[organisation.systems]]
key = "a"
categories = ["x", "y"]

[[organisation.systems]]
key = "b"
[[organisation.systems.notes]]
text = "n"
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("top", 1),
        ("organisation.name", 3),
        ("organisation.supervisory_authority.phone", 8),
        ("organisation.supervisory_authority.name", 7),  # missing key: its table
        ("organisation.systems[0].key", 11),
        ("organisation.systems[0].categories[1]", 12),  # inside an inline list: the list's line
        ("organisation.systems[1].key", 15),
        ("organisation.systems[1].role", 14),
        ("organisation.systems[1].notes[0].text", 17),
        ("organisation.role", 2),  # "role =" inside the multi-line string is not a key
        ("elsewhere.key", None),
    ],
)
def test_locate_key(path: str, line: int | None) -> None:
    assert locate_key(LOCATE, path) == line


def test_domain_modules_import_without_textual_or_sqlalchemy() -> None:
    code = (
        "import sys, dpo_tui.domain.organisation, dpo_tui.domain.checklist, dpo_tui.domain.rights;"
        "bad = [m for m in ('textual', 'sqlalchemy', 'sqlmodel') if m in sys.modules];"
        "sys.exit(str(bad) if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
