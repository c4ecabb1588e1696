"""Request forms: per product and type, the facts a new request must give (procedure 002)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.requestforms.rules import Kind
from comptoir.tickets.vocabulary import TicketType


class RequestForm(models.Model):
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="request_forms",
        help_text=_("Empty: every product without a form of its own."),
    )
    type = models.CharField(
        _("type of request"),
        max_length=20,
        choices=TicketType,
        blank=True,
        help_text=_("Empty: every type without a form of its own."),
    )
    guidance_fr = models.TextField(
        _("guidance (French)"),
        blank=True,
        help_text=_("A short text shown above the form: what to give, one subject per request."),
    )
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("request form")
        verbose_name_plural = _("request forms")
        ordering = ["product__name", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "type"],
                name="request_form_unique",
                condition=models.Q(product__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["type"], name="request_form_unique_default", condition=models.Q(product__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        product = self.product.name if self.product_id else _("any product")
        kind = self.get_type_display() if self.type else _("any type")
        return f"{product} — {kind}"


class RequestField(models.Model):
    form = models.ForeignKey(
        RequestForm, verbose_name=_("request form"), on_delete=models.CASCADE, related_name="fields"
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("The name of the value in the ticket's details and the API (page_url, browser, steps…)."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[
            (Kind.TEXT.value, _("Short text")),
            (Kind.LONG_TEXT.value, _("Long text")),
            (Kind.URL.value, _("Web address")),
            (Kind.BROWSER.value, _("Browser")),
            (Kind.FILE.value, _("File (screenshot)")),
        ],
        default=Kind.TEXT.value,
    )
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=250, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=250, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["form", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="request_field_unique_key")]

    def __str__(self) -> str:
        return self.label_fr
