"""The API's words, each list of codes under a name of its own in the OpenAPI document.

The models name several of their lists ``Kind`` (a message's, an event's, a request-form
field's) or ``Role``; django-ninja gathers every schema under its class name, so two of
them with one name overwrite each other there (a message's kind was declared with the
request form's values) and a generator makes one class of three. Each list is copied here
under a distinct name, from the model's own values: the document declares exactly what the
answers carry. Comma-separated filter values are checked against the same lists
(``choices``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum, StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from comptoir.accounts.models import User
from comptoir.requestforms.rules import Kind as FieldKind
from comptoir.tickets import vocabulary
from comptoir.tickets.models import Message, TicketEvent


def named(name: str, choices: Iterable[Enum]) -> type[StrEnum]:
    """The same codes as ``choices``, as an enum called ``name``."""
    return StrEnum(name, [(c.name, str(c.value)) for c in choices])  # type: ignore[return-value]


TicketStatus = named("TicketStatus", vocabulary.Status)
TicketType = named("TicketType", vocabulary.TicketType)
Severity = named("Severity", vocabulary.Severity)
Priority = named("Priority", vocabulary.Priority)
Channel = named("Channel", vocabulary.Channel)
MessageKind = named("MessageKind", Message.Kind)
EventKind = named("EventKind", TicketEvent.Kind)
RequestFieldKind = named("RequestFieldKind", FieldKind)
UserRole = named("UserRole", User.Role)


def choices(codes: type[StrEnum], example: str) -> Any:
    """A filter taking one or several of ``codes``, comma-separated (``high,urgent``): a
    value that is not one of them (a label such as ``Urgente``) is refused with the list,
    instead of matching nothing."""
    accepted = [str(c.value) for c in codes]

    def check(value: str | None) -> list[str] | None:
        if value is None:
            return None
        given = [v.strip() for v in value.split(",") if v.strip()]
        for v in given:
            if v not in accepted:
                raise PydanticCustomError(
                    "unknown_choice",
                    "'{value}' is not one of {accepted}",
                    {"value": v, "accepted": ", ".join(accepted)},
                )
        return given or None

    codes_pattern = "|".join(accepted)
    return Annotated[
        str | None,
        AfterValidator(check),
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "string",
                        "pattern": rf"^\s*({codes_pattern})\s*(,\s*({codes_pattern})\s*)*$",
                        "examples": [example],
                    },
                    {"type": "null"},
                ],
                "description": f"One or several of {', '.join(accepted)}, comma-separated.",
            }
        ),
    ]
