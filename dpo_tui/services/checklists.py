"""Checklist templates for new cases: the user's own files override the shipped ones.

A broken user template must not stop casework: the last good templates stay in use and `dpo-tui config check`
names the problem (file, line, key).
"""

from __future__ import annotations

from collections.abc import Sequence

from dpo_tui.domain.checklist import ChecklistItemSpec, Template, expand_checklist
from dpo_tui.loaders import load_templates
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.settings import Settings

_last_good: dict[str, dict[Right, Template]] = {}


def templates_for(settings: Settings) -> dict[Right, Template]:
    user_dir = settings.config_dir / "checklists"
    try:
        templates = load_templates(user_dir if user_dir.is_dir() else None)
    except InvalidInput:
        return _last_good.get(str(user_dir)) or load_templates(None)
    _last_good[str(user_dir)] = templates
    return templates


def specs_for(settings: Settings, rights: Sequence[Right]) -> list[ChecklistItemSpec]:
    return expand_checklist(rights, settings.organisation, templates_for(settings))
