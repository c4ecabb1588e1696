from django.contrib import admin

from comptoir.admission.models import HeldFile, HeldRequest


class HeldFileInline(admin.TabularInline):
    model = HeldFile
    extra = 0
    can_delete = False
    readonly_fields = ["filename", "size", "sha256"]
    fields = readonly_fields


@admin.register(HeldRequest)
class HeldRequestAdmin(admin.ModelAdmin):
    """Read-only: decisions are taken in the desk, where they send their mails."""

    list_display = ["subject", "requester", "organisation", "reason", "state", "received_at", "decided_by"]
    list_filter = ["reason", "state", "organisation"]
    search_fields = ["subject", "requester__username", "requester__email"]
    list_select_related = ["requester", "organisation", "decided_by"]
    inlines = [HeldFileInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
