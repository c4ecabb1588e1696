from django.contrib import admin

from comptoir.contact.models import ContactRequest


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "subject", "state", "ticket"]
    list_filter = ["state"]
    search_fields = ["email", "subject", "name"]
    readonly_fields = [f.name for f in ContactRequest._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
