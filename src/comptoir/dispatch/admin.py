from django.contrib import admin

from comptoir.dispatch import catalogue
from comptoir.dispatch.models import Rota, RotaMember, RotaOverride, RoutingRule


class ResetCatalogue(admin.ModelAdmin):
    """Rules and rotas are cached per process: a change made here applies at once here."""

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        catalogue.reset()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        catalogue.reset()


@admin.register(RoutingRule)
class RoutingRuleAdmin(ResetCatalogue):
    list_display = ["name", "position", "is_active", "group"]
    list_editable = ["position", "is_active"]
    list_select_related = ["group"]
    filter_horizontal = ["products", "components", "organisations", "mailboxes"]


class RotaMemberInline(admin.TabularInline):
    model = RotaMember
    extra = 1
    raw_id_fields = ["user"]


class RotaOverrideInline(admin.TabularInline):
    model = RotaOverride
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Rota)
class RotaAdmin(ResetCatalogue):
    list_display = ["name", "kind", "is_active", "period_days", "handover_time", "phone"]
    filter_horizontal = ["organisations", "products"]
    inlines = [RotaMemberInline, RotaOverrideInline]


@admin.register(RotaOverride)
class RotaOverrideAdmin(ResetCatalogue):
    list_display = ["rota", "kind", "user", "starts_at", "ends_at", "reason"]
    list_filter = ["rota", "kind"]
    list_select_related = ["rota", "user"]
    raw_id_fields = ["user"]
