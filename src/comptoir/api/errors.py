"""How the API refuses: every error answer is ``{"detail", "code", "fields"?}`` (the schema
``Error``), ``detail`` in the caller's language.

- A service's refusal (``ComptoirError``) keeps its message (already translated) and gets
  its status and code from ``STATUSES``.
- A request that does not match the schema (django-ninja's ``ValidationError``, the errors
  pydantic found) is 422: pydantic writes its messages in English only, with no catalogue
  to plug in, so each error is said again here, through gettext, from its type and
  context (``_field_message``: the types a request to this API can meet), and named by
  its field.
- Authentication, unknown addresses and the body parser's errors get the same shape.

The codes are listed in the README's API section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InvalidRequest

from comptoir.core import errors
from comptoir.requestforms.services import MissingFacts
from comptoir.workflow.quota import QuotaExceeded


class FieldError(errors.ValidationError):
    """A value the schema accepts but no object answers to (``product: 999``): 400, with
    the field named."""

    code = "invalid"

    def __init__(self, field: str, message: object) -> None:
        super().__init__(message)
        self.fields = {field: self.message}


class TeamOnly(errors.PermissionDenied):
    """A requester sent a field only the support team sets (their door, the portal, does
    not offer it): 403, with the fields named."""

    code = "team_only"

    def __init__(self, fields: list[str]) -> None:
        super().__init__(
            ngettext(
                "Only the support team sets this field: %(fields)s.",
                "Only the support team sets these fields: %(fields)s.",
                len(fields),
            )
            % {"fields": ", ".join(fields)}
        )
        self.fields = {f: _("Only the support team sets this field.") for f in fields}


# Most specific first: the first matching class answers.
STATUSES: list[tuple[type[errors.ComptoirError], int, str]] = [
    (errors.NotFound, 404, "not_found"),
    (QuotaExceeded, 403, "quota_exceeded"),
    (errors.PermissionDenied, 403, "forbidden"),
    (errors.InvalidTransition, 409, "invalid_transition"),
    (MissingFacts, 400, "missing_details"),
    (errors.ValidationError, 400, "invalid"),
    (errors.ComptoirError, 400, "invalid"),
]


def body(detail: str, code: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"detail": detail, "code": code}
    if fields:
        answer["fields"] = dict(fields)
    return answer


def domain_error(api: NinjaAPI, request: HttpRequest, exc: errors.ComptoirError) -> HttpResponse:
    """A service's refusal, with its message as it is (already in the caller's language)."""
    status, code = next((s, c) for cls, s, c in STATUSES if isinstance(exc, cls))
    code = getattr(exc, "code", None) or getattr(exc, "reason", None) or code
    fields: dict[str, str] | None = getattr(exc, "fields", None)
    if isinstance(exc, MissingFacts):
        fields = {f"details.{key}": _("This fact is required.") for key in exc.keys}
    return api.create_response(request, body(exc.message, code, fields), status=status)


def invalid_request(api: NinjaAPI, request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
    """422: what pydantic found wrong, one sentence per field, in the caller's language."""
    fields: dict[str, str] = {}
    unknown: list[str] = []
    for error in exc.errors:
        name = field_name(tuple(error.get("loc", ())))
        kind = error.get("type", "")
        if kind == "extra_forbidden":
            unknown.append(name)
        fields.setdefault(name, _field_message(kind, error.get("ctx") or {}))
    if unknown and len(unknown) == len(fields):
        detail = ngettext("Unknown field: %(fields)s.", "Unknown fields: %(fields)s.", len(unknown)) % {
            "fields": ", ".join(unknown)
        }
        code = "unknown_field"
    elif len(fields) == 1:
        [(name, message)] = fields.items()
        detail = _("%(field)s: %(message)s") % {"field": name, "message": message}
        code = "invalid_input"
    else:
        detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}
        code = "invalid_input"
    return api.create_response(request, body(detail, code, fields), status=422)


def field_name(loc: tuple[Any, ...]) -> str:
    """``("body", "data", "details", "url")`` → ``details.url``: without where it was read
    (body, query, path) nor the endpoint's name for the whole body."""
    source, rest = (loc[0], loc[1:]) if loc else ("", ())
    if source == "body" and len(rest) > 1:
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


def _field_message(kind: str, ctx: Mapping[str, Any]) -> str:
    """What is wrong with one value, said for a person (pydantic's error ``type`` and
    ``ctx``: https://docs.pydantic.dev/latest/errors/validation_errors/)."""
    if kind == "extra_forbidden":
        return _("Unknown field: remove it, or check its spelling.")
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("This field cannot be empty.")
        return _("At least %(count)s characters.") % {"count": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind in {"enum", "literal_error"}:
        # pydantic gives "'a', 'b' or 'c'": the codes alone, comma-separated.
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return _("Not an accepted value: use one of %(accepted)s.") % {"accepted": expected}
    if kind == "unknown_choice":
        return _("“%(value)s” is not an accepted value: use one of %(accepted)s.") % {
            "value": ctx.get("value"),
            "accepted": ctx.get("accepted"),
        }
    if kind == "nul_character":
        return _("NUL characters are not accepted.")
    if kind == "blank_text":
        return _("Give at least one word.")
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form (%(pattern)s).") % {
            "pattern": ctx.get("pattern")
        }
    if kind in {"string_type", "string_unicode"}:
        return _("Expected text.")
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return _("Expected a whole number.")
    if kind in {"float_type", "float_parsing"}:
        return _("Expected a number.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Expected true or false.")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Expected a date and time, such as 2026-03-02T09:30:00+01:00.")
    if kind.startswith("date"):
        return _("Expected a date, such as 2026-03-02.")
    if kind == "greater_than_equal":
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Expected an object.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Expected a list.")
    if kind == "json_invalid":
        return _("This is not valid JSON.")
    return _("This value is not accepted.")


def unauthorized(api: NinjaAPI, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        body(_("Sign in, or send a valid API token (Authorization: Bearer …)."), "unauthorized"),
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


# django-ninja's own refusals (its English messages are for developers).
HTTP_ERRORS = {400: "bad_request", 403: "forbidden", 404: "not_found"}


def http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400 and str(exc).startswith("Cannot parse request body"):
        detail, code = _("The body of the request is not valid JSON."), "bad_request"
    elif status == 403:
        detail, code = _("You may not do this."), "forbidden"
    else:
        detail, code = _("This request cannot be answered."), HTTP_ERRORS.get(status, "bad_request")
    return api.create_response(request, body(detail, code), status=status)


def not_found(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, body(_("Nothing here: see the list of addresses at /api/docs."), "not_found"), status=404
    )


def unavailable(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database cannot answer (down, restarting, overloaded): try again shortly."""
    response = api.create_response(
        request,
        body(_("The service is unavailable for a moment: try again shortly."), "unavailable"),
        status=503,
    )
    response["Retry-After"] = "30"
    return response


def too_large(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, TooManyFilesSent):
        detail = _("Too many files in one request (at most %(count)s).") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
        return api.create_response(request, body(detail, "too_many_files"), status=413)
    return api.create_response(request, body(_("This request is too large."), "too_large"), status=413)


def install(api: NinjaAPI) -> None:
    """Answer every refusal of ``api`` as described above."""
    api.add_exception_handler(OperationalError, lambda r, e: unavailable(api, r, e))
    api.add_exception_handler(InterfaceError, lambda r, e: unavailable(api, r, e))
    api.add_exception_handler(TooManyFilesSent, lambda r, e: too_large(api, r, e))
    api.add_exception_handler(RequestDataTooBig, lambda r, e: too_large(api, r, e))
    api.add_exception_handler(errors.ComptoirError, lambda r, e: domain_error(api, r, e))
    api.add_exception_handler(InvalidRequest, lambda r, e: invalid_request(api, r, e))
    api.add_exception_handler(AuthenticationError, lambda r, e: unauthorized(api, r, e))
    api.add_exception_handler(HttpError, lambda r, e: http_error(api, r, e))
    api.add_exception_handler(Http404, lambda r, e: not_found(api, r, e))
