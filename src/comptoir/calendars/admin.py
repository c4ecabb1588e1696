import json

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from comptoir.accounts import contracts
from comptoir.calendars.models import Calendar


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name"]
    actions = ["export_spec"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        # The contracts' calendars are cached per process: apply the change here at once.
        contracts.forget()

    @admin.action(description=_("Download the specification (JSON)"))
    def export_spec(self, request: HttpRequest, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
        data = {c.name: c.spec for c in queryset}
        name = slugify(next(iter(data))) if len(data) == 1 else "calendars"
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
