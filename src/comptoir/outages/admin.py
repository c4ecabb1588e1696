from django.contrib import admin

from comptoir.outages import catalogue
from comptoir.outages.models import ChatChannel, Outage, OutageUpdate, Service, Subscriber


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """Services are configured here; their state follows the outages declared in the desk."""

    list_display = ["name", "product", "component", "state", "is_public", "position"]
    list_editable = ["is_public", "position"]
    list_select_related = ["product", "component"]
    readonly_fields = ["state"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        catalogue.reset()  # which services are public shows in the portal's notices


class OutageUpdateInline(admin.TabularInline):
    model = OutageUpdate
    extra = 0
    fields = ["kind", "at", "by", "body"]
    readonly_fields = ["kind", "at", "by"]
    can_delete = False


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    """Outages are declared, updated and resolved in the desk (which announces them); here
    only their wording can be corrected."""

    list_display = ["title", "kind", "impact", "started_at", "resolved_at"]
    list_filter = ["kind", "impact"]
    readonly_fields = ["kind", "impact", "services", "started_at", "resolved_at", "declared_by", "created_at"]
    raw_id_fields = ["tickets"]
    inlines = [OutageUpdateInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        catalogue.reset()  # titles show on the ticket and new-request pages


@admin.register(ChatChannel)
class ChatChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "mention_channel", "on_declare", "on_update", "on_resolve", "is_active"]
    list_editable = ["is_active"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmation_sent_at", "confirmed_at"]
