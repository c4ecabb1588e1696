from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm it: the request starts then."),
    )
    organisation_name = forms.CharField(label=_("Your organisation or site"), max_length=200, required=False)
    product = forms.ModelChoiceField(
        label=_("About"),
        queryset=Product.objects.filter(is_active=True),
        required=False,
        empty_label=_("(not sure)"),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        help_text=_("One subject per request: it will be answered faster."),
    )
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("The page concerned, what you did, what you expected and what happened."),
    )
    # Never shown to people (hidden by the page's style); robots fill it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    shown = forms.CharField(widget=forms.HiddenInput)
