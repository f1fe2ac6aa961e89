"""The `[intake]` section of the settings file: time zone, limits, web-form columns, the IMAP mailbox.

The IMAP password is never read from the settings file: `password_env` names an environment variable, or the
system keyring holds it (service "dpo-tui", the IMAP user name).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DEFAULT_FORM_COLUMNS = {
    "name": "name",
    "email": "email",
    "received": "submitted_at",
    "request": "message",
    "rights": "request_type",
    "on_behalf_of": "on_behalf_of",
}
REQUIRED_FORM_FIELDS = ("name", "email", "received", "request")


class ImapSettings(NamedTuple):  # a NamedTuple: see settings.TeamMember
    host: str = ""
    """IMAP server name; empty = `dpo-tui fetch` is not set up."""
    port: int = 993
    tls: bool = True
    """Implicit TLS (port 993). False = plain connection upgraded with STARTTLS when `starttls` is true."""
    starttls: bool = False
    folder: str = "INBOX"
    user: str = ""
    password_env: str = "DPO_TUI_IMAP_PASSWORD"
    """Environment variable holding the password; when unset, the system keyring is asked."""
    move_to: str = ""
    """Move processed messages to this folder (empty = leave them, marked as read)."""
    timeout: int = 30
    cafile: str = ""
    """A private CA's certificate bundle (PEM), for a server whose certificate no public CA signed."""


class IntakeSettings(NamedTuple):  # a NamedTuple: see settings.TeamMember
    timezone: str = "Europe/London"
    """The organisation's time zone: the day of receipt is the calendar day there."""
    max_attachment_mb: int = 25
    """A message with a bigger attachment (or a bigger message) is rejected as bad input."""
    form_date_format: str = ""
    """strptime format of the web form's date column; empty = ISO 8601 (2026-11-02 or 2026-11-02T09:30:00Z)."""
    form_columns: Mapping[str, str] = MappingProxyType(DEFAULT_FORM_COLUMNS)
    imap: ImapSettings = ImapSettings()

    @property
    def zone(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo  # its tz path lookup is ~5 ms: paid by intake, not by every start

        return ZoneInfo(self.timezone)

    @property
    def max_bytes(self) -> int:
        return self.max_attachment_mb * 1024 * 1024


class IntakeSettingsError(ValueError):
    """A bad value in `[intake]`: `key` is the dotted setting ("intake.imap.host"), `message` what is wrong with it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


# The organisation's zone when the settings name none: the country of its holiday calendar, where one zone covers it.
COUNTRY_ZONES = {
    "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin", "FR": "Europe/Paris", "ES": "Europe/Madrid",
    "IT": "Europe/Rome", "NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "AT": "Europe/Vienna", "LU": "Europe/Luxembourg",
    "DK": "Europe/Copenhagen", "SE": "Europe/Stockholm", "FI": "Europe/Helsinki", "PL": "Europe/Warsaw",
    "CZ": "Europe/Prague", "GR": "Europe/Athens", "PT": "Europe/Lisbon", "US-CA": "America/Los_Angeles",
}
_KNOWN_ZONES = frozenset(COUNTRY_ZONES.values())


def default_zone(country: str | None, subdivision: str | None = None) -> str:
    if country == "US" and subdivision:
        return COUNTRY_ZONES.get(f"US-{subdivision}", "Europe/London")
    return COUNTRY_ZONES.get(country or "GB", "Europe/London")


def parse_intake(table: Any, country: str | None = None, subdivision: str | None = None) -> IntakeSettings:
    """`country`/`subdivision`: the organisation's, for the time zone when `[intake] timezone` is not given."""
    zone_default = default_zone(country, subdivision)
    if not table:
        return IntakeSettings(timezone=zone_default)
    if not isinstance(table, dict):
        raise IntakeSettingsError("intake", "must be a table")
    simple = {k: v for k, v in IntakeSettings._field_defaults.items() if k not in ("form_columns", "imap")}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "form_columns":
            values[key] = _columns(value)
        elif key == "imap":
            values[key] = _typed(ImapSettings, value, "intake.imap")
        elif key in simple:
            values[key] = _check(f"intake.{key}", simple[key], value)
        else:
            known = ", ".join([*simple, "form_columns", "imap"])
            raise IntakeSettingsError(f"intake.{key}", f"unknown setting (known: {known})")
    values.setdefault("timezone", zone_default)
    out = IntakeSettings(**values)
    if out.timezone not in _KNOWN_ZONES:
        # Checked by loading it. A zone of the table above is known good (a test loads each), and checking it would
        # import zoneinfo on every start: ~1.5 ms of the queue's first paint, before which the settings are read.
        from zoneinfo import ZoneInfoNotFoundError

        try:
            out.zone
        except (ZoneInfoNotFoundError, ValueError):
            raise IntakeSettingsError("intake.timezone", f"unknown time zone {out.timezone!r} (e.g. Europe/Berlin)") from None
    if out.max_attachment_mb < 1:
        raise IntakeSettingsError("intake.max_attachment_mb", "must be at least 1")
    if "password" in (table.get("imap") or {}):
        raise IntakeSettingsError("intake.imap.password", "never put a password in the settings file (use password_env or the keyring)")
    return out


def _columns(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise IntakeSettingsError("intake.form_columns", "must be a table of field = \"column heading\"")
    cols = dict(DEFAULT_FORM_COLUMNS)
    for k, v in value.items():
        if k not in DEFAULT_FORM_COLUMNS:
            raise IntakeSettingsError(f"intake.form_columns.{k}", f"unknown field (known: {', '.join(DEFAULT_FORM_COLUMNS)})")
        if not isinstance(v, str):
            raise IntakeSettingsError(f"intake.form_columns.{k}", "must be the column heading as a string")
        cols[k] = v
    return cols


def _typed(cls: type, table: Any, section: str) -> Any:
    if not isinstance(table, dict):
        raise IntakeSettingsError(section, "must be a table")
    allowed = cls._field_defaults
    values = {}
    for key, value in table.items():
        if key == "password":
            raise IntakeSettingsError(f"{section}.password", "never put a password in the settings file (use password_env or the keyring)")
        if key not in allowed:
            raise IntakeSettingsError(f"{section}.{key}", f"unknown setting (known: {', '.join(allowed)})")
        values[key] = _check(f"{section}.{key}", allowed[key], value)
    return cls(**values)


def _check(key: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise IntakeSettingsError(key, "must be true or false")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise IntakeSettingsError(key, "must be a whole number of 0 or more")
    elif isinstance(default, str) and not isinstance(value, str):
        raise IntakeSettingsError(key, "must be a string")
    return value
