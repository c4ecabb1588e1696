"""The public contact form pages: thin, every rule is in ``contact.services``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from comptoir.contact import services
from comptoir.contact.forms import ContactForm
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound


def _client(request: HttpRequest) -> str:
    return services.client_key(request.META.get("REMOTE_ADDR", ""))


@never_cache
def contact(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.user.is_staff_member:
        return redirect("portal:new")  # signed in: the portal's form, with their account
    form = ContactForm(request.POST or None, initial={"shown": services.form_token(clock_now())})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_contact(
                name=data["name"],
                email=data["email"],
                organisation_name=data["organisation_name"],
                product=data["product"],
                subject=data["subject"],
                body=data["body"],
                honeypot=data["website"],
                form_token_value=data["shown"],
                client=_client(request),
                language=get_language() or "fr",
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "contact/sent.html", {"email": data["email"]})
    if form.is_bound:
        # A fresh time token: the next attempt is judged on its own.
        form.data = form.data.copy()
        form.data["shown"] = services.form_token(clock_now())
    return render(request, "contact/form.html", {"form": form})


@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        outcome = services.confirm_contact(token)
    except NotFound:
        raise Http404 from None
    except ComptoirError as exc:
        return render(request, "contact/expired.html", {"message": exc.message}, status=410)
    return render(request, "contact/confirmed.html", {"outcome": outcome})
