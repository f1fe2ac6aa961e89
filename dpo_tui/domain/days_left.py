"""Days left on a case: one definition for the case header, the queue, its counts, the command line and exports.

Kept free of imports (the queue's first paint reads it): see `Deadline.days_left` for the rule it serves.
"""

from __future__ import annotations

from datetime import date


def days_left(
    due: date | None,
    today: date,
    *,
    state: str,
    stopped_since: date | None = None,
    closed_on: date | None = None,
) -> int | None:
    """Days from `today` to the effective due date, negative when overdue; None while the clock has not started.

    A stopped clock does not run, so the value is frozen at what the DPO will have once the answer arrives (every
    day from `stopped_since` to the answer, both included, is added to the date): `due - stopped_since + 1`, the same
    on every day of the wait. A closed case keeps the margin it was closed with.
    """
    if due is None or state == "not_started":
        return None
    if state == "stopped" and stopped_since is not None:
        return (due - stopped_since).days + 1
    if state == "ended" and closed_on is not None:
        return (due - closed_on).days
    return (due - today).days
