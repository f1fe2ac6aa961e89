"""Deadline regimes as data: one TOML profile per legal regime (rights-requests.md 2.4).

Shipped profiles live in `dpo_tui/domain/regimes/*.toml`. A DPO adds or overrides one by dropping a TOML file in
`dpo_tui.loaders.user_regimes_dir()` (a `regimes/` folder next to the settings file); a user file with the same `key` wins, so an
organisation can correct a shipped rule without waiting for a release. See `data/regimes/pipeda.toml` for an example.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from dpo_tui.domain.errors import InvalidInput

PeriodUnit = Literal["months", "days"]
# How the period is counted. Both give the same date for months; for days, "receipt_is_day_one" ends on
# received + N - 1 and "receipt_not_counted" on received + N. The wording of each explanation follows it.
Counting = Literal["receipt_is_day_one", "receipt_not_counted"]
Roll = Literal["next_working_day", "none"]

# Bounds on a profile's numbers: no law gives years to answer, and an absurd length (100000000) would overflow
# every date computed from it. Ten years is far beyond any regime yet leaves date arithmetic safe.
MAX_LENGTH = {"months": 120, "days": 3660}
MAX_ACK_BUSINESS_DAYS = 260

RESTART_KINDS = ("id", "authority", "fee")  # prefixes of ClockEventKind.*_REQUESTED / *_RECEIVED
STOP_CLOCK_KINDS = ("clarification",)
_IDENTITY_KINDS = frozenset({"id", "authority"})


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    description: str
    period_unit: PeriodUnit
    period: int
    counting: Counting
    roll: Roll
    country: str  # default holiday calendar ("" = none: each case names its own, e.g. eu-gdpr's member state)
    subdivision: str | None
    extension: int  # in period_unit, on top of `period`; 0 = the regime has no extension
    extension_notice: str  # human wording of when the person must be told (always by the un-extended due date)
    restart_on: frozenset[str]  # subset of RESTART_KINDS whose *_RECEIVED restarts the clock
    identity_restarts: bool  # policy: ID and authority restart the clock even if restart_on omits them
    stop_clock_on: frozenset[str]  # subset of STOP_CLOCK_KINDS
    stop_clock_rights: frozenset[str]  # stop-the-clock applies only when the case invokes one of these rights
    acknowledge_business_days: int | None
    refusal_note: str
    source: str = "<shipped>"  # the file it came from, for error messages and `dpo-tui config`

    @property
    def has_extension(self) -> bool:
        return self.extension > 0

    @property
    def restart_kinds(self) -> frozenset[str]:
        """The kinds whose receipt restarts the clock, after the `identity_restarts` policy."""
        return self.restart_on | _IDENTITY_KINDS if self.identity_restarts else self.restart_on

    def stops_clock_for(self, rights: frozenset[str] | set[str] | tuple[str, ...] | list[str]) -> bool:
        return "clarification" in self.stop_clock_on and bool(self.stop_clock_rights & set(rights))

    def with_policy(self, *, identity_restarts: bool | None = None, stop_clock: bool | None = None) -> Regime:
        """Apply the organisation's policy switches (rights-requests.md 2.2: both off by default for eu-gdpr).
        `stop_clock=True` makes clarification stop the clock for `stop_clock_rights`; False switches it off."""
        changes: dict[str, Any] = {}
        if identity_restarts is not None:
            changes["identity_restarts"] = identity_restarts
        if stop_clock is not None:
            changes["stop_clock_on"] = frozenset(STOP_CLOCK_KINDS) if stop_clock else frozenset()
        return dataclasses.replace(self, **changes)


def parse_regime(text: str, source: str) -> Regime:
    """Build a Regime from a TOML profile; `source` names the file in every error."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(None, f"{source}: not valid TOML ({exc})") from None
    r = _Reader(doc, source)
    period_unit = r.choice("period.unit", ("months", "days"))
    extension = r.integer("extension.length", default=0, minimum=0, maximum=MAX_LENGTH[period_unit])
    if extension and r.get("extension.unit", period_unit) != period_unit:
        # The extended date is computed as clock start + (period + extension): one unit keeps that exact.
        r.fail("extension.unit", f"must equal period.unit ({period_unit!r})")
    ack = r.integer("acknowledgement.business_days", default=0, minimum=0, maximum=MAX_ACK_BUSINESS_DAYS)
    return Regime(
        key=r.text("key"),
        name=r.text("name"),
        description=" ".join(r.text("description", default="").split()),
        period_unit=period_unit,  # type: ignore[arg-type]
        period=r.integer("period.length", minimum=1, maximum=MAX_LENGTH[period_unit]),
        counting=r.choice("period.counting", ("receipt_is_day_one", "receipt_not_counted")),  # type: ignore[arg-type]
        roll=r.choice("period.roll", ("next_working_day", "none")),  # type: ignore[arg-type]
        country=r.text("calendar.country", default="").upper(),
        subdivision=r.text("calendar.subdivision", default="") or None,
        extension=extension,
        extension_notice=r.text("extension.notice", default="before the un-extended due date"),
        restart_on=r.subset("restart.on", RESTART_KINDS),
        identity_restarts=r.boolean("restart.identity_restarts", default=False),
        stop_clock_on=r.subset("stop_clock.on", STOP_CLOCK_KINDS),
        stop_clock_rights=frozenset(r.str_list("stop_clock.rights")),
        acknowledge_business_days=ack or None,
        refusal_note=" ".join(r.text("refusal.note", default="").split()),
        source=source,
    )


_MISSING = object()


class _Reader:
    """Typed access to dotted TOML keys with errors like `pipeda.toml: period.length: must be an integer`."""

    def __init__(self, doc: dict[str, Any], source: str) -> None:
        self.doc, self.source = doc, source

    def fail(self, key: str, problem: str) -> NoReturn:
        raise InvalidInput(None, f"{self.source}: {key}: {problem}")

    def get(self, key: str, default: Any = _MISSING) -> Any:
        node: Any = self.doc
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is _MISSING:
                    self.fail(key, "missing")
                return default
            node = node[part]
        return node

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or (default is _MISSING and not value.strip()):
            self.fail(key, "must be a non-empty string")
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, f"must be an integer >= {minimum}, not {value!r}")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, not {value!r}")
        return value

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.get(key)
        if value not in allowed:
            self.fail(key, f"must be one of {', '.join(repr(a) for a in allowed)}, not {value!r}")
        return value

    def str_list(self, key: str) -> list[str]:
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of strings")
        return value

    def subset(self, key: str, allowed: tuple[str, ...]) -> frozenset[str]:
        values = self.str_list(key)
        for v in values:
            if v not in allowed:
                self.fail(key, f"unknown {v!r}; allowed: {', '.join(allowed)}")
        return frozenset(values)
