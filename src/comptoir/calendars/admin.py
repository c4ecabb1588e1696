from django.contrib import admin

from comptoir.calendars.models import Calendar


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name"]
