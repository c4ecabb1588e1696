from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Component, Product
from comptoir.requestforms import rules as requestrules
from comptoir.requestforms import services as requestforms
from comptoir.tickets.attachments import IncomingFile
from comptoir.tickets.vocabulary import TicketType


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


DETAIL_PREFIX = "detail_"


def _detail_field(spec_field: requestrules.Field, language: str, browser: str) -> forms.Field:
    """The form field for one fact a request form asks (procedure 002)."""
    common: dict[str, object] = {
        "label": spec_field.label(language),
        "help_text": spec_field.help(language),
        "required": spec_field.required,
    }
    kind = spec_field.kind
    if kind == requestrules.Kind.FILE:
        return forms.FileField(**common)  # type: ignore[arg-type]
    if kind == requestrules.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)  # type: ignore[arg-type]
    attrs = {"inputmode": "url", "placeholder": "https://"} if kind == requestrules.Kind.URL else {}
    field = forms.CharField(
        max_length=requestrules.MAX_VALUE,
        widget=forms.TextInput(attrs=attrs),
        **common,  # type: ignore[arg-type]
    )
    if kind == requestrules.Kind.BROWSER:
        field.initial = browser
    return field


class NewTicketForm(AttachmentsMixin):
    """A new request: the common fields, plus the facts the request form of the chosen
    product and type asks for (``detail_<key>`` fields, their values by ``details()``)."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        help_text=_("One subject per request: it helps us answer faster."),
    )
    type = forms.TypedChoiceField(
        label=_("Kind of request"),
        choices=TicketType.choices,
        initial=TicketType.QUESTION,
        required=False,
        empty_value=TicketType.QUESTION,
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

    field_order = ["subject", "type", "product", "component", "body", "attachments", "is_urgent"]
    HEAD = ("subject", "type", "product", "component")

    def __init__(self, *args: object, user_agent: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        source = self.data if self.is_bound else self.initial
        product = str(source.get("product") or "")
        type = str(source.get("type") or TicketType.QUESTION)
        self.spec = requestforms.form_for(
            product_id=int(product) if product.isdigit() else None,
            type=type if type in TicketType.values else TicketType.QUESTION,
        )
        language = get_language() or "fr"
        self.guidance = self.spec.guidance(language) if self.spec else ""
        self._details: dict[str, requestrules.Field] = {}
        browser = requestrules.browser_name(user_agent)
        for spec_field in self.spec.fields if self.spec else ():
            name = DETAIL_PREFIX + spec_field.key
            self.fields[name] = _detail_field(spec_field, language, browser)
            self._details[name] = spec_field

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.HEAD]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self._details]

    def tail_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n not in self.HEAD and n not in self._details]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name, spec_field in self._details.items():
            value = data.get(name)
            if spec_field.kind == requestrules.Kind.FILE or not isinstance(value, str):
                continue
            try:
                data[name] = requestrules.clean(spec_field, value)
            except requestrules.InvalidValue:
                self.add_error(name, _("Enter a web address, such as www.example.org/page."))
        return data

    def details(self) -> dict[str, str]:
        """The facts given, by key (a file: its name; the file itself is attached)."""
        values: dict[str, str] = {}
        for name, spec_field in self._details.items():
            value = self.cleaned_data.get(name)
            if spec_field.kind == requestrules.Kind.FILE:
                value = getattr(value, "name", "")
            if value:
                values[spec_field.key] = str(value)
        return values

    def incoming_files(self) -> list[IncomingFile]:
        files = super().incoming_files()
        for name, spec_field in self._details.items():
            upload = self.cleaned_data.get(name)
            if spec_field.kind == requestrules.Kind.FILE and upload:
                files.append(IncomingFile(upload.name, upload.read()))
        return files


class ReplyForm(AttachmentsMixin):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))
    field_order = ["body", "attachments"]
