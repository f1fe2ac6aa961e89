"""The data subject rights a case can invoke (rights-requests.md §1)."""

from __future__ import annotations

from enum import StrEnum

from dpo_tui.domain.errors import InvalidInput


class Right(StrEnum):
    """A right invoked by a request; the value is the key used in settings, templates, the CLI and exports."""

    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    AUTOMATED_DECISION = "automated_decision"
    WITHDRAW_CONSENT = "withdraw_consent"

    @property
    def label(self) -> str:
        """Human name, e.g. "Access"."""
        return _META[self][0]

    @property
    def short(self) -> str:
        """Three-letter tag for the queue, where a row has no room for labels."""
        return _META[self][1]

    @property
    def article(self) -> str:
        """The UK GDPR / EU GDPR article granting the right, e.g. "Art 15"."""
        return _META[self][2]


_META: dict[Right, tuple[str, str, str]] = {
    Right.ACCESS: ("Access", "ACC", "Art 15"),
    Right.RECTIFICATION: ("Rectification", "REC", "Art 16"),
    Right.ERASURE: ("Erasure", "ERA", "Art 17"),
    Right.RESTRICTION: ("Restriction", "RES", "Art 18"),
    Right.PORTABILITY: ("Portability", "POR", "Art 20"),
    Right.OBJECTION: ("Objection", "OBJ", "Art 21"),
    Right.AUTOMATED_DECISION: ("Automated decision-making", "ADM", "Art 22"),
    Right.WITHDRAW_CONSENT: ("Withdraw consent", "WDC", "Art 7(3)"),
}


def parse_rights(text: str) -> tuple[Right, ...]:
    """Parse "access, erasure" into rights, keeping the order given and dropping repeats.

    Case and hyphens are forgiven ("Withdraw-Consent") because people type these at a prompt.
    """
    rights: list[Right] = []
    for piece in text.split(","):
        word = piece.strip().lower().replace("-", "_")
        if not word:
            continue
        try:
            right = Right(word)
        except ValueError:
            valid = ", ".join(r.value for r in Right)
            raise InvalidInput(None, f"unknown right {piece.strip()!r} (valid: {valid})") from None
        if right not in rights:
            rights.append(right)
    if not rights:
        valid = ", ".join(r.value for r in Right)
        raise InvalidInput(None, f"no right given (valid: {valid})")
    return tuple(rights)
