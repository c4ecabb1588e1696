from django.contrib import admin

from comptoir.macros.models import Macro


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "set_status", "set_priority", "set_type", "owner", "group", "is_active"]
    list_filter = ["kind", "is_active", "group"]
    search_fields = ["name", "body"]
