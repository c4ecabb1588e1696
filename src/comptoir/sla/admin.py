from django.contrib import admin

from comptoir.sla import policies
from comptoir.sla.models import SLAClock, SLAPolicy, SLATarget


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 1


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "calendar", "pause_on_hold"]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["organisations", "products", "groups"]
    inlines = [SLATargetInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        policies.forget()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        policies.forget()


@admin.register(SLAClock)
class SLAClockAdmin(admin.ModelAdmin):
    list_display = ["ticket", "metric", "state", "started_at", "due_at", "policy"]
    list_filter = ["state", "metric"]
    raw_id_fields = ["ticket"]
    list_select_related = ["ticket", "policy"]
