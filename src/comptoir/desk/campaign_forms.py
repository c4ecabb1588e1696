"""Forms of the campaign pages: they parse; the rules live in ``comptoir.campaigns``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Organisation
from comptoir.campaigns import audiences, csvfiles
from comptoir.campaigns.models import ContactList, ListVersion, NoticeTemplate
from comptoir.catalog.models import Product


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ListVersion) -> str:
        return _("%(list)s — imported %(date)s (%(count)s contacts)") % {
            "list": obj.contact_list.name,
            "date": f"{obj.imported_at:%Y-%m-%d}" if obj.imported_at else "",
            "count": obj.accepted,
        }


class NewCampaignForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Template"), queryset=NoticeTemplate.objects.none())
    name = forms.CharField(label=_("Campaign name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("For contacts whose language is not known."),
    )
    versions = VersionChoiceField(
        label=_("Contact lists"),
        queryset=ListVersion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The latest import of each list comes first."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Requesters of these organisations"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Users of these products in Comptoir"),
        queryset=Product.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("People who opened a ticket about the product."),
    )

    def __init__(self, *args: Any, kinds: list[str], follows_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = NoticeTemplate.objects.filter(kind__in=kinds)
        self.fields["versions"].queryset = audiences.imported_versions()
        self.follows_label = follows_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.follows_label and not (
            data.get("versions") or data.get("organisations") or data.get("products")
        ):
            raise forms.ValidationError(_("Choose who receives this campaign."))
        return data


class CampaignTextForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    subject_fr = forms.CharField(label=_("Subject (French)"), max_length=200)
    body_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 12}))
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 12}))


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeTemplate.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    subject_fr = forms.CharField(label=_("Subject (French)"), max_length=200)
    body_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 14}))
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 14}))


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ContactListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
        help_text=_("Its outages' notices go to the latest version of this list."),
    )
    notices_to_unsubscribed = forms.BooleanField(
        label=ContactList._meta.get_field("notices_to_unsubscribed").verbose_name,
        required=False,
        initial=True,
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 or Windows-1252; comma, semicolon or tab.")
    )


DELIMITER_CHOICES = [
    (";", _("Semicolon ;")),
    (",", _("Comma ,")),
    ("\t", _("Tab")),
    ("|", _("Vertical bar |")),
]


class MappingForm(forms.Form):
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITER_CHOICES)
    has_header = forms.BooleanField(label=_("The first row holds the column names"), required=False)

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— none —")), *((str(i), name) for i, name in enumerate(columns))]
        labels = {
            "email": _("E-mail address"),
            "name": _("Name"),
            "organisation": _("Organisation"),
            "language": _("Language"),
        }
        for field in csvfiles.FIELDS:
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=labels[field], choices=choices, required=field == "email"
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            field: int(self.cleaned_data[f"map_{field}"])
            if self.cleaned_data.get(f"map_{field}") not in (None, "")
            else None
            for field in csvfiles.FIELDS
        }
