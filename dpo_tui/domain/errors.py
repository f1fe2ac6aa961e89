"""Errors raised when a rule forbids an action. Messages are shown to the DPO as they are."""


class DomainError(Exception):
    """A rule of casework refuses the action; the message says why and what to do instead."""


class InvalidTransition(DomainError):
    """The case's status does not allow the requested change."""


class ExtensionRefused(DomainError):
    """The law no longer allows (or never allowed) an extension for this case."""


class InvalidInput(DomainError):
    """Input that can never be right (a malformed date, an unknown right, ...)."""
