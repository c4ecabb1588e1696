from django.contrib import admin

from comptoir.catalog.models import Component, Group, Product


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "default_group", "is_active"]
    inlines = [ComponentInline]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "tier"]
    filter_horizontal = ["members"]
