from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestFormsConfig(AppConfig):
    name = "comptoir.requestforms"
    label = "requestforms"
    verbose_name = _("Request forms")
