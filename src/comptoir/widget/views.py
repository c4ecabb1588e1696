"""The help button's endpoints: the loader script the host page includes, the panel page
shown in its iframe, and the panel's requests (start, search, new request). Thin: every
rule is in ``widget.services``.

CSRF: start, search and tickets are ``csrf_exempt``. They read no cookie and carry no
ambient authority: the iframe sends none (``credentials: "omit"``, and third-party cookies
are blocked anyway). What a forger would need is the signed panel session token, which
``start`` gives only to whoever holds the identity the host site signed (or, unsigned, to
anyone, with the contact form's mailed confirmation before anything is opened); it is bound
to the site, the person and two hours. That token is the anti-forgery token. A browser POST
from another site is refused besides (its ``Origin`` is not Comptoir's).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comptoir.accounts import eligibility
from comptoir.admission.models import HeldRequest
from comptoir.contact import services as contact
from comptoir.contact.forms import ContactForm
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.kb import search as kb_search
from comptoir.kb.models import reader_language
from comptoir.portal.forms import DETAIL_PREFIX, NewTicketForm
from comptoir.widget import services
from comptoir.widget.models import Site
from comptoir.workflow import quota

SEARCH_RESULTS = 5
LOADER_MAX_AGE = 300  # seconds: a change of the site shows within five minutes


def _site_or_404(key: str) -> Site:
    try:
        return services.site_for_key(key)
    except NotFound:
        raise Http404(_("No such help button.")) from None


def _language(value: str, site: Site) -> str:
    code = (value or "")[:2].lower()
    return code if code in dict(settings.LANGUAGES) else site.organisation.language


def _from_another_site(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not a browser's cross-origin request (browsers send it on POST)
    return urlsplit(origin).netloc.lower() != request.get_host().lower()


def _refused(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "widget/_refused.html", {"message": message}, status=status)


@require_GET
@cache_control(public=True, max_age=LOADER_MAX_AGE)
def loader(request: HttpRequest, key: str) -> HttpResponse:
    site = _site_or_404(key)
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = {
                "open": _("Help: search the guide or contact the support team"),
                "close": _("Close the help panel"),
                "title": _("Help"),
                "frame": _("Help and support"),
            }
    # Comptoir's configured address, never the request's scheme guessed behind a proxy.
    origin = settings.COMPTOIR_BASE_URL.rstrip("/")
    config = {
        "origin": origin,
        "panel": origin + reverse("widget:panel", args=[site.key]),
        "key": site.key,
        "language": site.organisation.language,
        "labels": labels,
    }
    return render(
        request,
        "widget/loader.js",
        {"config": json.dumps(config, ensure_ascii=True).replace("</", "<\\/")},
        content_type="text/javascript; charset=utf-8",
    )


@require_GET
@never_cache
@xframe_options_exempt  # framing is decided by the CSP below: the site's origins only
def panel(request: HttpRequest, key: str) -> HttpResponse:
    site = _site_or_404(key)
    allowed = site.origins
    language = _language(request.GET.get("lang", ""), site)
    with translation.override(language):
        response = render(
            request,
            "widget/panel.html",
            {"site": site, "origins": allowed, "language": language},
        )
    ancestors = " ".join(allowed) if allowed else "'none'"
    response["Content-Security-Policy"] = (
        f"frame-ancestors {ancestors}; default-src 'self'; img-src 'self' data:; "
        "object-src 'none'; form-action 'self'"
    )
    return response


def _ticket_context(session: services.Session, form: object) -> dict[str, object]:
    context: dict[str, object] = {"session": session, "form": form}
    if session.user is not None:
        context["not_eligible"] = eligibility.refusal_for(session.user)
        usage = quota.usage(session.site.organisation_id, at=clock_now())
        context["quota"] = usage if usage.allowance is not None else None
    return context


def _ticket_form(request: HttpRequest, session: services.Session, **kwargs: object) -> NewTicketForm:
    """The portal's new-request form, with the facts the help button knows already filled
    in where the request form asks for them (the page, the browser)."""
    form = NewTicketForm(user_agent=request.headers.get("User-Agent", ""), **kwargs)
    page = form.fields.get(f"{DETAIL_PREFIX}page_url")
    if page is not None and session.page_url:
        page.initial = session.page_url
    return form


def _new_form(request: HttpRequest, session: services.Session) -> NewTicketForm | ContactForm:
    product = session.site.product
    if session.user is not None:
        return _ticket_form(request, session, initial={"product": product.pk if product else ""})
    return ContactForm(initial={"shown": contact.form_token(clock_now()), "product": product})


@csrf_exempt
@require_POST
@never_cache
def start(request: HttpRequest, key: str) -> HttpResponse:
    site = _site_or_404(key)
    language = _language(request.POST.get("lang", ""), site)
    with translation.override(language):
        if _from_another_site(request):
            return _refused(request, _("This request does not come from the help button of this site."))
        try:
            origin = services.check_origin(site, request.POST.get("origin", ""))
            token = request.POST.get("identity", "").strip()
            user = services.identify(site, token) if token else None
        except ComptoirError as exc:
            return _refused(request, exc.message)
        signed = services.open_session(
            site, user=user, origin=origin, page_url=request.POST.get("page_url", ""), language=language
        )
        session = services.read_session(site, signed)
        context = _ticket_context(session, _new_form(request, session)) | {"token": signed}
        return render(request, "widget/_content.html", context)


def _session_or_refusal(request: HttpRequest, site: Site, token: str) -> services.Session | HttpResponse:
    if _from_another_site(request):
        return _refused(request, _("This request does not come from the help button of this site."))
    try:
        return services.read_session(site, token)
    except ComptoirError as exc:
        return _refused(request, exc.message)


@require_GET
@never_cache
def search(request: HttpRequest, key: str) -> HttpResponse:
    site = _site_or_404(key)
    session = _session_or_refusal(request, site, request.GET.get("s", ""))
    if isinstance(session, HttpResponse):
        return session
    query = request.GET.get("q", "").strip()
    with translation.override(session.language or site.organisation.language):
        hits = kb_search.search(
            query,
            user=session.user or AnonymousUser(),
            language=reader_language(session.language),
            limit=SEARCH_RESULTS,
            any_word=True,
        )
        return render(request, "widget/_results.html", {"hits": hits, "query": query})


@csrf_exempt
@require_POST
@never_cache
def tickets(request: HttpRequest, key: str) -> HttpResponse:
    site = _site_or_404(key)
    token = request.POST.get("s", "")
    session = _session_or_refusal(request, site, token)
    if isinstance(session, HttpResponse):
        return session
    with translation.override(session.language or site.organisation.language):
        if session.user is None:
            return _contact(request, session, token)
        form = _ticket_form(request, session, data=request.POST, files=request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.open_ticket(
                    session,
                    subject=data["subject"],
                    body=data["body"],
                    browser=request.headers.get("User-Agent", ""),
                    type=data["type"],
                    product=data["product"],
                    component=data["component"],
                    is_urgent=data["is_urgent"],
                    attachments=form.incoming_files(),
                    details=form.details(),
                )
            except ComptoirError as exc:
                form.add_error(None, exc.message)
            else:
                if isinstance(result, HeldRequest):
                    return render(request, "widget/_held.html", {"held": result})
                return render(request, "widget/_registered.html", {"ticket": result})
        context = _ticket_context(session, form) | {"token": token}
        return render(request, "widget/_ticket_form.html", context, status=400)


@require_GET
@never_cache
def details(request: HttpRequest, key: str) -> HttpResponse:
    """The facts the request form of the chosen product and type asks for (when the product
    or the type changes on the panel's form)."""
    site = _site_or_404(key)
    session = _session_or_refusal(request, site, request.GET.get("s", ""))
    if isinstance(session, HttpResponse):
        return session
    if session.user is None:
        return HttpResponse("")
    with translation.override(session.language or site.organisation.language):
        initial = {"product": request.GET.get("product", ""), "type": request.GET.get("type", "")}
        form = _ticket_form(request, session, initial=initial)
        return render(request, "portal/_request_details.html", {"form": form})


def _contact(request: HttpRequest, session: services.Session, token: str) -> HttpResponse:
    form = ContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.send_contact(
                session,
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                body=data["body"],
                product=data["product"],
                honeypot=data["website"],
                form_token_value=data["shown"],
                client=contact.client_key(request.META.get("REMOTE_ADDR", "")),
                browser=request.headers.get("User-Agent", ""),
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "widget/_sent.html", {"email": data["email"]})
    # A fresh time token: the next attempt is judged on its own.
    form.data = form.data.copy()
    form.data["shown"] = contact.form_token(clock_now())
    context = _ticket_context(session, form) | {"token": token}
    return render(request, "widget/_ticket_form.html", context, status=400)
