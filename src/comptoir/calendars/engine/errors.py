"""Errors raised by the business-time engine.

Every error is a :class:`CalendarError`; the ones caused by bad input are also
:class:`ValueError`, so generic input validation code can catch them as such.
"""

from __future__ import annotations


class CalendarError(Exception):
    """Base class of every error raised by :mod:`comptoir.calendars`."""


class CalendarSpecError(CalendarError, ValueError):
    """A calendar spec is invalid; the message names the offending field.

    ``field`` holds the path of that field (``"week.mon[1]"``, ``"timezone"``...), so an
    edge (form, API) can attach the error to the right input.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class NaiveDatetimeError(CalendarError, ValueError):
    """A datetime without time zone was given; instants must be aware."""


class HorizonExceededError(CalendarError):
    """The answer lies further than the search horizon (about ten years) from the start.

    Raised instead of searching forever, e.g. when a calendar's only open hours are
    special openings in the past.
    """


class NeverOpenError(HorizonExceededError):
    """The calendar has no open hours at all (every weekday empty, no special opening)."""
