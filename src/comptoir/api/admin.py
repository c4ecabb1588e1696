from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comptoir.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners (the token is shown to them only); here an
    administrator sees them and can revoke one by setting its revocation time."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "scope", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
