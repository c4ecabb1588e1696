from django.contrib import admin

from comptoir.requestforms import services
from comptoir.requestforms.models import RequestField, RequestForm


class RequestFieldInline(admin.TabularInline):
    model = RequestField
    extra = 1
    fields = ["position", "key", "kind", "label_fr", "label_en", "help_fr", "help_en", "required"]


@admin.register(RequestForm)
class RequestFormAdmin(admin.ModelAdmin):
    """Forms are kept in memory per process: a change made here applies at once here."""

    list_display = ["__str__", "is_active"]
    list_filter = ["is_active", "type", "product"]
    list_select_related = ["product"]
    inlines = [RequestFieldInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        services.reset()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        services.reset()
