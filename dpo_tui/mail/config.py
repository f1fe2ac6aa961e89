"""The `[smtp]` settings: where outbound mail goes, and how the password is found (never in the settings file).

```toml
[smtp]
host = "smtp.example.org"
port = 587                       # default: 587 for starttls, 465 for tls, 25 for none
security = "starttls"            # starttls | tls | none
user = "dpo@example.org"         # empty: no login
from_address = "dpo@example.org"
from_name = "Data Protection Officer"
password_env = "DPO_TUI_SMTP_PASSWORD"   # the environment variable holding the password
keyring = true                   # else look in the system keyring (service "dpo-tui smtp <host>", the user)
digest_to = "privacy@example.org"

[smtp.team]                      # team mode: one digest per assignee
"Sam Patel" = "sam@example.org"
```
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from dpo_tui.domain.errors import DomainError

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DEFAULT_PASSWORD_ENV = "DPO_TUI_SMTP_PASSWORD"
# Keys that would hold a secret (password, smtp_passwd, secret, token...): refused with the reason, not as "unknown".
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|api_?key|credential", re.IGNORECASE)
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+\.[^@\s<>\"(),;:\\\[\]]+$")


class MailConfigError(DomainError):
    """Outbound mail is not configured well enough to send (the message says what to set)."""


class SmtpSettings(NamedTuple):  # not a dataclass: read with the settings on every start, before the first paint
    host: str = ""
    port: int = 0  # 0: the default for `security`
    security: str = "starttls"
    user: str = ""
    from_address: str = ""
    from_name: str = ""
    password_env: str = DEFAULT_PASSWORD_ENV
    keyring: bool = True
    timeout: int = 30
    cafile: str = ""  # a private CA's certificate bundle, for a server whose certificate a public CA did not sign
    digest_to: str = ""
    max_attachment_mb: int = 20  # the largest response pack a letter may carry (many servers refuse 25 MB messages)
    team: Mapping[str, str] = MappingProxyType({})

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    def require(self) -> SmtpSettings:
        if not self.host:
            raise MailConfigError("smtp: no mail server configured; set [smtp] host and from_address in the settings file")
        if not self.from_address:
            raise MailConfigError("smtp.from_address: set the mailbox letters are sent from (e.g. the DPO mailbox)")
        return self

    def password(self) -> str | None:
        """The login password: the environment variable named by `password_env`, else the system keyring."""
        if not self.user:
            return None
        value = os.environ.get(self.password_env or DEFAULT_PASSWORD_ENV)
        if value:
            return value
        if self.keyring:
            try:
                import keyring  # optional: only where the user installed it
            except ImportError:
                keyring = None  # type: ignore[assignment]
            if keyring is not None:
                try:
                    value = keyring.get_password(f"dpo-tui smtp {self.host}", self.user)
                except Exception as exc:  # any keyring backend failure is one line, not a traceback
                    raise MailConfigError(f"smtp: the system keyring could not be read: {exc}") from None
                if value:
                    return value
        where = f"set the environment variable {self.password_env or DEFAULT_PASSWORD_ENV}"
        if self.keyring:
            where += f" or store it in the system keyring (service 'dpo-tui smtp {self.host}', user '{self.user}')"
        raise MailConfigError(f"smtp: no password for {self.user}: {where}")


def is_address(value: str) -> bool:
    return bool(_ADDRESS.match(value.strip()))


def parse_smtp(table: Any, fail: Callable[[str, str], Exception]) -> SmtpSettings:
    """The `[smtp]` table, checked key by key; `fail(key, message)` builds the settings error naming file and line."""
    if not isinstance(table, dict):
        raise fail("smtp", "must be a table")
    allowed = {"host", "port", "security", "user", "from_address", "from_name", "password_env", "keyring", "timeout",
               "cafile", "digest_to", "team", "max_attachment_mb"}  # fmt: skip
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key != "password_env" and _SECRET_KEY.search(key):
            raise fail(
                f"smtp.{key}",
                "never put a password in the settings file: name an environment variable with password_env "
                f"(default {DEFAULT_PASSWORD_ENV}) or store it in the system keyring",
            )
        if key not in allowed:
            raise fail(f"smtp.{key}", f"unknown setting (known: {', '.join(sorted(allowed))})")
        if key in ("port", "timeout"):
            if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value <= 65535):
                raise fail(f"smtp.{key}", "must be a whole number (port 1-65535)")
        elif key == "keyring":
            if not isinstance(value, bool):
                raise fail(f"smtp.{key}", "must be true or false")
        elif key == "team":
            if not isinstance(value, dict):
                raise fail("smtp.team", 'must be a table of assignee name = "address"')
            for name, address in value.items():
                if not isinstance(address, str) or not is_address(address):
                    raise fail(f"smtp.team.{name}", "must be an email address")
            value = dict(value)
        elif key == "max_attachment_mb":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise fail("smtp.max_attachment_mb", "must be a whole number of megabytes, at least 1")
        elif not isinstance(value, str):
            raise fail(f"smtp.{key}", "must be a string")
        values[key] = value
    if values.get("security", "starttls") not in SECURITY:
        raise fail("smtp.security", f"must be one of: {', '.join(SECURITY)}")
    for key in ("from_address", "digest_to"):
        if values.get(key) and not is_address(values[key]):
            raise fail(f"smtp.{key}", f"'{values[key]}' is not an email address")
    if values.get("password_env") is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", values["password_env"]):
        raise fail("smtp.password_env", "must be the name of an environment variable (letters, digits, _)")
    return SmtpSettings(**values)
