from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    name = "comptoir.admission"
    label = "admission"
    verbose_name = _("Requests awaiting a decision")
