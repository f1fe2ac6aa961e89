"""What every demo story does first: log a request received some days before the demo's "today"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from dpo_tui.domain.rights import Right
from dpo_tui.services.casework import Casework, NewRequest
from dpo_tui.services.views import CaseDetail

DEMO_DPO = "Jordan Ellis"  # the demo organisation's DPO, assignee of the story cases


def log_story(
    work: Casework, today: date, name: str, email: str, rights: Iterable[Right], days_ago: int, text: str, **extra: Any
) -> CaseDetail:
    """Log a request through the real service; `extra` are further NewRequest fields (channel, assignee, agent…)."""
    extra.setdefault("channel", "email")
    extra.setdefault("assignee", DEMO_DPO)
    return work.log_request(
        NewRequest(
            name=name,
            email=email,
            rights=tuple(rights),
            received=today - timedelta(days=days_ago),
            description=text,
            **extra,
        )
    )
