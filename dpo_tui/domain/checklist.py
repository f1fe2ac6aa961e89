"""Fulfilment checklists: per-right templates (TOML data) expanded against the organisation's systems.

A template item is either done once per case or once per system matching its filter (role, data categories).
Items of several rights invoked by one case are ordered by stage (assess before acting, notify before responding),
and an item marked `shared` appears once however many rights list it, e.g. the final response.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.organisation import (
    DataFileError,
    Organisation,
    System,
    SystemRole,
    TableReader,
    parse_toml,
)
from dpo_tui.domain.rights import Right
from dpo_tui.domain.states import ItemState

STAGES: tuple[str, ...] = ("assess", "act", "review", "notify", "respond", "close")
# Within a stage, rights that need the data come before erasure, which destroys it: an access copy or a
# portability export must be taken before the erasure it accompanies.
WORK_ORDER: tuple[Right, ...] = (
    Right.ACCESS,
    Right.PORTABILITY,
    Right.RECTIFICATION,
    Right.RESTRICTION,
    Right.OBJECTION,
    Right.WITHDRAW_CONSENT,
    Right.AUTOMATED_DECISION,
    Right.ERASURE,
)
SHARED_PREFIX = "shared"

_ITEM_KEYS = (
    "key", "label", "guidance", "stage", "per_system", "roles", "categories", "requires_search_record", "shared",
)  # fmt: skip


@dataclass(frozen=True)
class TemplateItem:
    key: str
    label: str  # may contain {system} when per_system
    guidance: str  # one line: what the law requires
    stage: str = "act"
    per_system: bool = False
    roles: tuple[SystemRole, ...] = tuple(SystemRole)
    categories: tuple[str, ...] = ()  # per_system only: systems holding any of these; empty = any system
    requires_search_record: bool = False
    shared: bool = False

    def applies_to(self, system: System) -> bool:
        if system.role not in self.roles:
            return False
        return not self.categories or any(c in system.categories for c in self.categories)


@dataclass(frozen=True)
class Template:
    right: Right
    items: tuple[TemplateItem, ...]
    source: str  # the file it came from, for messages and `config check`


@dataclass(frozen=True)
class ChecklistItemSpec:
    """One item of a case's checklist, before anyone has worked on it."""

    key: str  # stable and unique within a case: "access.search.hubspot", "shared.respond"
    right: Right  # the first right (in WORK_ORDER) that asked for it; its template's wording is used
    system_key: str | None
    label: str
    guidance: str
    requires_search_record: bool  # the item records search terms and found / nothing found
    stage: str
    rights: tuple[Right, ...]  # every right of the case that asked for it (several for shared items)


# ---------------------------------------------------------------------------------------------------------------
# Expansion
# ---------------------------------------------------------------------------------------------------------------


def expand_checklist(
    rights: Sequence[Right], org: Organisation, templates: Mapping[Right, Template]
) -> list[ChecklistItemSpec]:
    """The checklist for a case invoking `rights`, in working order."""
    ordered: list[tuple[tuple[int, int, int, int], ChecklistItemSpec]] = []
    for right in dict.fromkeys(rights):
        template = templates.get(right)
        if template is None:
            raise InvalidInput(None, f"no checklist template for the right {right.value!r}")
        right_index = WORK_ORDER.index(right)
        for item_index, item in enumerate(template.items):
            for system_index, spec in _expand_item(right, item, org):
                ordered.append(((STAGES.index(item.stage), right_index, item_index, system_index), spec))
    ordered.sort(key=lambda pair: pair[0])

    merged: dict[str, ChecklistItemSpec] = {}
    for _, spec in ordered:
        first = merged.get(spec.key)
        if first is None:
            merged[spec.key] = spec
        elif spec.right not in first.rights:
            merged[spec.key] = replace(first, rights=first.rights + (spec.right,))
    return list(merged.values())


def _expand_item(right: Right, item: TemplateItem, org: Organisation) -> list[tuple[int, ChecklistItemSpec]]:
    prefix = f"{SHARED_PREFIX}.{item.key}" if item.shared else f"{right.value}.{item.key}"
    if not item.per_system:
        return [(0, _spec(right, item, prefix, None))]
    return [
        (index, _spec(right, item, f"{prefix}.{system.key}", system))
        for index, system in enumerate(org.systems)
        if item.applies_to(system)
    ]


def _spec(right: Right, item: TemplateItem, key: str, system: System | None) -> ChecklistItemSpec:
    name = system.name if system else ""
    return ChecklistItemSpec(
        key=key,
        right=right,
        system_key=system.key if system else None,
        label=item.label.format(system=name),
        guidance=item.guidance.format(system=name),
        requires_search_record=item.requires_search_record,
        stage=item.stage,
        rights=(right,),
    )


def parse_template(right: Right, text: str, source: str) -> Template:
    """One template file's text; errors name the file, line and key."""
    try:
        return _parse_template_data(right, parse_toml(text, source), source)
    except DataFileError as error:
        raise error.located(text) if error.line is None else error from None


def _parse_template_data(right: Right, data: Mapping[str, Any], source: str) -> Template:
    root = TableReader(data, "", source)
    root.check_keys(("items",))
    tables = root.tables("items", required=True)
    root.unique(tables)
    return Template(right=right, items=tuple(_parse_item(table) for table in tables), source=source)


def _parse_item(table: TableReader) -> TemplateItem:
    table.check_keys(_ITEM_KEYS)
    key = table.one_line("key")
    if not re.fullmatch(r"[a-z0-9_]+", key):
        raise table.error("key", "must be lower-case letters, digits or '_' (it becomes part of item keys)")
    per_system = table.flag("per_system", False)
    label = table.one_line("label")
    guidance = table.one_line("guidance")
    for field, value in (("label", label), ("guidance", guidance)):
        _check_placeholders(table, field, value, per_system)
    if per_system and "{system}" not in label:
        raise table.error("label", "must contain {system} when per_system is true, or items read alike")
    if not per_system:
        for field in ("roles", "categories"):
            if field in table.data:
                raise table.error(field, "only applies when per_system is true")
    roles = table.texts("roles", required="roles" in table.data)
    for i, role in enumerate(roles):
        if role not in [r.value for r in SystemRole]:
            raise table.error(f"roles[{i}]", f"must be one of {', '.join(r.value for r in SystemRole)}")
    return TemplateItem(
        key=key,
        label=label,
        guidance=guidance,
        stage=table.choice("stage", STAGES, "act"),
        per_system=per_system,
        roles=tuple(SystemRole(r) for r in roles) if roles else tuple(SystemRole),
        categories=table.texts("categories"),
        requires_search_record=table.flag("requires_search_record", False),
        shared=table.flag("shared", False),
    )


def _check_placeholders(table: TableReader, field: str, value: str, per_system: bool) -> None:
    allowed = {"system"} if per_system else set()
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        raise table.error(field, "unbalanced { or }: write {{ and }} for literal braces") from None
    unknown = names - allowed
    if unknown:
        hint = "only {system}, in per_system items" if not per_system else "only {system}"
        raise table.error(field, f"unknown placeholder {{{sorted(unknown)[0]}}} ({hint})")


# ---------------------------------------------------------------------------------------------------------------
# Art 15 supplementary information
# ---------------------------------------------------------------------------------------------------------------


def art15_supplementary(org: Organisation) -> list[tuple[str, str]]:
    """(heading, text) sections of an access reply beyond the copy itself (Art 15(1)-(2)), from the profile."""
    purposes = _bullets(f"{p.name}: {p.lawful_basis_label}" for p in org.purposes)
    return [
        ("Why we use your data and our lawful basis", purposes),
        ("The kinds of personal data we hold", _bullets(f"{c.name}: {c.description}" for c in org.categories)),
        ("Who we share it with", _recipients(org)),
        ("How long we keep it", org.retention),
        ("Where we got it", "Where we did not collect it from you directly:\n" + _bullets(org.sources)),
        ("Transfers outside the UK and EEA", _transfers(org)),
        (
            "Your other rights",
            "You may ask us to correct inaccurate data or complete incomplete data (rectification), to erase it, to "
            "restrict how we use it, and you may object to our using it, including at any time to direct marketing. "
            f"Contact {org.dpo_name}, our data protection officer, at {org.dpo_email}.",
        ),
        (
            "Your right to complain",
            f"You may complain to the {org.supervisory_authority.name}:\n{org.supervisory_authority.address}\n"
            f"Telephone {org.supervisory_authority.phone}, {org.supervisory_authority.website}",
        ),
        (
            "Automated decision-making",
            org.automated_decision_making
            or "We do not make decisions about you based solely on automated processing, including profiling, "
            "that have legal or similarly significant effects.",
        ),
    ]


def _bullets(lines: Any) -> str:
    return "\n".join(f"- {line}" for line in lines)


_ROLE_WORDS = {
    SystemRole.OWN: "our own system",
    SystemRole.PROCESSOR: "service provider acting for us",
    SystemRole.RECIPIENT: "recipient",
}


def _recipients(org: Organisation) -> str:
    return recipients_text(org)


def recipients_text(org: Organisation, exclude: Collection[str] = ()) -> str:
    """Art 15(1)(c): the categories of recipients and the named service providers and recipients, leaving out the
    systems in `exclude` (keys a case's checklist recorded as holding or receiving nothing of the person)."""
    parts = []
    if org.recipients:
        parts.append(_bullets(org.recipients))
    named = [s for s in org.systems_with_role(SystemRole.PROCESSOR, SystemRole.RECIPIENT) if s.key not in exclude]
    if named:
        parts.append("Specifically:\n" + _bullets(f"{s.name} ({_ROLE_WORDS[s.role]})" for s in named))
    return "\n".join(parts) or "We do not share your personal data with anyone else."


def _transfers(org: Organisation) -> str:
    outside = [s for s in org.systems if s.outside_uk_eea]
    if not outside:
        return org.transfers or "We do not transfer your personal data outside the UK and EEA."
    lines = _bullets(f"{s.name}: {s.safeguard}" for s in outside)
    return f"{org.transfers}\n{lines}" if org.transfers else lines


# ---------------------------------------------------------------------------------------------------------------
# Objection to direct marketing (Art 21(2)-(3)): absolute, never refused
# ---------------------------------------------------------------------------------------------------------------

DIRECT_MARKETING_KEY = "objection.direct_marketing"


def marketing_items_protected(rights: Sequence[str], items: Sequence[tuple[str, str]]) -> set[str]:
    """Keys of the items that honour an objection to direct marketing and so may never be skipped.

    `items` are (key, state). Empty unless the case invokes the right to object and the DPO has not recorded (by
    marking `objection.direct_marketing` not applicable) that the objection is to something other than marketing.
    """
    if Right.OBJECTION.value not in rights:
        return set()
    states = dict(items)
    if states.get(DIRECT_MARKETING_KEY) == ItemState.NA:
        return set()
    return {k for k in states if k == "shared.suppress" or k.startswith("objection.stop.")}


def marketing_objection_refusal(rights: Sequence[str], states: Mapping[str, str]) -> str | None:
    """Why a case may not be refused (it objects to direct marketing), else None."""
    if Right.OBJECTION.value in rights and states.get(DIRECT_MARKETING_KEY) != ItemState.NA:
        return (
            "an objection to direct marketing can never be refused: stop the marketing and add the person to the "
            "suppression list. If the objection is to other processing, record that first on the checklist."
        )
    return None


# ---------------------------------------------------------------------------------------------------------------
# Completing a case: every path to `completed` (case screen, queue bulk, command line) passes here
# ---------------------------------------------------------------------------------------------------------------


class OpenItems(DomainError):
    """Completing the case was refused: items are still open. `items` is [(key, label)] in checklist order."""

    def __init__(self, ref: str, items: Sequence[tuple[str, str]]) -> None:
        self.ref = ref
        self.items = list(items)
        listed = "\n".join(f"  - {label}" for _, label in self.items)
        super().__init__(
            f"{ref} has {len(self.items)} open checklist item(s); tick them, mark them not applicable, "
            f"or complete with an override reason:\n{listed}"
        )


class MarketingObjection(DomainError):
    """An objection to direct marketing is absolute: the items honouring it cannot be skipped."""


def check_completion(
    ref: str, rights: Sequence[str], items: Sequence[tuple[str, str, str]], override_reason: str | None
) -> list[tuple[str, str]]:
    """The one rule for completing a case. `items` are (key, label, state) in checklist order.

    Open items refuse completion (OpenItems) unless the DPO records an override reason; even then the items that
    honour an objection to direct marketing can never be left open (MarketingObjection). Returns the open items the
    override leaves open ([] when none), for the audit trail."""
    open_items = [(key, label) for key, label, state in items if state == "open"]
    if not open_items:
        return []
    if not " ".join((override_reason or "").split()):
        raise OpenItems(ref, open_items)
    protected = marketing_items_protected(rights, [(key, state) for key, _, state in items])
    skipped = [label for key, label in open_items if key in protected]
    if skipped:
        raise MarketingObjection(
            "an objection to direct marketing can never be refused or left undone; first do: " + "; ".join(skipped)
        )
    return open_items
