"""The one NinjaAPI instance, its routers, and how refusals are answered (``errors``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router
from ninja.operation import Operation

from comptoir.api import catalog, duty, errors, kb, people, reports, ticket_actions, tickets
from comptoir.api.security import READ, STAFF


class ComptoirAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's name (``list_tickets``, ``reply``): what a generated client calls its
        function (the default, ``comptoir_api_tickets_list_tickets``, repeats the module).
        Unique: a test checks it."""
        return operation.view_func.__name__


api = ComptoirAPI(
    title="Comptoir",
    version="1",
    description=(
        "Tickets, conversations, SLA clocks, users and products of a Comptoir help desk. "
        "Authenticate with a personal token (`Authorization: Bearer cpt_…`, created in the "
        "user menu) or the web session. Lists are pages of at most 100 rows: pass the "
        "answer's `next_cursor` as `cursor`. Every refusal is `{detail, code, fields?}`, "
        "`detail` in the caller's language; a body field the schema does not name is "
        "refused (422, `unknown_field`)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    auth=READ,
)
errors.install(api)

api.add_router("/v1/tickets", tickets.router)
api.add_router("/v1/tickets", ticket_actions.router)
api.add_router("/v1", people.router)
api.add_router("/v1/products", catalog.router)
api.add_router("/v1/duty", duty.router, auth=STAFF)
api.add_router("/v1/reports", reports.router)
api.add_router("/v1/kb", kb.router)

# Last: an address no endpoint answers gets the API's 404, not the site's HTML page.
nowhere = Router()


@nowhere.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_address(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", nowhere)
