"""The state of a case's clock. A module of its own so the queue's first paint reads it without importing the
deadline engine (`dpo_tui.domain.clock`, which re-exports it, and python-dateutil behind it)."""

from __future__ import annotations

from enum import StrEnum


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    STOPPED = "stopped"
    ENDED = "ended"

    @property
    def paused(self) -> bool:
        """No days are counting while the case is open: not started (awaiting ID, authority, fee) or stopped."""
        return self in (ClockState.NOT_STARTED, ClockState.STOPPED)
