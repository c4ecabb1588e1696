"""Procédure 002 : « plus votre demande est complète, meilleure sera notre réponse ».

Per product and type, the administrator's request form asks for the page concerned, the
browser and a screenshot. The portal and the API ask for the same facts; a mail that lacks
them gets an automatic request for them; the team sees them on the ticket."""

from __future__ import annotations

import base64
import email
import email.policy
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core import outbox
from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.requestforms import services as requestforms
from comptoir.requestforms.models import RequestField, RequestForm
from comptoir.tickets import services
from comptoir.tickets.models import Ticket, TicketEvent
from tests.mailflow.test_pipeline import compose
from tests.pages import by_testid, invalid_fields

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def incident_form(desk):
    """The WordPress sites' incident form: the page and the browser are required, a
    screenshot welcome."""
    form = RequestForm.objects.create(
        product=desk.product,
        type="incident",
        guidance_fr="Un seul sujet par demande. Indiquez la page concernée et votre navigateur.",
        guidance_en="One subject per request. Give the page concerned and your browser.",
    )
    RequestField.objects.bulk_create(
        [
            RequestField(
                form=form,
                key="page_url",
                kind="url",
                label_fr="Adresse de la page",
                label_en="Page address",
                required=True,
                position=1,
            ),
            RequestField(
                form=form,
                key="browser",
                kind="browser",
                label_fr="Navigateur",
                label_en="Browser",
                required=True,
                position=2,
            ),
            RequestField(
                form=form,
                key="screenshot",
                kind="file",
                label_fr="Capture d'écran",
                label_en="Screenshot",
                position=3,
            ),
        ]
    )
    requestforms.reset()
    return form


def test_the_portal_shows_the_forms_guidance_and_fields_for_the_chosen_product_and_type(
    desk, client, incident_form
):
    client.force_login(desk.requester)

    question = client.get("/portal/new/details/", {"product": desk.product.pk, "type": "question"})
    incident = client.get(
        "/portal/new/details/",
        {"product": desk.product.pk, "type": "incident"},
        headers={"User-Agent": FIREFOX},
    )

    assert question.status_code == 200
    assert b"detail_page_url" not in question.content
    assert "Un seul sujet par demande" in by_testid(incident.content, "request-guidance")[0].text
    html = incident.content.decode()
    assert 'name="detail_page_url"' in html
    assert 'name="detail_screenshot"' in html
    assert "Adresse de la page" in html
    # The browser is filled in from the one the requester uses.
    assert 'name="detail_browser" value="Firefox"' in html


def test_a_request_without_the_required_facts_is_shown_again_and_nothing_is_opened(
    desk, client, incident_form
):
    client.force_login(desk.requester)

    response = client.post(
        "/portal/new/",
        {
            "subject": "Le formulaire d'inscription a disparu",
            "type": "incident",
            "product": desk.product.pk,
            "body": "Il n'apparaît plus depuis ce matin.",
            "detail_page_url": "la page d'accueil",
        },
    )

    assert response.status_code == 200
    assert invalid_fields(response.content) == ["detail_page_url", "detail_browser"]
    assert not Ticket.objects.exists()


def test_a_complete_request_keeps_its_facts_and_its_screenshot(desk, client, incident_form):
    client.force_login(desk.requester)

    response = client.post(
        "/portal/new/",
        {
            "subject": "Le formulaire d'inscription a disparu",
            "type": "incident",
            "product": desk.product.pk,
            "body": "Il n'apparaît plus depuis ce matin.",
            "detail_page_url": "www.paroisse-exemple.fr/inscription",
            "detail_browser": "Firefox",
            "detail_screenshot": SimpleUploadedFile("capture.png", PNG, content_type="image/png"),
        },
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert (ticket.type, ticket.channel) == ("incident", "portal")
    assert ticket.details == {
        "page_url": "https://www.paroisse-exemple.fr/inscription",
        "browser": "Firefox",
        "screenshot": "capture.png",
    }
    assert [a.filename for a in ticket.attachments.all()] == ["capture.png"]
    # The requester and the team read them on the ticket, with the form's labels.
    shown = [d.text.strip() for d in by_testid(response.content, "detail")]
    assert shown == ["https://www.paroisse-exemple.fr/inscription", "Firefox", "capture.png"]
    client.force_login(desk.l1)
    desk_page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Adresse de la page" in desk_page
    assert "https://www.paroisse-exemple.fr/inscription" in desk_page


def test_other_products_and_types_are_not_asked_anything_more(desk, client, incident_form):
    client.force_login(desk.requester)

    client.post(
        "/portal/new/",
        {
            "subject": "Question sur Mailpoet",
            "type": "question",
            "product": desk.product.pk,
            "body": "Comment ?",
        },
    )

    assert Ticket.objects.get().details == {}


def test_the_api_describes_the_form_and_asks_for_the_same_facts(desk, api_as, incident_form):
    api = api_as(desk.requester)

    described = api.get("/api/v1/products/request-form", product=desk.product.pk, type="incident")
    refused = api.post(
        "/api/v1/tickets",
        {
            "subject": "Formulaire disparu",
            "body": "Depuis ce matin.",
            "type": "incident",
            "product": desk.product.pk,
        },
    )
    opened = api.post(
        "/api/v1/tickets",
        {
            "subject": "Formulaire disparu",
            "body": "Depuis ce matin.",
            "type": "incident",
            "product": desk.product.pk,
            "details": {"page_url": "https://www.paroisse-exemple.fr/inscription", "browser": "Safari"},
        },
    )

    assert described.status_code == 200
    form = described.json()
    assert form["guidance"].startswith("Un seul sujet par demande")
    assert [(f["key"], f["kind"], f["required"]) for f in form["fields"]] == [
        ("page_url", "url", True),
        ("browser", "browser", True),
        ("screenshot", "file", False),
    ]
    assert refused.status_code == 400
    assert "Adresse de la page" in refused.json()["detail"]
    assert "Navigateur" in refused.json()["detail"]
    assert opened.status_code == 201
    assert opened.json()["details"] == {
        "page_url": "https://www.paroisse-exemple.fr/inscription",
        "browser": "Safari",
    }


def test_the_team_logging_a_call_is_not_held_up_by_the_form(desk, incident_form):
    ticket = services.log_phone_call(
        by=desk.l1,
        requester=desk.requester,
        subject="Formulaire disparu",
        body="Appel de Pierre : le formulaire a disparu.",
        product=desk.product,
    )
    assert ticket.details == {}


@pytest.fixture
def mailbox(desk):
    return Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)


@pytest.fixture
def mail_form(desk):
    """Mail tickets are questions by default: the form for every type of the product."""
    form = RequestForm.objects.create(product=desk.product, type="")
    RequestField.objects.create(
        form=form,
        key="page_url",
        kind="url",
        label_fr="Adresse de la page",
        label_en="Page address",
        required=True,
    )
    RequestField.objects.create(
        form=form,
        key="browser",
        kind="browser",
        label_fr="Navigateur",
        label_en="Browser",
        help_fr="Chrome, Firefox, Safari, Edge…",
        required=True,
    )
    RequestField.objects.create(
        form=form,
        key="screenshot",
        kind="file",
        label_fr="Capture d'écran",
        label_en="Screenshot",
        required=True,
    )
    requestforms.reset()
    return form


def test_a_mail_missing_required_facts_gets_an_automatic_request_for_them(desk, mailbox, mail_form):
    raw = compose(body="Bonjour,\n\nLe formulaire d'inscription a disparu, je suis sous Firefox.\n\nPierre")

    outcome = receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
    outbox.deliver_due()

    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert ticket.details == {"browser": "Firefox"}
    acknowledgement, request = mail.outbox
    assert acknowledgement.subject.startswith(f"[#{ticket.number}] ")
    assert request.to == [desk.requester.email]
    assert request.subject.startswith(f"[#{ticket.number}] Informations")
    assert "- Adresse de la page" in request.body
    assert "- Capture d'écran" in request.body
    assert "Navigateur" not in request.body.split("\n\n")[2]
    event = TicketEvent.objects.get(ticket=ticket, kind="details_requested")
    assert event.changes == {"fields": ["page_url", "screenshot"]}


def test_a_mail_that_gives_everything_is_not_asked_anything(desk, mailbox, mail_form):
    raw = compose(
        body=(
            "Bonjour,\n\nLe formulaire a disparu de https://www.paroisse-exemple.fr/inscription\n"
            "Navigateur : Edge\nCapture jointe.\n\nPierre"
        )
    )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message.add_attachment(PNG, maintype="image", subtype="png", filename="capture.png")

    outcome = receive(message.as_bytes(), source=InboundMail.Source.PIPE, mailbox=mailbox)
    outbox.deliver_due()

    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert ticket.details == {"page_url": "https://www.paroisse-exemple.fr/inscription", "browser": "Edge"}
    assert len(mail.outbox) == 1
    assert not TicketEvent.objects.filter(ticket=ticket, kind="details_requested").exists()


def test_a_contact_form_message_is_read_for_the_facts_and_asked_for_the_rest(desk, client, smtp, mail_form):
    from datetime import timedelta

    from comptoir.contact import services as contact
    from comptoir.core.clock import now

    contact.submit_contact(
        name="Hélène Lefèvre",
        email="helene@paroisse-exemple.fr",
        subject="Le formulaire a disparu",
        body="Bonjour, sur https://www.paroisse-exemple.fr/inscription le formulaire a disparu.",
        client="test",
        form_token_value=contact.form_token(now() - timedelta(seconds=30)),
        product=desk.product,
    )
    outbox.deliver_due()
    (confirmation,) = [r.message for r in smtp.received if "helene@paroisse-exemple.fr" in r.rcpt_tos]
    link = re.search(r"https?://\S+(/contact/confirm/\S+/)", confirmation.get_content())[1]

    client.get(link)
    outbox.deliver_due()

    ticket = Ticket.objects.get()
    assert ticket.details == {"page_url": "https://www.paroisse-exemple.fr/inscription"}
    asked = TicketEvent.objects.get(ticket=ticket, kind="details_requested")
    assert asked.changes == {"fields": ["browser", "screenshot"]}
