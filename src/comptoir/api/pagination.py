"""Keyset pagination: a page is at most ``MAX_LIMIT`` rows after an opaque cursor, fetched
with one query of ``limit + 1`` rows (the extra row says whether there is a next page).
No COUNT and no OFFSET: the millionth row costs what the first does."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema

from comptoir.core.errors import ValidationError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100

M = TypeVar("M", bound=Model)


class BadCursor(ValidationError):
    code = "bad_cursor"


class Page(Schema):
    """``next_cursor`` is null on the last page; pass it as ``cursor`` for the next one."""

    next_cursor: str | None


def encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor(_("This cursor is not one this API gave.")) from None
    if not isinstance(values, list):
        raise BadCursor(_("This cursor is not one this API gave."))
    return values


def after(field: str, descending: bool, cursor: str | None) -> Q:
    """Rows after the cursor for the ordering (``field``, pk), both in the same direction."""
    if not cursor:
        return Q()
    values = decode(cursor)
    try:
        if len(values) != 2:
            raise ValueError
        value = datetime.fromisoformat(values[0]) if field.endswith("_at") else int(values[0])
        pk = int(values[1])
    except (TypeError, ValueError):
        raise BadCursor(_("This cursor is not one this API gave.")) from None
    op = "lt" if descending else "gt"
    # The first bound repeats what the OR implies: PostgreSQL starts the index scan at the
    # cursor with it, instead of filtering every row before it (half a million, half-way
    # down a list of a million tickets).
    return Q(**{f"{field}__{op}e": value}) & (
        Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk})
    )


def page[M: Model](
    qs: QuerySet[M], *, field: str, descending: bool, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """One page of ``qs`` ordered by (``field``, pk), and the cursor of the next one."""
    limit = min(max(limit, 1), MAX_LIMIT)
    sign = "-" if descending else ""
    ordered = qs.filter(after(field, descending, cursor)).order_by(f"{sign}{field}", f"{sign}pk")
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode([getattr(last, field), last.pk])


def items[M: Model](
    rows: Sequence[M], render: Callable[[M], dict[str, Any]], next_cursor: str | None
) -> dict[str, Any]:
    return {"items": [render(r) for r in rows], "next_cursor": next_cursor}
