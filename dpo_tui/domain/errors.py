"""Errors raised when a rule forbids an action. Messages are shown to the DPO as they are."""


class DomainError(Exception):
    """A rule of casework refuses the action; the message says why and what to do instead."""


class InvalidTransition(DomainError):
    """The case's status does not allow the requested change."""


class ExtensionRefused(DomainError):
    """The law no longer allows (or never allowed) an extension for this case."""


class InvalidInput(DomainError):
    """Input that can never be right (a malformed date, an unknown right, ...).

    `field` names the input at fault (None when no single field is), so a form can show `message` beside that field
    and put the cursor there; `str(exc)` is "field: message" for the command line."""

    def __init__(self, field: str | None, message: str | None = None) -> None:
        if message is None:  # the one-argument form: a message that names no field
            field, message = None, field or ""
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
