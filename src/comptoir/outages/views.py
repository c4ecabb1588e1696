"""The public status page (no sign-in, French or English): the services' state, the outages
under way with their updates, the last 90 days; an Atom feed, a JSON document, and e-mail
subscriptions (double opt-in, one-click unsubscribe)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.outages import selectors, subscriptions
from comptoir.outages.announcements import absolute
from comptoir.outages.forms import SubscribeForm
from comptoir.outages.models import Outage, OutageUpdate

# The status page is read by many during an outage, and by monitoring tools: a short
# shared cache lifetime spares the database without hiding news for long.
MAX_AGE = 30


def _cacheable(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    page = selectors.status_page(at=clock_now())
    return render(request, "outages/status.html", {"status": page, "form": SubscribeForm()})


@require_GET
def outage_page(request: HttpRequest, pk: int) -> HttpResponse:
    outage = selectors.public_outage(pk)
    if outage is None:
        raise Http404(_("No such outage."))
    return render(request, "outages/status_outage.html", {"outage": outage})


def _outage_json(outage: Outage) -> dict[str, Any]:
    return {
        "id": outage.pk,
        "title": outage.title,
        "kind": outage.kind,
        "impact": outage.impact,
        "services": [s.name for s in outage.services.all()],
        "started_at": outage.started_at,
        "expected_end_at": outage.expected_end_at,
        "resolved_at": outage.resolved_at,
        "cause": outage.cause,
        "url": absolute(reverse("status:outage", args=[outage.pk])),
        "updates": [{"kind": u.kind, "at": u.at, "message": u.body} for u in outage.updates.all()],
    }


@require_GET
def status_json(request: HttpRequest) -> HttpResponse:
    """The format is documented in README.md (« /status/status.json »)."""
    page = selectors.status_page(at=clock_now())
    document = {
        "generated_at": page.at,
        "status": page.overall,
        "services": [
            {
                "id": s.pk,
                "name": s.name,
                "product": s.product.name,
                "component": s.component.name if s.component else None,
                "state": s.state,
            }
            for s in page.services
        ],
        "ongoing": [_outage_json(o) for o in page.ongoing],
        "planned": [_outage_json(o) for o in page.planned],
        "recent": [_outage_json(o) for o in page.history],
    }
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"  # public data, read by other sites' widgets
    return _cacheable(response)


UPDATE_TITLES = {
    OutageUpdate.Kind.DECLARED: gettext_lazy("Outage: %(title)s"),
    OutageUpdate.Kind.UPDATE: gettext_lazy("Update: %(title)s"),
    OutageUpdate.Kind.RESOLVED: gettext_lazy("Resolved: %(title)s"),
}


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    at = clock_now()
    atom = Atom1Feed(
        title=_("Service status"),
        link=absolute(reverse("status:page")),
        description=_("Outages and their updates"),
        language=translation.get_language(),
        feed_url=absolute(reverse("status:feed")),
    )
    for update in selectors.feed_updates(at=at):
        link = absolute(reverse("status:outage", args=[update.outage_id]))
        atom.add_item(
            title=str(UPDATE_TITLES[OutageUpdate.Kind(update.kind)]) % {"title": update.outage.title},
            link=link,
            description=update.body,
            pubdate=update.at,
            updateddate=update.at,
            unique_id=f"{link}#update-{update.pk}",
        )
    response = HttpResponse(content_type=f"{atom.content_type}")
    atom.write(response, "utf-8")
    return _cacheable(response)


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    if form.is_valid():
        try:
            subscriptions.subscribe(email=form.cleaned_data["email"], language=translation.get_language())
        except ComptoirError as exc:
            messages.error(request, exc.message)
        else:
            # The same words whatever the address's state: nobody learns who subscribed.
            messages.success(
                request,
                _("Check your mailbox: follow the link in the mail we sent to confirm your subscription."),
            )
        return redirect(reverse("status:page") + "#subscribe")
    page = selectors.status_page(at=clock_now())
    return render(request, "outages/status.html", {"status": page, "form": form}, status=400)


@require_GET
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriptions.confirm(token=token)
    except NotFound as exc:
        return render(request, "outages/subscription.html", {"problem": exc.message}, status=404)
    return render(request, "outages/subscription.html", {"confirmed": True})


# RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to the link without a CSRF
# token; the signed token is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            subscriptions.unsubscribe(token=token)
            return render(request, "outages/subscription.html", {"unsubscribed": True})
        subscriptions.check_unsubscribe_token(token)
    except NotFound as exc:
        return render(request, "outages/subscription.html", {"problem": exc.message}, status=404)
    # A GET only asks: link checkers in mail filters open links without meaning to.
    return render(request, "outages/subscription.html", {"ask_unsubscribe": True, "token": token})
