"""Small shared pieces of the screens: the deadline badge (used by the case header and the queue).

Pure functions over plain objects: no database, no app, nothing imported beyond Rich and the date words, so the
queue can use them on its first paint. They accept either a `CaseDetail` (services.views) or a `QueueRow`
(store.queue) by duck typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rich.text import Text

from dpo_tui.domain.clock import ClockEventKind, ClockState
from dpo_tui.domain.dates import fmt, relative_days
from dpo_tui.domain.lifecycle import AWAITING, Status
from dpo_tui.tui.formatting import status_words

# Badge levels, most urgent first; each is also a CSS class on the badge widget ("badge-overdue" ...).
OVERDUE, SOON, PAUSED, OK, CLOSED = "overdue", "soon", "paused", "ok", "closed"
STYLES = {OVERDUE: "bold red", SOON: "bold dark_orange", PAUSED: "dim", OK: "green", CLOSED: "dim"}
SOON_DAYS = 7

# The clock events that hold the clock at not-started, as the DPO says them, and the events that release them.
_NOT_STARTED_WORDS = {
    ClockEventKind.ID_REQUESTED: "ID",
    ClockEventKind.AUTHORITY_REQUESTED: "authority to act",
    ClockEventKind.FEE_REQUESTED: "fee",
}
_STARTERS = {
    ClockEventKind.ID_RECEIVED: ClockEventKind.ID_REQUESTED,
    ClockEventKind.AUTHORITY_RECEIVED: ClockEventKind.AUTHORITY_REQUESTED,
    ClockEventKind.FEE_RECEIVED: ClockEventKind.FEE_REQUESTED,
}


@dataclass(frozen=True)
class Badge:
    """The deadline at a glance: `due` ("Wed 2 Dec 2026" or "no due date yet"), `days` ("in 7 days" or ""),
    `clock` (plain words: "clock running", "clock stopped — awaiting clarification"...) and `level` (see STYLES)."""

    due: str
    days: str
    clock: str
    level: str

    @property
    def style(self) -> str:
        return STYLES[self.level]


def deadline_badge(obj: Any, today: date) -> Badge:
    """The badge of a CaseDetail or a QueueRow on `today`."""
    status = str(getattr(obj, "status", ""))
    deadline = getattr(obj, "deadline", None)
    if deadline is not None:  # CaseDetail
        due_date = deadline.effective_due
        state = ClockState(deadline.state)
        extended = bool(deadline.extended)
        left = deadline.days_left(today)
        is_open = bool(getattr(obj, "is_open", True))
    else:  # QueueRow
        due_date = getattr(obj, "due", None)
        state = ClockState(getattr(obj, "clock_state", ClockState.RUNNING))
        extended = bool(getattr(obj, "extended", False))
        is_open = bool(getattr(obj, "is_open", True))
        from dpo_tui.domain.days_left import days_left  # the one definition (frozen while stopped)

        since = getattr(obj, "stopped_since", None)
        left = days_left(due_date, today, state=state, stopped_since=since) if is_open else None

    due = fmt(due_date) if due_date else "no due date yet"
    days = relative_days(left) if left is not None and is_open else ""

    if not is_open or state is ClockState.ENDED:
        words = status_words(status) if status else "closed"
        return Badge(due, days, f"clock ended — {words}", CLOSED)
    if state is ClockState.NOT_STARTED:
        return Badge(due, days, "clock not started — " + _not_started_reason(obj, status), PAUSED)
    if state is ClockState.STOPPED:
        since = getattr(deadline if deadline is not None else obj, "stopped_since", None)
        words = "clock stopped — awaiting clarification"
        if since:
            words += f" since {fmt(since)}"
        return Badge(due, days, words, PAUSED)
    words = "clock running, extended" if extended else "clock running"
    target = getattr(deadline, "internal_target", None) if deadline is not None else None
    if target:  # the organisation's own target (policy), beside the legal date and never instead of it
        words += f" · internal target {fmt(target)}"
    if left is not None and left < 0:
        level = OVERDUE
    elif left is not None and left <= SOON_DAYS:
        level = SOON
    else:
        level = OK
    return Badge(due, days, words, level)


def _not_started_reason(obj: Any, status: str) -> str:
    """"awaiting ID since Mon 2 Nov 2026": from the clock events when we have them, else the status."""
    events = getattr(obj, "clock_events", None)
    if events:
        waiting: dict[str, date] = {}
        for ev in events:
            kind = str(ev.kind)
            if kind in _NOT_STARTED_WORDS:
                waiting[kind] = ev.on
            elif kind in _STARTERS:
                waiting.pop(_STARTERS[kind], None)
        if waiting:
            return " and ".join(f"awaiting {_NOT_STARTED_WORDS[k]} since {fmt(d)}" for k, d in waiting.items())
    words = Status(status).label if status in AWAITING else "awaiting the requester"
    since = getattr(obj, "status_since", None)
    if isinstance(since, datetime):
        return f"{words} since {fmt(since.date())}"
    return words


def deadline_badge_text(obj: Any, today: date, *, sep: str = " · ") -> Text:
    """One line: "Due Wed 2 Dec 2026 · in 7 days · clock running", coloured by urgency."""
    b = deadline_badge(obj, today)
    parts = [f"Due {b.due}" if not b.due.startswith("no ") else b.due.capitalize()]
    if b.days:
        parts.append(b.days)
    parts.append(b.clock)
    return Text(sep.join(parts), style=b.style)
