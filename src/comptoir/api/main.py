"""The one NinjaAPI instance and its routers."""

from __future__ import annotations

from ninja import NinjaAPI

from comptoir.api import duty
from comptoir.api.security import StaffSession

api = NinjaAPI(
    title="Comptoir",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    auth=StaffSession(),
)

api.add_router("/v1/duty", duty.router)
