from django.contrib import admin

from comptoir.satisfaction.models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Read only: surveys change through ``comptoir.satisfaction.services``."""

    list_display = ["ticket", "requester", "sent_at", "expires_at", "rating", "answered_at", "superseded"]
    list_filter = ["rating", "superseded"]
    list_select_related = ["ticket", "requester"]
    search_fields = ["ticket__number"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
