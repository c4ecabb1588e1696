from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from comptoir.push.models import PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """The devices that receive notifications: to see them and remove one (a lost phone).
    Devices are added by their owners only, from their browser."""

    list_display = ["user", "label", "emergencies", "created_at", "last_used_at"]
    list_filter = ["emergencies"]
    search_fields = ["user__username", "user__email", "label"]
    list_select_related = ["user"]
    fields = ["user", "label", "emergencies", "endpoint", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
