from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WidgetConfig(AppConfig):
    name = "comptoir.widget"
    label = "widget"
    verbose_name = _("Help button")
