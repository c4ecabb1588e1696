"""The ComptoirError tree: every refusal of a service is one of these, with a message a
person can read (translated), so edges can show it as it is."""

from __future__ import annotations


class ComptoirError(Exception):
    """Base of every domain error. ``message`` is shown to the user as it is."""

    def __init__(self, message: object = "") -> None:
        super().__init__(str(message))
        self.message = str(message)


class PermissionDenied(ComptoirError):
    """The actor may not do this to this object."""


class NotFound(ComptoirError):
    """No such object, or none the actor may see (never tell which)."""


class InvalidTransition(ComptoirError):
    """A state machine refused a change (e.g. a closed ticket cannot be put on hold)."""


class ValidationError(ComptoirError):
    """The input breaks a rule (missing reason, empty body, attachment too large...)."""
