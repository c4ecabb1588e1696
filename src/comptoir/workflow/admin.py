from django import forms
from django.contrib import admin
from django.utils.dates import WEEKDAYS

from comptoir.workflow.models import AutomationPolicy, DigestSchedule, DigestSending


@admin.register(AutomationPolicy)
class AutomationPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "first_reminder_days",
        "second_reminder_days",
        "resolve_after_days",
        "close_after_days",
    ]


class DigestScheduleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DigestSchedule
        fields = [
            "name",
            "is_enabled",
            "send_at",
            "time_zone",
            "weekdays",
            "inactive_days",
            "due_soon_hours",
            "calendar",
            "to_supervisors",
            "to_groups",
            "send_when_empty",
        ]


@admin.register(DigestSchedule)
class DigestScheduleAdmin(admin.ModelAdmin):
    form = DigestScheduleForm
    list_display = ["name", "is_enabled", "send_at", "time_zone", "inactive_days", "due_soon_hours"]


@admin.register(DigestSending)
class DigestSendingAdmin(admin.ModelAdmin):
    list_display = ["day", "at", "scope", "schedule", "trigger", "by", "recipients", "listed"]
    list_filter = ["trigger", "schedule"]
    date_hierarchy = "at"
    list_select_related = ["schedule", "by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
