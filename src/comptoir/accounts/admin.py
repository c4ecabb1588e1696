from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "monthly_ticket_quota", "language", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "organisation", "tier", "is_active"]
    list_filter = ["role", "tier", "organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Comptoir"), {"fields": ["role", "organisation", "tier", "language", "timezone", "phone"]}),
    )
