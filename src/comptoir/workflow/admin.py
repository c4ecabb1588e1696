from django.contrib import admin

from comptoir.workflow.models import AutomationPolicy


@admin.register(AutomationPolicy)
class AutomationPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "first_reminder_days",
        "second_reminder_days",
        "resolve_after_days",
        "close_after_days",
    ]
