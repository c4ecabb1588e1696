"""Procedure 002: « outil de ticket, e-mail, téléphone, formulaire de contact ». Someone
without an account writes through the public form; the address is confirmed by mail (read
from a real SMTP server); the ticket then exists with its number at once; robots and floods
are kept out without a third-party service; only the roles the organisation serves open
tickets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from comptoir.accounts.models import User
from comptoir.contact import guard, services
from comptoir.contact.models import ContactRequest
from comptoir.core import outbox
from comptoir.core.clock import now
from comptoir.tickets.models import Ticket


def form_data(**overrides):
    data = {
        "name": "Hélène Lefèvre",
        "email": "helene@paroisse.example",
        "organisation_name": "Paroisse Saint-Seurin",
        "subject": "Le formulaire d'inscription ne s'affiche plus",
        "body": "Sur la page Inscriptions, le formulaire a disparu depuis hier.",
        "website": "",
        "shown": services.form_token(now() - timedelta(seconds=30)),
    }
    return data | overrides


def confirmation_link(smtp, address: str) -> str:
    outbox.deliver_due()
    (mail,) = [r.message for r in smtp.received if address in r.rcpt_tos]
    return re.search(r"https?://\S+/contact/confirm/\S+/", mail.get_content())[0]


def test_a_visitor_confirms_the_address_and_gets_the_number_at_once(desk, client, smtp):
    sent = client.post("/contact/", form_data())
    assert sent.status_code == 200
    assert 'data-testid="contact-sent"' in sent.content.decode()
    assert not Ticket.objects.exists()  # nothing before the address is confirmed
    kept = ContactRequest.objects.get()
    assert kept.state == "awaiting"
    assert len(kept.token_hash) == 64

    link = confirmation_link(smtp, "helene@paroisse.example")
    smtp.received.clear()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    ticket = Ticket.objects.get()
    assert f'data-testid="contact-number">#{ticket.number}<' in page.content.decode()
    assert (ticket.channel, ticket.subject) == ("form", "Le formulaire d'inscription ne s'affiche plus")
    requester = ticket.requester
    assert (requester.email, requester.first_name, requester.last_name) == (
        "helene@paroisse.example",
        "Hélène",
        "Lefèvre",
    )
    assert requester.role == User.Role.REQUESTER
    outbox.deliver_due()
    (ack,) = [r.message for r in smtp.received]
    assert ack["Subject"].startswith(f"[#{ticket.number}]")

    again = client.get(path)
    assert f"#{ticket.number}" in again.content.decode()
    assert Ticket.objects.count() == 1  # the link followed twice opens one ticket


def test_an_existing_account_is_matched_by_its_address(desk, smtp):
    request = services.submit_contact(
        name="Pierre M.",
        email=desk.requester.email.upper(),
        subject="Question",
        body="Bonjour",
        client="c1",
        form_token_value=services.form_token(now() - timedelta(seconds=10)),
    )
    token = confirmation_link(smtp, desk.requester.email.upper()).rstrip("/").rsplit("/", 1)[1]
    outcome = services.confirm_contact(token)
    assert Ticket.objects.get(number=outcome.ticket_number).requester == desk.requester
    assert request.pk == outcome.request.pk
    assert User.objects.filter(email__iexact=desk.requester.email).count() == 1


def test_procedure_002_a_reader_is_told_whom_to_contact_and_the_request_is_kept(desk, smtp):
    desk.parish.email_domains = "paroisse.example"
    desk.parish.eligible_roles = ["owner", "editor"]
    desk.parish.support_contact = "Marie Dupont, propriétaire du site"
    desk.parish.save()
    services.submit_contact(
        name="Hélène Lefèvre",
        email="helene@paroisse.example",
        subject="Question",
        body="Bonjour",
        client="c2",
        form_token_value=services.form_token(now() - timedelta(seconds=10)),
    )
    token = confirmation_link(smtp, "helene@paroisse.example").rstrip("/").rsplit("/", 1)[1]
    outcome = services.confirm_contact(token)
    assert outcome.ticket_number is None
    assert "Marie Dupont" in outcome.explanation
    assert not Ticket.objects.exists()
    assert outcome.request.held.subject == "Question"


def test_robots_are_refused_without_a_captcha(desk, client):
    quick = client.post("/contact/", form_data(shown=services.form_token(now())))
    assert 'data-testid="contact-error"' in quick.content.decode()
    honeypot = client.post("/contact/", form_data(website="http://cheap.example"))
    assert 'data-testid="contact-error"' in honeypot.content.decode()
    forged = client.post("/contact/", form_data(shown="forged"))
    assert 'data-testid="contact-error"' in forged.content.decode()
    assert not ContactRequest.objects.exists()
    assert "Hélène Lefèvre" in forged.content.decode()  # what was typed is kept on the page


def test_the_spam_rules():
    assert guard.judge(honeypot="", seconds_to_fill=12, text="Bonjour").spam is False
    assert guard.judge(honeypot="x", seconds_to_fill=12, text="Bonjour").reason == "honeypot filled"
    assert guard.judge(honeypot="", seconds_to_fill=1.5, text="Bonjour").spam is True
    assert guard.judge(honeypot="", seconds_to_fill=None, text="Bonjour").spam is True
    links = " ".join(f"https://promo{i}.example" for i in range(4))
    assert guard.judge(honeypot="", seconds_to_fill=30, text=links).reason == "too many links"


def test_a_flood_is_slowed_down(desk, settings):
    settings.COMPTOIR_CONTACT_LIMITS = {"per_client_hour": 2, "per_address_hour": 5}
    token = services.form_token(now() - timedelta(seconds=10))
    for i in range(2):
        services.submit_contact(
            name="A B", email=f"a{i}@x.example", subject="S", body="B", client="same", form_token_value=token
        )
    with pytest.raises(services.TooManyRequests, match="dernière heure"):
        services.submit_contact(
            name="A B", email="a9@x.example", subject="S", body="B", client="same", form_token_value=token
        )
    with time_machine.travel(now() + timedelta(minutes=61)):
        services.submit_contact(
            name="A B", email="a9@x.example", subject="S", body="B", client="same", form_token_value=token
        )


def test_a_link_followed_after_48_hours_says_to_send_again(desk, client, smtp):
    client.post("/contact/", form_data())
    link = confirmation_link(smtp, "helene@paroisse.example")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    with time_machine.travel(now() + timedelta(hours=49)):
        expired = client.get(path)
    assert expired.status_code == 410
    assert "48 heures" in expired.content.decode()
    assert not Ticket.objects.exists()
    assert client.get("/contact/confirm/unknown-token/").status_code == 404


def test_the_sign_in_page_leads_to_the_contact_form_and_members_to_the_portal(desk, client):
    assert 'href="/contact/"' in client.get("/accounts/login/").content.decode()
    client.force_login(desk.requester)
    assert client.get("/contact/").url == "/portal/new/"
