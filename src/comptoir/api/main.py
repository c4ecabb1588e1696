"""The one NinjaAPI instance, its routers, and how domain errors are answered."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from comptoir.api import catalog, duty, kb, people, reports, ticket_actions, tickets
from comptoir.api.security import READ, STAFF
from comptoir.core import errors
from comptoir.workflow.quota import QuotaExceeded

api = NinjaAPI(
    title="Comptoir",
    version="1",
    description=(
        "Tickets, conversations, SLA clocks, users and products of a Comptoir help desk. "
        "Authenticate with a personal token (`Authorization: Bearer cpt_…`, created in the "
        "user menu) or the web session. Lists are pages of at most 100 rows: pass the "
        "answer's `next_cursor` as `cursor`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    auth=READ,
)

api.add_router("/v1/tickets", tickets.router)
api.add_router("/v1/tickets", ticket_actions.router)
api.add_router("/v1", people.router)
api.add_router("/v1/products", catalog.router)
api.add_router("/v1/duty", duty.router, auth=STAFF)
api.add_router("/v1/reports", reports.router)
api.add_router("/v1/kb", kb.router)

# Most specific first: the first matching class answers.
STATUSES: list[tuple[type[errors.ComptoirError], int, str]] = [
    (errors.NotFound, 404, "not_found"),
    (QuotaExceeded, 403, "quota_exceeded"),
    (errors.PermissionDenied, 403, "forbidden"),
    (errors.InvalidTransition, 409, "invalid_transition"),
    (errors.ValidationError, 400, "invalid"),
    (errors.ComptoirError, 400, "invalid"),
]


@api.exception_handler(errors.ComptoirError)
def domain_error(request: HttpRequest, exc: errors.ComptoirError) -> HttpResponse:
    """A service's refusal, with its message as it is (already in the caller's language)."""
    status, code = next((s, c) for cls, s, c in STATUSES if isinstance(exc, cls))
    code = getattr(exc, "code", None) or getattr(exc, "reason", None) or code
    return api.create_response(request, {"detail": exc.message, "code": code}, status=status)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": _("Sign in, or send a valid API token (Authorization: Bearer …)."),
            "code": "unauthorized",
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response
