"""The settings file (TOML): organisation profile, policies, fees, keymap, the user's name for the audit trail.

A missing file means the defaults: the shipped demo organisation. An invalid file is reported as one line
naming the file, line and key; it never produces a traceback.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dpo_tui.domain.organisation import DataFileError, Organisation, parse_organisation, parse_toml
from dpo_tui.loaders import demo_organisation
from dpo_tui.domain.text import problem
from dpo_tui.intake.config import IntakeSettings, IntakeSettingsError, parse_intake
from dpo_tui.paths import settings_path


class SettingsError(Exception):
    """The settings file cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class Policy:
    """Choices the law leaves to the organisation (rights-requests.md marks them **policy**)."""

    internal_target_days: int = 0
    """Show an internal target this many days after the clock start beside the legal date (0 = off)."""
    id_no_response_days: int = 28
    """Flag a case awaiting ID for longer than this many days."""
    clarification_no_response_days: int = 28
    """Flag an unanswered clarification question after this many days."""
    fee_unpaid_days: int = 28
    """Flag a fee still unpaid after this many days."""
    retention_years: int = 2
    """Keep closed case files this many years after closure."""
    retention_action: str = "anonymise"
    """What `dpo-tui retention --apply` does to a case past retention: "anonymise" (default: personal data removed,
    the case file's structure and register row kept) or "purge" (the case file deleted, the register row kept)."""
    retention_by_right: dict[str, int] = field(default_factory=dict)
    """`[policy.retention_by_right]`: years per right (e.g. `erasure = 6`); a case keeps the longest of its rights'."""
    eu_identity_restarts: bool = False
    """EU GDPR: restart the month when requested identity information arrives (the GDPR is silent)."""
    eu_stop_clock: bool = False
    """EU GDPR: stop the clock while a clarification question is unanswered (no statutory basis)."""
    eu_member_state: str = ""
    """EU GDPR: the member state (e.g. "IE", "DE-BY") whose public holidays and supervisory authority apply to a case
    that names none. Empty (default): every EU case must name its member state; no calendar is assumed."""


@dataclass(frozen=True)
class Fees:
    """Rates for a reasonable administrative fee (manifestly unfounded/excessive requests, further copies)."""

    currency: str = "GBP"
    hourly_rate: float = 25.0
    per_page_copy: float = 0.10
    per_page_print: float = 0.10
    postage: float = 2.50


@dataclass(frozen=True)
class CalendarSettings:
    """`dpo-tui calendar`: calendars get synced to phones and shared; keep personal data out unless chosen."""

    include_requester_name: bool = False
    """Put the requester's name in event titles (off: reference, right and what is due only)."""


@dataclass(frozen=True)
class Settings:
    path: Path
    exists: bool
    user_name: str
    organisation: Organisation
    policy: Policy = field(default_factory=Policy)
    fees: Fees = field(default_factory=Fees)
    keymap: dict[str, str] = field(default_factory=dict)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    smtp: Any = None  # dpo_tui.mail.config.SmtpSettings; Any so that loading settings never imports the mail code
    intake: IntakeSettings = field(default_factory=IntakeSettings)

    @property
    def config_dir(self) -> Path:
        return self.path.parent


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "dpo"


def defaults() -> Settings:
    return Settings(path=settings_path(), exists=False, user_name=default_user(), organisation=demo_organisation())


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path=path, exists=False, user_name=default_user(), organisation=demo_organisation())
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({(exc.strerror or type(exc).__name__).lower()})") from None
    source = str(path)
    try:
        data = parse_toml(text, source)
    except DataFileError as exc:
        raise SettingsError(str(exc)) from None

    def fail(key: str, message: str) -> SettingsError:
        return SettingsError(str(DataFileError(source, key, message).located(text)))

    known = {"user", "organisation", "policy", "fees", "keymap", "calendar", "smtp", "intake"}
    for key in data:
        if key not in known:
            raise fail(key, f"unknown section (expected one of: {', '.join(sorted(known))})")
    user = data.get("user", {})
    user_name = user.get("display_name", default_user()) if isinstance(user, dict) else None
    if not isinstance(user_name, str) or not user_name.strip():
        raise fail("user.display_name", "must be a non-empty string")
    if problem(user_name):  # it goes into every audit event: it must be storable
        raise fail("user.display_name", str(problem(user_name)))
    try:
        org = parse_organisation(data["organisation"], source=source) if "organisation" in data else demo_organisation()
    except DataFileError as exc:
        raise SettingsError(str(exc.located(text))) from None
    policy = _policy(data.get("policy", {}), fail)
    fees = _typed(Fees, data.get("fees", {}), "fees", fail)
    calendar = _typed(CalendarSettings, data.get("calendar", {}), "calendar", fail)
    smtp = None
    if "smtp" in data:  # refuses a password in the file, naming the line (`config check` runs this too)
        from dpo_tui.mail.config import parse_smtp

        smtp = parse_smtp(data["smtp"], fail)
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise fail("keymap", "must be a table of binding id = key")
    for k, v in keymap.items():
        if not isinstance(v, str):
            raise fail(f"keymap.{k}", 'must be a key name string such as "ctrl+f"')
    try:
        intake = parse_intake(data.get("intake"), org.country, org.subdivision)
    except IntakeSettingsError as exc:
        raise fail(exc.key, exc.message) from None
    return Settings(
        path=path, exists=True, user_name=user_name.strip(), organisation=org, policy=policy, fees=fees, keymap=dict(keymap),
        calendar=calendar, smtp=smtp, intake=intake,
    )


# Upper bounds: a day count feeds date arithmetic (which overflows past year 9999), so an absurd value is a typo.
_MAX_INT = 3660
_MAXIMA = {"retention_years": 100}
_MAX_MONEY = 1_000_000.0


def _policy(table: Any, fail: Any) -> Policy:
    """`[policy]`, with its one sub-table (`retention_by_right`) checked key by key."""
    if not isinstance(table, dict):
        raise fail("policy", "must be a table")
    from dpo_tui.domain.retention import ACTIONS
    from dpo_tui.domain.rights import Right

    rest = dict(table)
    by_right = rest.pop("retention_by_right", {})
    if not isinstance(by_right, dict):
        raise fail("policy.retention_by_right", "must be a table of right = years")
    top = _MAXIMA["retention_years"]
    for key, value in by_right.items():
        if key not in {r.value for r in Right}:
            raise fail(f"policy.retention_by_right.{key}", f"unknown right (known: {', '.join(r.value for r in Right)})")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise fail(f"policy.retention_by_right.{key}", f"must be a whole number of years from 0 to {top}")
    policy = _typed(Policy, rest, "policy", fail)
    if policy.retention_action not in ACTIONS:
        raise fail("policy.retention_action", f"must be one of: {', '.join(ACTIONS)}")
    return Policy(**{**policy.__dict__, "retention_by_right": dict(by_right)})


def _typed(cls: type, table: Any, section: str, fail: Any) -> Any:
    if not isinstance(table, dict):
        raise fail(section, "must be a table")
    allowed = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            raise fail(f"{section}.{key}", f"unknown setting (known: {', '.join(allowed)})")
        default = allowed[key].default
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise fail(f"{section}.{key}", "must be true or false")
        elif isinstance(default, int):
            top = _MAXIMA.get(key, _MAX_INT)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > top:
                raise fail(f"{section}.{key}", f"must be a whole number from 0 to {top}")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= _MAX_MONEY:
                raise fail(f"{section}.{key}", f"must be a number from 0 to {_MAX_MONEY:,.0f}")
            value = float(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise fail(f"{section}.{key}", "must be a string")
        values[key] = value
    return cls(**values)
