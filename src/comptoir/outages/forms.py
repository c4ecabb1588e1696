from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.outages.models import Outage, Service, State

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
IMPACT_CHOICES = [c for c in State.choices if c[0] != State.OPERATIONAL]


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed in the browser's picker, read in the agent's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class DeclareForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    services = forms.ModelMultipleChoiceField(
        label=_("Affected services"),
        queryset=Service.objects.select_related("product"),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("Type of incident"), choices=Outage.Kind.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=IMPACT_CHOICES, initial=State.MAJOR)
    started_at = DateTimeLocalField(label=_("Start"), required=False, help_text=_("Empty: now."))
    expected_end_at = DateTimeLocalField(label=_("Expected end"), required=False)
    message = forms.CharField(
        label=_("Public message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the status page and sent to the team chat and the subscribers."),
    )
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If the technical team knows it; otherwise leave it empty."),
    )
    host = forms.CharField(label=_("Host"), max_length=200, required=False)
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by the support team only."),
    )


class UpdateForm(forms.Form):
    message = forms.CharField(label=_("Public message"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_end_at = DateTimeLocalField(label=_("Expected end"), required=False)
    impact = forms.ChoiceField(label=_("Impact"), choices=IMPACT_CHOICES)
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    message = forms.CharField(label=_("Public message"), widget=forms.Textarea(attrs={"rows": 3}))
    resolved_at = DateTimeLocalField(label=_("End of the outage"), required=False, help_text=_("Empty: now."))
    answer_tickets = forms.BooleanField(
        label=_("Answer the linked tickets' requesters with this message and resolve those tickets"),
        required=False,
    )


class LinkTicketForm(forms.Form):
    outage = forms.IntegerField(label=_("Outage"), min_value=1)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
