from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Organisation
from comptoir.catalog.models import Component, Group, Product
from comptoir.portal.forms import AttachmentsMixin
from comptoir.tickets.vocabulary import Priority, Severity, Status, TicketType

User = get_user_model()

STAFF_ROLES = ["agent", "supervisor", "admin"]


class ReplyForm(AttachmentsMixin):
    body = forms.CharField(label=_("Public reply"), widget=forms.Textarea(attrs={"rows": 5}))
    set_status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[
            ("", _("(unchanged)")),
            (Status.PENDING, Status.PENDING.label),
            (Status.ON_HOLD, Status.ON_HOLD.label),
            (Status.RESOLVED, Status.RESOLVED.label),
        ],
        required=False,
    )
    field_order = ["body", "attachments", "set_status"]


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True),
        required=False,
        empty_label=_("(nobody)"),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.CharField(label=_("Comment (optional)"), required=False)


class RequalifyForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.all(), required=False)
    component = forms.ModelChoiceField(
        label=_("Component"), queryset=Component.objects.select_related("product"), required=False
    )
    reason = forms.CharField(label=_("Reason"))


class _PathFirst(forms.ModelChoiceField):
    """The groups, the ticket's escalation path first and named as such."""

    suggested: Group | None = None

    def label_from_instance(self, obj: Group) -> str:  # type: ignore[override]
        if self.suggested is not None and obj.pk == self.suggested.pk:
            return _("%(group)s — escalation path") % {"group": obj}
        return str(obj)


class _OptionalSelect(forms.Select):
    # The group is optional: never look for an empty first choice to decide whether to
    # mark the list required (that look would read the groups a second time).
    def use_required_attribute(self, initial: object) -> bool:
        return False


class EscalateForm(forms.Form):
    """``suggested``: where the escalation path (``catalog.escalation``) sends the ticket,
    offered first and chosen; without one the agent picks the group. Left empty, the
    service applies the path, or says that a group must be chosen."""

    group = _PathFirst(
        label=_("To group"), queryset=Group.objects.all(), required=False, widget=_OptionalSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, suggested: Group | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, _PathFirst)
        field.suggested = suggested
        if suggested is not None:
            field.queryset = Group.objects.order_by(
                Case(When(pk=suggested.pk, then=0), default=1), "tier", "name"
            )
            field.empty_label = None
            self.initial.setdefault("group", suggested.pk)
        else:
            field.empty_label = _("(choose a group)")


class UrgencyForm(forms.Form):
    urgent = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=[("0", _("Not urgent: downgrade (the requester is told)")), ("1", _("Urgent: confirm"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"))


class PhoneCallForm(AttachmentsMixin):
    """Procedures 001 and 003: an agent logs a call for the caller, found by name, e-mail or
    organisation, or created on the spot."""

    requester = forms.ModelChoiceField(
        label=_("Caller"),
        queryset=User.objects.filter(is_active=True).select_related("organisation"),
        required=False,
        widget=forms.HiddenInput,
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True), required=False
    )
    called_at = forms.DateTimeField(
        label=_("Time of the call"),
        required=False,
        help_text=_("Empty: now. The service levels count from the call."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(is_active=True).select_related("default_group"),
        required=False,
    )
    body = forms.CharField(label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 6}))
    notes = forms.CharField(
        label=_("Internal note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the team only: what you checked during the call."),
    )
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    field_order = [
        "requester",
        "first_name",
        "last_name",
        "email",
        "phone",
        "organisation",
        "called_at",
        "subject",
        "product",
        "body",
        "notes",
        "attachments",
        "is_urgent",
    ]
    NEW_CALLER = ("first_name", "last_name", "email", "phone", "organisation")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("requester") is None and not (data.get("first_name") and data.get("last_name")):
            raise forms.ValidationError(
                _("Choose the caller among the people found, or give the new caller's first and last name.")
            )
        return data


class ForwardForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the product team (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LinkForm(forms.Form):
    feature = forms.IntegerField(
        label=_("Number of the feature request"),
        min_value=1,
        widget=forms.NumberInput(attrs={"placeholder": "123456"}),
    )


class MacroForm(forms.Form):
    macro = forms.IntegerField(label=_("Macro"), min_value=1)
