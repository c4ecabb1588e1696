"""The configuration area of the desk (/desk/settings/): its index, and the service
levels screen (``comptoir.sla.configuration``). Administrators change; supervisors read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.accounts.models import Organisation
from comptoir.calendars.models import Calendar
from comptoir.catalog.models import Group, Product
from comptoir.core import config_changes
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.desk.views import staff_required
from comptoir.sla import configuration
from comptoir.sla.durations import format_target
from comptoir.sla.models import Metric, SLAPolicy
from comptoir.tickets.vocabulary import Priority, Severity, TicketType


def _readable(request: HttpRequest) -> None:
    try:
        configuration.check_can_read(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _changeable(request: HttpRequest) -> None:
    try:
        configuration.check_can_change(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    _readable(request)
    changes = [
        {"change": c, "kind": config_changes.kind_label(c.kind), "differences": config_changes.describe(c)}
        for c in config_changes.latest(20)
    ]
    return render(
        request,
        "desk/settings/index.html",
        {"changes": changes, "is_admin": configuration.can_change(request.user)},
    )


def _multiple(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class PolicyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    calendar = forms.ModelChoiceField(
        Calendar.objects.order_by("name"),
        label=gettext_lazy("Business calendar"),
        required=False,
        empty_label=gettext_lazy("The organisation's calendar"),
        help_text=gettext_lazy(
            "The hours the targets count in. Without a calendar anywhere, plain time counts."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for metric, label in Metric.choices:
            self.fields[f"target_{metric}"] = forms.CharField(
                label=label,
                required=False,
                max_length=60,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. 4 business hours")}),
            )
        for key, choices in configuration.LABELLED.items():
            self.fields[key] = _multiple(
                choices.choices, SLAPolicy._meta.get_field(key).verbose_name.capitalize()
            )
        self.fields["organisations"] = forms.ModelMultipleChoiceField(
            Organisation.objects.order_by("name"),
            label=gettext_lazy("Organisations"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["products"] = forms.ModelMultipleChoiceField(
            Product.objects.order_by("name"),
            label=gettext_lazy("Products"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["groups"] = forms.ModelMultipleChoiceField(
            Group.objects.order_by("name"),
            label=gettext_lazy("Groups"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"target_{m}"] for m in Metric.values]

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[k] for k in [*configuration.LABELLED, "organisations", "products", "groups"]]

    def to_input(self) -> configuration.PolicyInput:
        d = self.cleaned_data
        return configuration.PolicyInput(
            name=d["name"],
            is_active=d["is_active"],
            calendar_id=d["calendar"].pk if d["calendar"] else None,
            targets={m: d.get(f"target_{m}") or "" for m in Metric.values},
            **{k: tuple(d[k]) for k in configuration.LABELLED},
            organisations=tuple(o.pk for o in d["organisations"]),
            products=tuple(p.pk for p in d["products"]),
            groups=tuple(g.pk for g in d["groups"]),
        )


def _initial(policy: SLAPolicy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": policy.name,
        "is_active": policy.is_active,
        "calendar": policy.calendar_id,
    }
    for key in configuration.LABELLED:
        initial[key] = list(getattr(policy, key))
    initial["organisations"] = list(policy.organisations.all())
    initial["products"] = list(policy.products.all())
    initial["groups"] = list(policy.groups.all())
    for t in policy.targets.all():
        initial[f"target_{t.metric}"] = configuration.show_target(t)
    return initial


class SimulatorForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=TicketType.choices)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    product = forms.ModelChoiceField(
        Product.objects.order_by("name"), label=gettext_lazy("Product"), required=False
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name"), label=gettext_lazy("Organisation"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "arrival" else "form-select"

    arrival = forms.DateTimeField(
        label=gettext_lazy("Arrives on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


@staff_required
def sla_list(request: HttpRequest) -> HttpResponse:
    _readable(request)
    now = timezone.localtime().replace(second=0, microsecond=0)
    simulator = SimulatorForm(request.GET if "arrival" in request.GET else None, initial={"arrival": now})
    simulation = None
    if simulator.is_bound and simulator.is_valid():
        d = simulator.cleaned_data
        arrival: datetime = d["arrival"]
        simulation = configuration.simulate(
            type=d["type"],
            priority=d["priority"],
            severity=d["severity"],
            arrival=arrival,
            product_id=d["product"].pk if d["product"] else None,
            organisation_id=d["organisation"].pk if d["organisation"] else None,
        )
    rows = [
        {
            "policy": p,
            "targets": [(t.get_metric_display(), configuration.show_target(t)) for t in p.targets.all()],
        }
        for p in configuration.ordered_policies()
    ]
    context = {
        "rows": rows,
        "simulator": simulator,
        "simulation": simulation,
        "can_change": configuration.can_change(request.user),
    }
    return render(request, "desk/settings/sla_list.html", context)


@require_POST
@staff_required
def sla_move(request: HttpRequest, pk: int) -> HttpResponse:
    _changeable(request)
    configuration.move_policy(by=request.user, policy_id=pk, up=request.POST.get("direction") == "up")
    return redirect("desk:settings_sla")


@staff_required
def sla_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _readable(request)
    policy = None
    if pk is not None:
        policy = configuration.ordered_policies().filter(pk=pk).first()
        if policy is None:
            raise Http404
    if request.method == "POST":
        _changeable(request)
    form = PolicyForm(request.POST or None, initial=_initial(policy) if policy else {"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            saved = configuration.save_policy(by=request.user, policy=policy, data=form.to_input())
        except configuration.PolicyRefused as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Service level '%(name)s' saved.") % {"name": saved.name})
            return redirect("desk:settings_sla")
    context = {"form": form, "policy": policy, "can_change": configuration.can_change(request.user)}
    return render(request, "desk/settings/sla_edit.html", context)


@staff_required
def sla_check_target(request: HttpRequest) -> HttpResponse:
    """htmx: how a target as typed is understood, or why it is refused."""
    _readable(request)
    text = next((v for k, v in request.GET.items() if k.startswith("target_")), "")
    understood, error = "", ""
    if text.strip():
        try:
            parsed = configuration.read_target(text)
        except ValidationError as exc:
            error = exc.message
        else:
            understood = format_target(
                parsed.duration,
                business=parsed.business is not False,
                in_days=parsed.in_days,
                language=request.LANGUAGE_CODE,
            )
    return render(request, "desk/settings/_target_check.html", {"understood": understood, "error": error})
