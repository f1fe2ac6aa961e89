"""Hostile requester input shared by the export tests."""

from __future__ import annotations

from datetime import date

from dpo_tui.domain.rights import Right

NAME = "Eve <script>alert(1)</script> *x*|[a](javascript:alert(1)) [bold red]x[/] \x1b[31mred\x1b[0m"
EMAIL = '=HYPERLINK("http://evil.example/x")@example.org'
DESCRIPTION = (
    "<img src=x onerror=alert(1)> | pipe | ---\n"
    "# heading\n"
    "- list\n"
    "1. ordered\n"
    "[click](javascript:alert(1)) **bold** `code` ```fence```\n"
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07 \x1b[2J\r\n"
    "=1+1\t+cmd|' /C calc'!A0\r-2+3\r@SUM(A1)"
)


def hostile_request(**overrides):  # type: ignore[no-untyped-def]
    from dpo_tui.services.casework import NewRequest

    values = dict(
        name=NAME, email=EMAIL, rights=(Right.ACCESS, Right.ERASURE), received=date(2026, 11, 2), channel="email",
        description=DESCRIPTION, address="1 <b>Bold</b> St\n=cmd()", phone="+44 20 7946 0000",
    )
    values.update(overrides)
    return NewRequest(**values)
