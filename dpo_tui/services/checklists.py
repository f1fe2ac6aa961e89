"""Checklist templates for new cases: the user's own files override the shipped ones.

A broken user template must not stop casework: the last good templates stay in use and `dpo-tui config check`
names the problem (file, line, key).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dpo_tui.domain.checklist import ChecklistItemSpec, Template, expand_checklist
from dpo_tui.loaders import load_templates
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.settings import Settings

_last_good: dict[str, dict[Right, Template]] = {}
# Parsing every template costs ~13 ms, which dominated `import --log-confident` (one parse per new case). The
# templates are parsed again only when the user's folder changes: its files' names, sizes and modification times.
_parsed: dict[str, tuple[tuple[tuple[str, int, int, int], ...] | None, dict[Right, Template]]] = {}


def _signature(user_dir: Path) -> tuple[tuple[str, int, int, int], ...] | None:
    if not user_dir.is_dir():
        return None
    out = []
    for path in sorted(user_dir.glob("*.toml")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def templates_for(settings: Settings) -> dict[Right, Template]:
    user_dir = settings.config_dir / "checklists"
    key, signature = str(user_dir), _signature(user_dir)
    cached = _parsed.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    try:
        templates = load_templates(user_dir if signature is not None else None)
    except InvalidInput:
        return _last_good.get(key) or load_templates(None)
    _last_good[key] = templates
    _parsed[key] = (signature, templates)
    return templates


def specs_for(settings: Settings, rights: Sequence[Right]) -> list[ChecklistItemSpec]:
    return expand_checklist(rights, settings.organisation, templates_for(settings))
