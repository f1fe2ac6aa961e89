from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.checklist import (
    STAGES,
    Template,
    art15_supplementary,
    expand_checklist,
)
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.organisation import Organisation, System, SystemRole
from dpo_tui.domain.rights import Right
from dpo_tui.loaders import check_templates, demo_organisation, load_templates

TEMPLATES = load_templates(None)
DEMO = demo_organisation()
PROCESSING = ["google-analytics", "hubspot", "crm", "office", "dpo-records"]  # own + processor, profile order
RECIPIENTS = ["event-partners", "group"]


def custom_organisation() -> Organisation:
    """Two systems: the organisation's own database and one recipient, nothing outside the UK/EEA."""
    return DEMO._replace(
        name="Tiny Shop",
        systems=(
            System("shopdb", "Shop database", "orders", ("identity", "contact"), SystemRole.OWN, "me", False, None),
            System("courier", "Courier", "deliveries", ("contact",), SystemRole.RECIPIENT, "them", False, None),
        ),
        transfers=None,
        automated_decision_making="We score fraud risk automatically; a person reviews every refusal.",
    )


def keys(rights: list[Right], org: Organisation = DEMO) -> list[str]:
    return [item.key for item in expand_checklist(rights, org, TEMPLATES)]


def each(prefix: str, systems: list[str]) -> list[str]:
    return [f"{prefix}.{s}" for s in systems]


def expected(right: Right, processing: list[str], recipients: list[str]) -> list[str]:
    """The checklist of one right for a profile whose own/processor and recipient systems are given."""
    return {
        Right.ACCESS: [
            *each("access.search", processing),
            *each("access.disclosed", recipients),
            "access.gather",
            "access.redact",
            "access.exemptions",
            "access.supplementary",
            "access.deliver",
            "shared.respond",
        ],
        Right.ERASURE: [
            "erasure.exception",
            *each("erasure.erase", processing),
            "shared.suppress",
            *each("erasure.notify", recipients),
            "shared.respond",
        ],
        Right.RECTIFICATION: [
            "rectification.verify",
            *each("rectification.correct", processing),
            *each("rectification.notify", recipients),
            "shared.respond",
        ],
        Right.RESTRICTION: [
            "restriction.ground",
            *each("restriction.restrict", processing),
            *each("restriction.notify", recipients),
            "restriction.before_lifting",
            "shared.respond",
        ],
        Right.PORTABILITY: [
            "portability.scope",
            *each("portability.export", processing),
            "portability.third_parties",
            "portability.transmit",
            "shared.respond",
        ],
        Right.OBJECTION: [
            "objection.direct_marketing",
            "objection.balance",
            *each("objection.stop", processing),
            "shared.suppress",
            "shared.respond",
        ],
        Right.WITHDRAW_CONSENT: [
            "withdraw_consent.identify",
            *each("withdraw_consent.stop", processing),
            "shared.suppress",
            "withdraw_consent.erase",
            "shared.respond",
        ],
        Right.AUTOMATED_DECISION: [
            "automated_decision.identify",
            "automated_decision.exception",
            "automated_decision.human_review",
            "automated_decision.logic",
            "shared.respond",
        ],
    }[right]


def test_every_right_has_a_shipped_template_and_they_are_clean() -> None:
    assert set(TEMPLATES) == set(Right)
    assert check_templates(None) == []


@pytest.mark.parametrize("right", list(Right))
def test_expansion_against_the_demo_profile(right: Right) -> None:
    assert keys([right]) == expected(right, PROCESSING, RECIPIENTS)


@pytest.mark.parametrize("right", list(Right))
def test_expansion_against_a_two_system_profile(right: Right) -> None:
    assert keys([right], custom_organisation()) == expected(right, ["shopdb"], ["courier"])


def test_per_system_items_carry_system_and_name_it_in_the_label() -> None:
    items = {i.key: i for i in expand_checklist([Right.ERASURE], DEMO, TEMPLATES)}
    hubspot = items["erasure.erase.hubspot"]
    assert (hubspot.system_key, hubspot.label, hubspot.right) == ("hubspot", "Erase in HubSpot", Right.ERASURE)
    assert items["erasure.notify.group"].label == "Notify AltoStack group companies of the erasure (Art 19)"
    assert items["erasure.exception"].system_key is None
    assert all(i.guidance and "\n" not in i.guidance for i in items.values())


def test_only_access_searches_require_a_search_record() -> None:
    items = expand_checklist(list(Right), DEMO, TEMPLATES)
    recorded = [i.key for i in items if i.requires_search_record]
    assert recorded == each("access.search", PROCESSING)


def test_several_rights_share_items_once_and_erase_after_taking_the_copy() -> None:
    items = expand_checklist([Right.ERASURE, Right.ACCESS, Right.OBJECTION, Right.WITHDRAW_CONSENT], DEMO, TEMPLATES)
    order = [i.key for i in items]
    assert order.count("shared.respond") == 1 and order.count("shared.suppress") == 1
    assert order[-1] == "shared.respond"
    assert order.index("access.search.hubspot") < order.index("erasure.erase.google-analytics")
    assert order.index("erasure.exception") < order.index("access.search.google-analytics")  # assess comes first
    by_key = {i.key: i for i in items}
    respond = by_key["shared.respond"]
    assert respond.right is Right.ACCESS and respond.label == "Response sent to the person"
    assert respond.rights == (Right.ACCESS, Right.OBJECTION, Right.WITHDRAW_CONSENT, Right.ERASURE)
    assert set(by_key["shared.suppress"].rights) == {Right.ERASURE, Right.OBJECTION, Right.WITHDRAW_CONSENT}


@given(st.lists(st.sampled_from(list(Right)), min_size=1))
def test_keys_are_unique_and_stages_never_go_backwards(rights: list[Right]) -> None:
    items = expand_checklist(rights, DEMO, TEMPLATES)
    assert len({i.key for i in items}) == len(items)
    stages = [STAGES.index(i.stage) for i in items]
    assert stages == sorted(stages)
    assert set(rights) == {r for i in items for r in i.rights}


def test_a_right_without_a_template_is_refused() -> None:
    templates = {Right.ACCESS: TEMPLATES[Right.ACCESS]}
    with pytest.raises(InvalidInput, match="no checklist template for the right 'erasure'"):
        expand_checklist([Right.ERASURE], DEMO, templates)


# --- user templates ---------------------------------------------------------------------------------------------

ERASURE_OVERRIDE = """\
[[items]]
key = "erase"
per_system = true
roles = ["own"]
label = "Wipe {system}"
guidance = "Erase."

[[items]]
key = "marketing"
per_system = true
categories = ["marketing"]
label = "Check marketing lists in {system}"
guidance = "Look."
"""


def test_a_user_file_replaces_the_shipped_template_for_its_right_only(tmp_path: Path) -> None:
    (tmp_path / "erasure.toml").write_text(ERASURE_OVERRIDE)
    (tmp_path / "notes.txt").write_text("ignored: not a template")
    templates = load_templates(tmp_path)
    assert templates[Right.ERASURE].source == str(tmp_path / "erasure.toml")
    assert templates[Right.ACCESS] == TEMPLATES[Right.ACCESS]
    expanded = [i.key for i in expand_checklist([Right.ERASURE], DEMO, templates)]
    assert expanded == [
        "erasure.erase.dpo-records",
        "erasure.marketing.hubspot",
        "erasure.marketing.office",
        "erasure.marketing.group",
    ]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def edit(old: str, new: str) -> str:
    assert old in ERASURE_OVERRIDE
    return ERASURE_OVERRIDE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (edit('["own"]', '["owner"]'), 4, "items[0].roles[0]: must be one of own"),
        (edit('"Wipe {system}"', '"Wipe"'), 5, "items[0].label: must contain {system}"),
        (edit("{system}", "{systen}"), 5, "items[0].label: unknown placeholder {systen}"),
        (edit('"marketing"', '"Marketing"'), 9, "items[1].key: must be lower-case"),
        (edit('key = "marketing"', 'key = "erase"'), 9, "items[1].key: duplicate key 'erase'"),
        (edit('"Look."', '"Look."\nper_sytem = 1'), 14, "items[1].per_sytem: unknown key"),
        (edit("per_system", "stage = 'later'\nper_system"), 3, "items[0].stage: must be one of assess, act"),
        (edit('"Erase."', '"Erase."\nroles2 = 1'), 7, "items[0].roles2: unknown key"),
        (edit('"Look."', '"Look.\\nMore."'), 13, "items[1].guidance: must be a single line"),
        ('[[items]]\nkey = "x"\nlabel = "X"\nguidance = "g"\nroles = ["own"]\n', 5, "items[0].roles: only applies"),
        ('[[items]]\nkey = "x"\nlabel = "X"\n', 1, "items[0].guidance: required"),
        ("title = 'x'\n", 1, "title: unknown key (valid: items)"),
        ("# empty\n", None, "items: required"),
        ('[[items]]\nkey = "x"\nlabel = "X\n', 3, "Illegal character"),
    ],
)
def test_malformed_template_names_file_line_and_key(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    path = write(tmp_path, "erasure.toml", text)
    where = f"{path}:{line}" if line else str(path)
    problems = check_templates(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{where}: ")
    assert message in problems[0]
    with pytest.raises(InvalidInput) as error:
        load_templates(tmp_path)
    assert str(error.value) == problems[0]


def test_every_problem_is_reported_and_files_must_be_named_after_a_right(tmp_path: Path) -> None:
    write(tmp_path, "erasure.toml", "items = 3\n")
    write(tmp_path, "deletion.toml", ERASURE_OVERRIDE)
    problems = check_templates(tmp_path)
    assert problems == [
        f"{tmp_path / 'deletion.toml'}: not named after a right (valid: access.toml, rectification.toml, erasure.toml, "
        "restriction.toml, portability.toml, objection.toml, automated_decision.toml, withdraw_consent.toml)",
        f"{tmp_path / 'erasure.toml'}:1: items: must be a list of tables ([[items]]), not a number",
    ]


def test_a_missing_user_folder_is_a_problem(tmp_path: Path) -> None:
    assert check_templates(tmp_path / "nope") == [f"{tmp_path / 'nope'}: checklist template folder not found"]


def test_templates_are_plain_data() -> None:
    assert all(isinstance(t, Template) and t.items for t in TEMPLATES.values())


# --- Art 15 supplementary information ---------------------------------------------------------------------------


def test_art15_supplementary_is_prefilled_from_the_demo_profile() -> None:
    sections = dict(art15_supplementary(DEMO))
    assert list(sections) == [
        "Why we use your data and our lawful basis",
        "The kinds of personal data we hold",
        "Who we share it with",
        "How long we keep it",
        "Where we got it",
        "Transfers outside the UK and EEA",
        "Your other rights",
        "Your right to complain",
        "Automated decision-making",
    ]
    assert "Contacting you about business opportunities: legitimate interests (Art 6(1)(f))" in sections[
        "Why we use your data and our lawful basis"
    ]
    assert "Identity: First name and last name." in sections["The kinds of personal data we hold"]
    assert "Event partners (recipient)" in sections["Who we share it with"]
    assert "HubSpot (service provider acting for us)" in sections["Who we share it with"]
    assert "legal, accounting and reporting" in sections["How long we keep it"]
    assert "LinkedIn" in sections["Where we got it"]
    assert "Google Analytics: Google's data processing terms" in sections["Transfers outside the UK and EEA"]
    assert "CRM" not in sections["Transfers outside the UK and EEA"]
    for right in ("correct", "erase", "restrict", "object"):
        assert right in sections["Your other rights"]
    assert "dpo@altostack.io" in sections["Your other rights"]
    complain = sections["Your right to complain"]
    assert "Information Commissioner's Office" in complain and "0303 123 1113" in complain and "SK9 5AF" in complain
    assert "We do not make decisions" in sections["Automated decision-making"]


def test_art15_supplementary_for_a_profile_without_transfers() -> None:
    sections = dict(art15_supplementary(custom_organisation()))
    transfers = sections["Transfers outside the UK and EEA"]
    assert transfers == "We do not transfer your personal data outside the UK and EEA."
    assert sections["Automated decision-making"].startswith("We score fraud risk")
    assert "Courier (recipient)" in sections["Who we share it with"]
