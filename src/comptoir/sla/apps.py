from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "comptoir.sla"
    label = "sla"
    verbose_name = _("Service levels (SLA)")

    def ready(self) -> None:
        # The configuration log learns how to show a service level's changes.
        from comptoir.sla import configuration  # noqa: F401
