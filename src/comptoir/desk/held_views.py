"""Requests kept instead of opened (comptoir.admission): supervisors approve or refuse
those beyond the monthly allowance, agents review those from people their organisation
does not serve. Parse, call a service, render; a request one may not decide on is 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.admission import selectors, services
from comptoir.admission.models import HeldFile, HeldRequest
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.desk.views import staff_required


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept with the decision; for a refusal, the requester reads it."),
    )


def _held_or_404(request: HttpRequest, pk: int) -> HeldRequest:
    try:
        return selectors.held_for(request.user, pk)
    except NotFound:
        raise Http404(_("No such request.")) from None


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


@staff_required
def held_list(request: HttpRequest) -> HttpResponse:
    page = selectors.held_page(
        request.user, state=request.GET.get("state", HeldRequest.State.HELD), page=_page_number(request)
    )
    return render(request, "desk/held_list.html", {"page": page, "states": HeldRequest.State.choices})


@staff_required
def held_page(request: HttpRequest, pk: int) -> HttpResponse:
    held = _held_or_404(request, pk)
    return render(request, "desk/held.html", {"held": held, "form": DecisionForm()})


@staff_required
@require_POST
def held_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {"approve", "refuse", "dismiss"}:
        raise Http404
    held = _held_or_404(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if action == "approve":
                ticket = services.approve(held, by=request.user, note=note)
                messages.success(request, _("Request approved: ticket %(ref)s.") % {"ref": ticket.reference})
                return redirect("desk:ticket", number=ticket.number)
            if action == "refuse":
                services.refuse(held, by=request.user, reason=note)
                messages.success(request, _("Request refused; the requester has been told why."))
            else:
                services.dismiss(held, by=request.user, note=note)
                messages.success(request, _("Request dismissed."))
        except ComptoirError as exc:
            messages.error(request, exc.message)
            held = _held_or_404(request, pk)  # as stored: a failed decision changed nothing
            return render(request, "desk/held.html", {"held": held, "form": form}, status=400)
        return redirect("desk:held_list")
    return render(request, "desk/held.html", {"held": held, "form": form}, status=400)


@staff_required
def held_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Always downloaded, never shown inline: nobody has checked what it is yet."""
    held = _held_or_404(request, pk)
    try:
        kept = HeldFile.objects.get(pk=file_pk, held=held)
    except HeldFile.DoesNotExist:
        raise Http404 from None
    response = FileResponse(
        kept.file.open("rb"),
        as_attachment=True,
        filename=kept.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
