"""How dates and day counts read everywhere in dpo-tui (screens, letters, explanations, CLI).

English names are spelled out here rather than taken from `strftime("%a")`, which follows the process locale: a
regulator-facing explanation must not change language with the machine it was printed on.
"""

from __future__ import annotations

import re
from datetime import date

from dpo_tui.domain.errors import InvalidInput

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def fmt(d: date, *, weekday: bool = True) -> str:
    """`Mon 2 Mar 2026` (no leading zero); `weekday=False` gives `2 Mar 2026` for intermediate steps."""
    core = f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return f"{_WEEKDAYS[d.weekday()]} {core}" if weekday else core


def relative_days(n: int) -> str:
    """Days left as a DPO says it: `due today`, `in 1 day`, `in 3 days`, `1 day overdue`, `2 days overdue`."""
    if n == 0:
        return "due today"
    unit = "day" if abs(n) == 1 else "days"
    return f"in {n} {unit}" if n > 0 else f"{-n} {unit} overdue"


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `11th`, `31st` (used in "February has no 31st")."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_iso(value: object) -> str:
    """An ISO date as stored in JSON records ("2026-11-05") in DPO style; anything else as it is."""
    try:
        return fmt(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def parse_reminder_day(text: str, today: date) -> date:
    """A day the DPO types for a reminder: `2026-12-01`, or `+N` calendar days / `+Nw` weeks from `today`
    (`+7` is a week from today). ValueError with a sentence saying what is accepted."""
    from datetime import timedelta

    value = text.strip().lower()
    if value.startswith("+") and value[1:].rstrip("dw").isdigit():
        n = int(value[1:].rstrip("dw"))
        return today + timedelta(days=n * 7 if value.endswith("w") else n)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a day: write YYYY-MM-DD, +N (days from today) or +Nw (weeks)") from None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str, field: str, *, missing: str = "give the date (YYYY-MM-DD)", example: str = "2026-11-02") -> date:
    """The one parser for a date a person typed (CLI options, TUI forms): exactly YYYY-MM-DD, a real calendar date.

    Stricter than `date.fromisoformat`, which also takes `20261102` and `2026-W45-1`: a regulator-facing date is
    written one way. `InvalidInput(field, ...)` otherwise, so a form puts the cursor on the field and the CLI
    prints `field: message`; `missing` is the message for an empty value."""
    value = text.strip()
    if not value:
        raise InvalidInput(field, missing)
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(field, f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. {example}")
