from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "comptoir.satisfaction"
    label = "satisfaction"
    verbose_name = _("Satisfaction")
