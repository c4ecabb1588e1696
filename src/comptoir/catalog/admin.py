from django.contrib import admin

from comptoir.catalog.models import Component, EscalationPath, Group, Product


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "default_group", "is_active"]
    search_fields = ["name"]
    inlines = [ComponentInline]


class EscalationPathInline(admin.TabularInline):
    """Where this group's tickets of one organisation or one product are escalated,
    instead of the group's own "escalates to"."""

    model = EscalationPath
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["organisation", "product", "to_group"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "escalates_to"]
    list_select_related = ["escalates_to"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    inlines = [EscalationPathInline]


@admin.register(EscalationPath)
class EscalationPathAdmin(admin.ModelAdmin):
    list_display = ["group", "organisation", "product", "to_group"]
    list_filter = ["group", "to_group"]
    list_select_related = ["group", "organisation", "product", "to_group"]
    autocomplete_fields = ["group", "organisation", "product", "to_group"]
