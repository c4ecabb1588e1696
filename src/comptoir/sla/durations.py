"""Service-level targets written as people say them (pure, no Django).

``parse("4 h ouvrées")`` reads a target in French or English: hours ("4 h", "4h",
"4 heures", "4 business hours"), hours and minutes ("1 h 30", "1h30", "1 h 30 min"),
minutes ("90 min", "30 minutes") or days ("2 jours ouvrés", "2 j", "1 jour",
"2 business days"). ``format_target`` writes a target back the same way
("40 h ouvrées", "40 business hours"), never "1 16:00:00".

A business day is stored as ``BUSINESS_DAY`` (8 h) of business time, with
``in_days`` remembering that it was given in days so that it is shown back in days. The
clocks count the stored business time on the policy's calendar, so "2 jours ouvrés" on a
calendar open 8 h a day is due two business days later; on a calendar open longer it is
due earlier the second day. Written by hand: no kept library reads French business
durations ("h ouvrées", "1h30").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

BUSINESS_DAY = timedelta(hours=8)

# Why a text was refused; the edges word each reason in the reader's language.
EMPTY = "empty"
UNREADABLE = "unreadable"
ZERO = "zero"
NEGATIVE = "negative"
TOO_FINE = "too_fine"  # seconds, or a fraction of a minute

_HOURS = {"h", "hr", "hrs", "heure", "heures", "hour", "hours"}
_MINUTES = {"m", "mn", "min", "mins", "minute", "minutes"}
_DAYS = {"j", "jr", "jrs", "jour", "jours", "d", "day", "days"}
_BUSINESS_WORDS = re.compile(
    r"\b(ouvree?s?|ouvrables?|business|working|de travail|ouvres?)\b",
)
_PLAIN_WORDS = re.compile(r"\b(calendaires?|calendar|elapsed|reelles?|plain|continues?)\b")
_FILLERS = re.compile(r"\b(et|and|of|de|time|temps)\b")
_TOKEN = re.compile(r"\s*(?P<num>[-+]?\d+(?:[.,]\d+)?)\s*(?P<unit>[a-z]+)?\s*")


class DurationError(ValueError):
    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


@dataclass(frozen=True)
class ParsedTarget:
    duration: timedelta  # business time (or plain time when ``business`` is False)
    in_days: bool = False  # given in business days
    business: bool | None = None  # None: the text did not say


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def parse(text: str) -> ParsedTarget:
    """Read a target; raise ``DurationError`` with the reason when it cannot be used."""
    plain = _plain(text or "").strip()
    if not plain:
        raise DurationError(EMPTY, text)
    business: bool | None = None
    if _BUSINESS_WORDS.search(plain):
        business = True
        plain = _BUSINESS_WORDS.sub(" ", plain)
    if _PLAIN_WORDS.search(plain):
        if business:
            raise DurationError(UNREADABLE, text)
        business = False
        plain = _PLAIN_WORDS.sub(" ", plain)
    plain = _FILLERS.sub(" ", plain).replace("(", " ").replace(")", " ").strip()
    position, parts = 0, []
    while position < len(plain):
        match = _TOKEN.match(plain, position)
        if match is None or match.end() == position:
            raise DurationError(UNREADABLE, text)
        try:
            number = Decimal(match["num"].replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers in
            raise DurationError(UNREADABLE, text) from None
        parts.append((number, match["unit"]))
        position = match.end()
    if not parts:
        raise DurationError(UNREADABLE, text)
    minutes, in_days, previous = Decimal(0), False, None
    for index, (number, unit) in enumerate(parts):
        if number < 0:
            raise DurationError(NEGATIVE, text)
        if unit is None:
            # "1 h 30": a bare number after hours is minutes; alone it says nothing.
            if previous != "h" or index != len(parts) - 1:
                raise DurationError(UNREADABLE, text)
            unit_kind = "m"
        elif unit in _HOURS:
            unit_kind = "h"
        elif unit in _MINUTES:
            unit_kind = "m"
        elif unit in _DAYS:
            unit_kind = "d"
        else:
            raise DurationError(UNREADABLE, text)
        if previous is not None and (unit_kind == "d" or previous == "d" or unit_kind == previous):
            # Days are given alone; hours then minutes, each once.
            raise DurationError(UNREADABLE, text)
        if previous == "m":
            raise DurationError(UNREADABLE, text)
        if unit_kind == "d":
            in_days = True
            minutes += number * int(BUSINESS_DAY.total_seconds() // 60)
        elif unit_kind == "h":
            minutes += number * 60
        else:
            minutes += number
        previous = unit_kind
    if minutes == 0:
        raise DurationError(ZERO, text)
    if minutes != minutes.to_integral_value():
        raise DurationError(TOO_FINE, text)
    return ParsedTarget(duration=timedelta(minutes=int(minutes)), in_days=in_days, business=business)


def _number(value: Decimal, language: str) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if language == "fr" else text


def format_target(
    duration: timedelta, *, business: bool = True, in_days: bool = False, language: str = "en"
) -> str:
    """Write a target as people say it, in ``language`` ("fr" or "en")."""
    fr = language.split("-")[0].lower() == "fr"
    total = int(duration.total_seconds() // 60)
    day_minutes = int(BUSINESS_DAY.total_seconds() // 60)
    if in_days and total > 0 and (total * 2) % day_minutes == 0:
        days = Decimal(total) / day_minutes
        one = days == 1
        n = _number(days, "fr" if fr else "en")
        if fr:
            # French keeps the singular below two: "1,5 jour ouvré".
            word, qualifier = ("jour", " ouvré") if days < 2 else ("jours", " ouvrés")
            return f"{n} {word}" + (qualifier if business else "")
        if business:
            return f"{n} business day" + ("" if one else "s")
        return f"{n} day" + ("" if one else "s")
    hours, minutes = divmod(total, 60)
    if fr:
        if hours and minutes:
            amount = f"{hours} h {minutes:02d}"
        elif hours:
            amount = f"{hours} h"
        else:
            amount = f"{minutes} min"
        return f"{amount} ouvrées" if business else amount
    if hours and minutes:
        return f"{hours} h {minutes:02d} business time" if business else f"{hours} h {minutes:02d}"
    if hours:
        unit = "hour" if hours == 1 else "hours"
        return f"{hours} business {unit}" if business else f"{hours} {unit}"
    unit = "minute" if minutes == 1 else "minutes"
    return f"{minutes} business {unit}" if business else f"{minutes} {unit}"
