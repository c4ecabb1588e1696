"""Schemas several routers share: errors, references to other objects, pages."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BaseModel


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not accepted")
    return value


# Every text the API takes: a NUL character can be neither stored nor searched.
Text = Annotated[str, AfterValidator(_no_nul)]


class Error(Schema):
    """Every refusal: ``detail`` is a sentence for a person (in the caller's language),
    ``code`` is for programs: ``not_found``, ``forbidden``, ``invalid``,
    ``invalid_transition``, ``not_eligible``, ``quota_exceeded``, ``quota_approval``,
    ``unauthorized``, ``bad_cursor``."""

    detail: str
    code: str = ""


class InvalidInput(Schema):
    """The request does not match the schema (one entry per faulty field)."""

    detail: list[dict[str, Any]]


class Out(BaseModel):
    """An answer built as plain dicts (``ticket_out``…): validated by pydantic alone, without
    ninja's per-object wrapper, which cost more than building a page of tickets."""


class Ref(Out):
    id: int
    name: str


class GroupRef(Ref):
    tier: str


# The answers every endpoint may give besides its own: declared so that clients (and the
# OpenAPI schema) know them.
READ_ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidInput}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: Error}


def user_ref(user: Any) -> dict[str, object] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def ref(obj: Any) -> dict[str, object] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}
