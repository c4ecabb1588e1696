"""Schemas several routers share: what the API takes (``In``), errors, references to other
objects, pages."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


def _no_nul(value: str) -> str:
    if "\x00" in value:
        # Translated with the other refusals (comptoir.api.errors), by its type.
        raise PydanticCustomError("nul_character", "NUL characters are not accepted")
    return value


# Every text the API takes: a NUL character can be neither stored nor searched.
Text = Annotated[str, AfterValidator(_no_nul)]


class In(Schema):
    """What a client sends: a field the schema does not name is refused (422,
    ``unknown_field``), never ignored: a misspelt ``priorite`` must not open a Normal
    ticket without a word."""

    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    """Every refusal, whatever its status. ``detail`` is a sentence for a person, in the
    caller's language (their own setting, else Accept-Language); ``code`` is for programs
    (the list is in the README's API section); ``fields`` names the faulty fields, each
    with what is wrong, when the refusal is about some."""

    detail: str
    code: str = Field(examples=["invalid_input"])
    fields: dict[str, str] | None = Field(
        None, description="The faulty fields (dotted for nested ones: `details.page_url`)."
    )


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
READ_ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: Error}


def user_ref(user: Any) -> dict[str, object] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def ref(obj: Any) -> dict[str, object] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}
