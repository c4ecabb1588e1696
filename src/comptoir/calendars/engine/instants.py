"""Conversions between aware datetimes / timedeltas and exact integer microseconds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from comptoir.calendars.engine.errors import HorizonExceededError, NaiveDatetimeError
from comptoir.calendars.engine.utc_offsets import EPOCH, ONE_US


def to_us(value: datetime, name: str) -> int:
    """Microseconds from the Unix epoch to the aware datetime ``value``.

    Raises :class:`NaiveDatetimeError` for a naive datetime (its instant is unknown) and
    :class:`TypeError` for anything that is not a datetime.
    """
    try:
        return (value - EPOCH) // ONE_US
    except TypeError:
        if isinstance(value, datetime) and value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{name} is a naive datetime ({value.isoformat()}); pass an aware datetime, "
                "e.g. datetime(..., tzinfo=ZoneInfo('Europe/Paris'))"
            ) from None
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}") from None


def duration_us(value: timedelta, name: str) -> int:
    """Microseconds in the timedelta ``value``."""
    if not isinstance(value, timedelta):
        raise TypeError(f"{name} must be a timedelta, got {type(value).__name__}")
    return value // ONE_US


def from_us(instant: int, zone: ZoneInfo) -> datetime:
    """The datetime, in ``zone``, of ``instant`` microseconds after the Unix epoch."""
    try:
        return (EPOCH + timedelta(microseconds=instant)).astimezone(zone)
    except OverflowError:
        raise HorizonExceededError("the result is beyond the range of datetime") from None
