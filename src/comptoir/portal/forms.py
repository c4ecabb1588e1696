from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Component, Product
from comptoir.tickets.attachments import IncomingFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AttachmentsMixin(forms.Form):
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=format_lazy(
            _("Screenshots, documents… (up to {limit} each)"),
            limit=lazy(filesizeformat, str)(settings.COMPTOIR_MAX_ATTACHMENT_BYTES),
        ),
    )

    def incoming_files(self) -> list[IncomingFile]:
        return [IncomingFile(f.name, f.read()) for f in self.cleaned_data.get("attachments") or []]


class NewTicketForm(AttachmentsMixin):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        help_text=_("One subject per request: it helps us answer faster."),
    )
    product = forms.ModelChoiceField(
        label=_("Product or site concerned"),
        queryset=Product.objects.filter(is_active=True).select_related("default_group"),
        required=False,
    )
    component = forms.ModelChoiceField(
        label=_("Component"), queryset=Component.objects.select_related("product"), required=False
    )
    body = forms.CharField(
        label=_("Describe your request"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The more complete your request, the better our answer: "
            "what you did, what you saw, the page concerned."
        ),
    )
    is_urgent = forms.BooleanField(
        label=_("Urgent: it blocks a customer or stops me from working"), required=False
    )

    field_order = ["subject", "product", "component", "body", "attachments", "is_urgent"]


class ReplyForm(AttachmentsMixin):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))
    field_order = ["body", "attachments"]
