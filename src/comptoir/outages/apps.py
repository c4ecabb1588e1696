from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutagesConfig(AppConfig):
    name = "comptoir.outages"
    label = "outages"
    verbose_name = _("Outages")
