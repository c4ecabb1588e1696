"""The review of open requests in the desk (procedure 003): the same review the mail
brings, as a page, for every group or one, and a "send now" button."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comptoir.catalog.models import Group
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError
from comptoir.desk.views import staff_required
from comptoir.workflow import digest, digest_delivery

PAGE_LIMIT = 100


def _group_or_404(request: HttpRequest, value: str) -> Group | None:
    """The group asked for, if the viewer may see its review; else 404 (never tell which)."""
    group = None
    if value:
        if not value.isdigit():
            raise Http404
        group = Group.objects.filter(pk=int(value)).first()
        if group is None:
            raise Http404
    try:
        digest_delivery.check_can_review(request.user, group)
    except ComptoirError:
        raise Http404(_("No such review.")) from None
    return group


@staff_required
def review(request: HttpRequest) -> HttpResponse:
    group = _group_or_404(request, request.GET.get("group", ""))
    schedule = digest_delivery.current_schedule()
    context = {
        "digest": digest.build(
            group=group, at=clock_now(), window=digest_delivery.window_of(schedule), limit=PAGE_LIMIT
        ),
        "groups": list(digest_delivery.reviewable_groups(request.user)),
        "sees_everything": request.user.sees_everything,
    }
    return render(request, "desk/digest.html", context)


@staff_required
@require_POST
def send_review(request: HttpRequest) -> HttpResponse:
    group = _group_or_404(request, request.POST.get("group", ""))
    sent = digest_delivery.send_now(by=request.user, group=group)
    if sent:
        messages.success(
            request,
            ngettext("The review was sent to %(n)d person.", "The review was sent to %(n)d people.", sent)
            % {"n": sent},
        )
    else:
        messages.warning(request, _("Nobody receives this review: no one with an e-mail address."))
    url = reverse("desk:digest")
    return redirect(f"{url}?group={group.pk}" if group is not None else url)
