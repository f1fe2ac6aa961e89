"""The settings file (TOML): organisation profile, policies, fees, keymap, the user's name for the audit trail.

A missing file means the defaults: the shipped demo organisation. An invalid file is reported as one line
naming the file, line and key; it never produces a traceback.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from dpo_tui.domain.organisation import DataFileError, Organisation, parse_organisation, parse_toml
from dpo_tui.loaders import demo_organisation
from dpo_tui.domain.text import problem
from dpo_tui.intake.config import IntakeSettings, IntakeSettingsError, parse_intake
from dpo_tui.paths import settings_path


def read_only(mapping: dict[str, Any]) -> Mapping[str, Any]:
    """A read-only view of `mapping`, as the settings hold their tables: how a pickled one is rebuilt."""
    return MappingProxyType(mapping)


# The queue's helper process reads the settings and hands them over pickled (store.early_page); a read-only mapping
# cannot be pickled by itself.
copyreg.pickle(MappingProxyType, lambda mapping: (read_only, (dict(mapping),)))


class SettingsError(Exception):
    """The settings file cannot be used; the message names file, line and key. `problems` lists every problem found
    (the message is the first, saying how many more there are: `dpo-tui config check` lists them all)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems) if problems else [message]
        more = len(self.problems) - 1
        if more > 0:
            message += f" (and {more} more problem{'s' * (more != 1)}: `dpo-tui config check` lists them)"
        super().__init__(message)


# Settings and its sections are NamedTuples, not frozen dataclasses: they load before the queue's first paint, and
# a dataclass compiles six methods when its module loads (~1 ms a class, against ~0.2 ms; see store.queue.QueueRow).
class TeamMember(NamedTuple):
    """One person in the team directory (`[[team]]`): who cases are assigned to."""

    name: str
    """The name cases are assigned to and the audit trail shows, e.g. "Jordan Ellis"."""
    login: str = ""
    """Their login name on this machine or the database (e.g. "jellis"): makes the Mine view theirs."""
    email: str = ""
    """Where their digest goes (when `[smtp.team]` does not say)."""


class Policy(NamedTuple):
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
    retention_by_right: Mapping[str, int] = MappingProxyType({})
    """`[policy.retention_by_right]`: years per right (e.g. `erasure = 6`); a case keeps the longest of its rights'."""
    eu_identity_restarts: bool = False
    """EU GDPR: restart the month when requested identity information arrives (the GDPR is silent)."""
    eu_stop_clock: bool = False
    """EU GDPR: stop the clock while a clarification question is unanswered (no statutory basis)."""
    eu_member_state: str = ""
    """EU GDPR: the member state (e.g. "IE", "DE-BY") whose public holidays and supervisory authority apply to a case
    that names none. Empty (default): every EU case must name its member state; no calendar is assumed."""
    complaint_ack_days: int = 30
    """Acknowledge a complaint to the organisation within this many days (day of receipt = day 1) where no statute
    sets a period: EU and CCPA cases, and UK complaints received before 19 Jun 2026 (from then DPA 2018 s.164A sets
    30 days, whatever this says)."""


class Fees(NamedTuple):
    """Rates for a reasonable administrative fee (manifestly unfounded/excessive requests, further copies)."""

    currency: str = "GBP"
    hourly_rate: float = 25.0
    per_page_copy: float = 0.10
    per_page_print: float = 0.10
    postage: float = 2.50


class CalendarSettings(NamedTuple):
    """`dpo-tui calendar`: calendars get synced to phones and shared; keep personal data out unless chosen."""

    include_requester_name: bool = False
    """Put the requester's name in event titles (off: reference, right and what is due only)."""


class PackSettings(NamedTuple):
    """Attachments and the response pack (issue 18)."""

    max_file_mb: int = 100
    """The largest file that can be attached to a case, in MB (files are kept inside the database)."""
    letterhead: str = ""
    """A Word (.docx) letterhead for letters written as .docx: a path, absolute or relative to the settings file.
    Empty: the plain template that ships with dpo-tui."""


class Settings(NamedTuple):  # a NamedTuple, like its sections (see TeamMember)
    path: Path
    exists: bool
    user_name: str
    organisation: Organisation
    policy: Policy = Policy()
    fees: Fees = Fees()
    keymap: Mapping[str, str] = MappingProxyType({})
    calendar: CalendarSettings = CalendarSettings()
    smtp: Any = None  # dpo_tui.mail.config.SmtpSettings; Any so that loading settings never imports the mail code
    intake: IntakeSettings = IntakeSettings()
    pack: PackSettings = PackSettings()
    team: tuple[TeamMember, ...] = ()

    @property
    def config_dir(self) -> Path:
        return self.path.parent

    demo_organisation: bool = False
    """The organisation profile is the shipped demo's (no settings file, or one without [organisation])."""

    @property
    def is_demo(self) -> bool:
        """The shipped demo organisation (AltoStack Ltd, its DPO) is in use: letters would be signed in its name."""
        return self.demo_organisation or not self.exists

    @property
    def demo_notice(self) -> str:
        """One line saying that demo settings are in use and what to do, or "" when they are not."""
        if not self.is_demo:
            return ""
        where = "no settings file" if not self.exists else f"no [organisation] in {self.path}"
        todo = (
            "Run `dpo-tui config init` to write a settings file to fill in."
            if not self.exists
            else "Fill in its [organisation] section."
        )
        return (
            f"DEMO SETTINGS: {where}, so the demo organisation {self.organisation.name} and its DPO "
            f"{self.organisation.dpo_name} are used (letters are signed in their name). {todo}"
        )

    @property
    def me(self) -> str:
        """The assignee name that is "me" (the Mine view): the team directory's name for this login, else the
        user's name."""
        login = default_user()
        for m in self.team:
            if m.login and m.login == login:
                return m.name
        return self.user_name

    def team_member(self, text: str) -> TeamMember | None:
        """The directory entry whose name or login is `text` (case and spacing ignored), else None."""
        key = " ".join(text.split()).casefold()
        for m in self.team:
            if key and (m.name.casefold() == key or (m.login and m.login.casefold() == key)):
                return m
        return None


def default_user() -> str:
    try:
        import getpass  # with termios: loaded only when there is no [user] name to read

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

    # Every problem is collected (each section is read even when an earlier one is wrong), so `config check` can
    # list them all; a broken section falls back to its defaults only to go on checking.
    problems: list[str] = []

    def section(parse: Any, fallback: Any) -> Any:
        try:
            return parse()
        except SettingsError as exc:
            problems.extend(exc.problems)
        except DataFileError as exc:
            problems.append(str(exc.located(text)))
        except IntakeSettingsError as exc:
            problems.append(str(fail(exc.key, exc.message)))
        return fallback

    known = {"user", "organisation", "policy", "fees", "keymap", "calendar", "smtp", "intake", "team", "pack"}
    for key in data:
        if key not in known:
            problems.append(str(fail(key, f"unknown section (expected one of: {', '.join(sorted(known))})")))
    team = section(lambda: _team(data.get("team", []), fail), ())

    def user() -> str:
        table = data.get("user", {})
        if not isinstance(table, dict):
            raise fail("user", "must be a table")
        login = default_user()
        directory_name = next((m.name for m in team if m.login and m.login == login), login)
        name = table.get("display_name", directory_name)
        if not isinstance(name, str) or not name.strip():
            raise fail("user.display_name", "must be a non-empty string")
        if problem(name):  # it goes into every audit event: it must be storable
            raise fail("user.display_name", str(problem(name)))
        return name.strip()

    user_name = section(user, default_user())
    org = section(
        lambda: parse_organisation(data["organisation"], source=source) if "organisation" in data else demo_organisation(),
        None,
    )
    policy = section(lambda: _policy(data.get("policy", {}), fail, problems), Policy())
    fees = section(lambda: _typed(Fees, data.get("fees", {}), "fees", fail, problems), Fees())
    calendar = section(lambda: _typed(CalendarSettings, data.get("calendar", {}), "calendar", fail, problems), CalendarSettings())

    def pack_section() -> PackSettings:
        pack = _typed(PackSettings, data.get("pack", {}), "pack", fail, problems)
        if pack.max_file_mb < 1:
            raise fail("pack.max_file_mb", "must be at least 1")
        return pack

    pack = section(pack_section, PackSettings())

    def smtp_section() -> Any:
        if "smtp" not in data:
            return None
        from dpo_tui.mail.config import parse_smtp  # refuses a password in the file, naming the line

        return parse_smtp(data["smtp"], fail)

    smtp = section(smtp_section, None)

    def keymap_section() -> dict[str, str]:
        keymap = data.get("keymap", {})
        if not isinstance(keymap, dict):
            raise fail("keymap", "must be a table of binding id = key")
        for k, v in keymap.items():
            if not isinstance(v, str):
                problems.append(str(fail(f"keymap.{k}", 'must be a key name string such as "ctrl+f"')))
        return dict(keymap)

    keymap = section(keymap_section, {})
    intake = IntakeSettings()
    if org is not None:
        intake = section(lambda: parse_intake(data.get("intake"), org.country, org.subdivision), IntakeSettings())
    if problems:
        raise SettingsError(problems[0], problems)
    return Settings(
        path=path, exists=True, user_name=user_name, organisation=org, policy=policy, fees=fees, keymap=keymap,
        calendar=calendar, smtp=smtp, intake=intake, pack=pack, team=team, demo_organisation="organisation" not in data,
    )


_TEAM_KEYS = ("name", "login", "email")


def _team(raw: Any, fail: Any) -> tuple[TeamMember, ...]:
    """`[[team]]` tables: name (required), login, email; names and logins unique."""
    import re

    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise fail("team", "must be [[team]] tables, each with name, login and email")
    out: list[TeamMember] = []
    names: set[str] = set()
    logins: set[str] = set()
    for n, table in enumerate(raw):
        where = f"team[{n}]"  # zero-based, as every array of tables is named (organisation.systems[0])
        for key in table:
            if key not in _TEAM_KEYS:
                raise fail(f"{where}.{key}", f"unknown key (known: {', '.join(_TEAM_KEYS)})")
        values = {}
        for key in _TEAM_KEYS:
            value = table.get(key, "")
            if not isinstance(value, str):
                raise fail(f"{where}.{key}", "must be a string")
            value = " ".join(value.split())
            if problem(value):
                raise fail(f"{where}.{key}", str(problem(value)))
            values[key] = value
        if not values["name"]:
            raise fail(f"{where}.name", "every team member needs a name (the one cases are assigned to)")
        if values["name"].casefold() in names:
            raise fail(f"{where}.name", f"'{values['name']}' is listed twice")
        if values["login"] and values["login"].casefold() in logins:
            raise fail(f"{where}.login", f"'{values['login']}' is listed twice")
        if values["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
            raise fail(f"{where}.email", f"'{values['email']}' is not an email address")
        names.add(values["name"].casefold())
        if values["login"]:
            logins.add(values["login"].casefold())
        out.append(TeamMember(**values))
    return tuple(out)


# Upper bounds: a day count feeds date arithmetic (which overflows past year 9999), so an absurd value is a typo.
_MAX_INT = 3660
_MAXIMA = {"retention_years": 100, "max_file_mb": 2000}
_MAX_MONEY = 1_000_000.0


def _policy(table: Any, fail: Any, problems: list[str] | None = None) -> Policy:
    """`[policy]`, with its one sub-table (`retention_by_right`) checked key by key."""
    if not isinstance(table, dict):
        raise fail("policy", "must be a table")
    from dpo_tui.domain.retention_actions import ACTIONS
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
    policy = _typed(Policy, rest, "policy", fail, problems)
    if policy.retention_action not in ACTIONS:
        raise fail("policy.retention_action", f"must be one of: {', '.join(ACTIONS)}")
    return policy._replace(retention_by_right=dict(by_right))


def _typed(cls: type, table: Any, section: str, fail: Any, problems: list[str] | None = None) -> Any:
    """The section `cls` (a NamedTuple) from a table. With `problems`, every bad key is added to it (and left at its
    default) instead of stopping at the first."""
    if not isinstance(table, dict):
        raise fail(section, "must be a table")
    allowed = cls._field_defaults  # every field of a settings section has its default
    values: dict[str, Any] = {}
    for key, value in table.items():
        try:
            values[key] = _typed_value(allowed, section, key, value, fail)
        except SettingsError as exc:
            if problems is None:
                raise
            problems.extend(exc.problems)
    return cls(**values)


def _typed_value(allowed: dict[str, Any], section: str, key: str, value: Any, fail: Any) -> Any:
    if key not in allowed:
        raise fail(f"{section}.{key}", f"unknown setting (known: {', '.join(allowed)})")
    default = allowed[key]
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
    return value
