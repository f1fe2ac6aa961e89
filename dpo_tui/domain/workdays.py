"""Working days of an organisation: weekends plus the public holidays of its country (and UK nation, US state...).

Holidays come from the `holidays` package. It is imported on first use, not at module import: it costs ~0.2 s and
screens that only *show* cached due dates never need it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dpo_tui.domain.dates import WEEKDAY_NAMES
from dpo_tui.domain.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping

# Countries whose public holidays are called "bank holidays" in the explanations (the word a DPO there expects).
_BANK_HOLIDAY_COUNTRIES = frozenset({"GB", "UK"})
_GB_NATIONS = {
    "ENG": "England and Wales",
    "WLS": "England and Wales",  # Wales follows England for bank holidays (rights-requests.md 2.1 rule 4)
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}


@lru_cache(maxsize=1)
def _supported() -> Mapping[str, list[str]]:
    import holidays

    return holidays.list_supported_countries()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from holidays.registry import COUNTRIES

    # registry values are (ClassName, alpha2, alpha3, ...): "UnitedKingdom" -> "United Kingdom".
    return {v[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", v[0]) for v in COUNTRIES.values()}


@lru_cache(maxsize=None)
def _holidays_for(country: str, subdivision: str | None) -> Any:
    """One `holidays` object per (country, subdivision), shared by every calendar: it fills years lazily, so the
    cache also keeps the years already computed."""
    import holidays

    return holidays.country_holidays(country, subdiv=subdivision)


def _resolve(country: str, subdivision: str | None) -> tuple[str, str | None]:
    code = country.strip().upper()
    supported = _supported()
    if code not in supported:
        raise InvalidInput(
            None,
            f"unknown holiday country {country!r}: use a two-letter ISO code such as GB, IE, DE, FR or US"
        )
    if subdivision is None or not subdivision.strip():
        return code, None
    valid = supported[code]
    wanted = subdivision.strip().upper()
    for sub in valid:
        if sub.upper() == wanted:
            return code, sub
    if not valid:
        raise InvalidInput(None, f"{code} has no holiday subdivisions; leave the subdivision empty (got {subdivision!r})")
    raise InvalidInput(None, f"unknown subdivision {subdivision!r} for {code}; valid: {', '.join(valid)}")


class WorkCalendar:
    """Weekends (Saturday, Sunday) and the public holidays of `country` / `subdivision` are not working days.

    Raises InvalidInput for an unknown country or subdivision, naming the valid subdivisions.
    """

    def __init__(self, country: str, subdivision: str | None = None) -> None:
        self.country, self.subdivision = _resolve(country, subdivision)
        self._holidays = _holidays_for(self.country, self.subdivision)

    def __repr__(self) -> str:
        return f"WorkCalendar({self.country!r}, {self.subdivision!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkCalendar) and (self.country, self.subdivision) == (
            other.country,
            other.subdivision,
        )

    def __hash__(self) -> int:
        return hash((self.country, self.subdivision))

    @property
    def code(self) -> str:
        """`GB-ENG`, `IE`, `US-CA`: how the calendar is named in explanations and stored on a case."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    @property
    def holiday_word(self) -> str:
        return "bank holiday" if self.country in _BANK_HOLIDAY_COUNTRIES else "public holiday"

    @property
    def description(self) -> str:
        """`bank holidays of England and Wales (GB-ENG)`, `public holidays of Ireland (IE)`."""
        if self.country in ("GB", "UK") and self.subdivision in _GB_NATIONS:
            place = _GB_NATIONS[self.subdivision]
        else:
            place = _country_names().get(self.country, self.country)
            if self.subdivision:
                aliases = getattr(self._holidays, "subdivisions_aliases", {}) or {}
                names = [name for name, code in aliases.items() if code == self.subdivision]
                place = f"{names[0] if names else self.subdivision}, {place}"
        return f"{self.holiday_word}s of {place} ({self.code})"

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name on `d` (e.g. "Christmas Day (observed)"), or None."""
        return self._holidays.get(d)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays

    def non_working_reason(self, d: date) -> str | None:
        """Why `d` is not a working day, as a step of an explanation: `Saturday`, `Saturday (Christmas Day)`,
        `Christmas Day (bank holiday)`, `Christmas Day (substitute bank holiday)`; None on a working day."""
        name = self.holiday_name(d)
        if d.weekday() >= 5:
            return f"{WEEKDAY_NAMES[d.weekday()]} ({name})" if name else WEEKDAY_NAMES[d.weekday()]
        if name is None:
            return None
        # The package marks substitute days "X (observed)"; say what that means in the local word.
        if name.endswith(" (observed)"):
            return f"{name.removesuffix(' (observed)')} (substitute {self.holiday_word})"
        return f"{name} ({self.holiday_word})"

    def roll_forward(self, d: date) -> tuple[date, tuple[str, ...]]:
        """`d` itself if it is a working day, else the next working day; with the reason for each day skipped."""
        skipped: list[str] = []
        while (reason := self.non_working_reason(d)) is not None:
            skipped.append(reason)
            d += timedelta(days=1)
        return d, tuple(skipped)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.roll_forward(d + timedelta(days=1))[0]

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before `d`."""
        d -= timedelta(days=1)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); `start` itself never counts, so 10 business
        days from a Monday receipt is the Monday two weeks later. n == 0 gives `start` unchanged."""
        d = start
        for _ in range(abs(n)):
            d = self.next_working_day(d) if n > 0 else self.previous_working_day(d)
        return d
