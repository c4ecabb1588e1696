"""Ready-made request forms (the demo data and new installations may start from them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comptoir.requestforms import services
from comptoir.requestforms.models import RequestField, RequestForm
from comptoir.tickets.vocabulary import TicketType

if TYPE_CHECKING:
    from comptoir.catalog.models import Product


def procedure_002(product: Product) -> RequestForm:
    """Procedure 002: for an incident on a site, the page concerned and the browser are
    needed, the steps and a screenshot help."""
    form, created = RequestForm.objects.get_or_create(
        product=product,
        type=TicketType.INCIDENT,
        defaults={
            "guidance_fr": "Un seul sujet par demande : plus votre demande est complète, "
            "meilleure sera notre réponse. Indiquez la page concernée, votre navigateur et, "
            "si possible, ce que vous avez fait juste avant.",
            "guidance_en": "One subject per request: the more complete your request, the better "
            "our answer. Give the page concerned, your browser and, if you can, what you did "
            "just before.",
        },
    )
    if created:
        RequestField.objects.bulk_create(
            [
                RequestField(
                    form=form,
                    key="page_url",
                    kind="url",
                    label_fr="Adresse de la page concernée",
                    label_en="Address of the page concerned",
                    required=True,
                    position=1,
                ),
                RequestField(
                    form=form,
                    key="browser",
                    kind="browser",
                    label_fr="Navigateur",
                    label_en="Browser",
                    help_fr="Chrome, Firefox, Safari, Edge…",
                    help_en="Chrome, Firefox, Safari, Edge…",
                    required=True,
                    position=2,
                ),
                RequestField(
                    form=form,
                    key="steps",
                    kind="long_text",
                    label_fr="Étapes pour reproduire",
                    label_en="Steps to reproduce",
                    position=3,
                ),
                RequestField(
                    form=form,
                    key="screenshot",
                    kind="file",
                    label_fr="Capture d'écran",
                    label_en="Screenshot",
                    position=4,
                ),
            ]
        )
    services.reset()
    return form
