"""Procedure 000: « une fois connecté au back office de votre site, cliquez sur le point
d'interrogation » — the site vouches for the person (a signed identity), the panel searches
the guide and opens a ticket in that person's name, channel "widget", with the page and the
browser it came from; only the site's own organisation, only from the site's origins."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from comptoir.accounts.models import User
from comptoir.admission.models import HeldRequest
from comptoir.contact import services as contact
from comptoir.contact.models import ContactRequest
from comptoir.core import outbox
from comptoir.core.clock import now
from comptoir.kb import services as kb
from comptoir.kb.models import Article, Category
from comptoir.tickets.models import Ticket
from comptoir.widget import services
from comptoir.widget.models import Site
from tests.widget.conftest import BROWSER, ORIGIN, PAGE

pytestmark = pytest.mark.django_db


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a person reads it (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


def fr(message: str, **values: object) -> str:
    """What a French reader sees (the catalogue's translation, whatever its state)."""
    with translation.override("fr"):
        return translation.gettext(message) % values if values else translation.gettext(message)


def start(client, site: Site, *, identity: str = "", origin: str = ORIGIN, page_url: str = PAGE, **headers):
    return client.post(
        f"/widget/{site.key}/start/",
        {"identity": identity, "origin": origin, "page_url": page_url, "lang": "fr"},
        **headers,
    )


def session_token(response) -> str:
    found = re.search(r'name="s" value="([^"]+)"', response.content.decode())
    assert found, response.content.decode()
    return found[1]


def send(client, site: Site, token: str, **fields):
    data = {
        "s": token,
        "subject": "Le formulaire d'inscription a disparu",
        "body": "Sur la page Inscriptions, le formulaire ne s'affiche plus depuis hier.",
    } | fields
    return client.post(f"/widget/{site.key}/tickets/", data, HTTP_USER_AGENT=BROWSER)


# The script and the panel page


def test_the_script_tag_loads_the_button_from_comptoir(client, site, settings):
    settings.COMPTOIR_BASE_URL = "https://support.example"  # behind a TLS proxy
    response = client.get(f"/widget/{site.key}.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=300" in response["Cache-Control"]
    script = response.content.decode()
    assert '"origin": "https://support.example"' in script  # the configured address
    assert f'"panel": "https://support.example/widget/{site.key}/panel/"' in script
    # The button's label in both languages; the host page's <html lang> chooses.
    label = "Help: search the guide or contact the support team"
    assert json.dumps(label) in script
    assert json.dumps(fr(label)) in script


def test_an_inactive_or_unknown_site_has_no_button(client, site):
    assert client.get("/widget/inconnu.js").status_code == 404
    site.is_active = False
    site.save(update_fields=["is_active"])
    assert client.get(f"/widget/{site.key}.js").status_code == 404


def test_the_panel_can_be_framed_only_by_the_sites_origins(client, site):
    response = client.get(f"/widget/{site.key}/panel/?lang=fr")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert f"frame-ancestors {ORIGIN};" in response["Content-Security-Policy"]
    assert f'<script id="widget-origins" type="application/json">["{ORIGIN}"]</script>' in text_of(response)

    site.allowed_origins = ""
    site.save(update_fields=["allowed_origins"])
    response = client.get(f"/widget/{site.key}/panel/")
    assert "frame-ancestors 'none';" in response["Content-Security-Policy"]


def test_the_admin_cleans_the_allowed_origins(site):
    from django.core.exceptions import ValidationError

    site.allowed_origins = "HTTPS://www.Paroisse-Exemple.fr/\n\nhttp://localhost:8000\n"
    site.full_clean()
    assert site.allowed_origins == "https://www.paroisse-exemple.fr\nhttp://localhost:8000"
    site.allowed_origins = "https://www.paroisse-exemple.fr/wp-admin/"
    with pytest.raises(ValidationError, match="wp-admin"):
        site.full_clean()


# Starting the panel: origin and identity


def test_another_origin_is_refused(client, site, signed):
    response = start(
        client, site, identity=signed(email="marie@paroisse-exemple.fr"), origin="https://pirate.example"
    )
    assert response.status_code == 403
    assert fr("The help button is not allowed on this site.") in text_of(response)
    assert not User.objects.filter(email="marie@paroisse-exemple.fr").exists()


def test_a_site_without_allowed_origins_works_nowhere(site):
    site.allowed_origins = ""
    with pytest.raises(services.PermissionDenied):
        services.check_origin(site, ORIGIN)


def test_an_identity_signed_with_another_secret_is_refused(client, site, signed):
    response = start(client, site, identity=signed(email="marie@paroisse-exemple.fr", secret="pas-le-bon"))
    assert response.status_code == 403
    assert fr("The identity sent by the site is not signed with its secret.") in text_of(response)
    assert not User.objects.filter(email="marie@paroisse-exemple.fr").exists()


def test_an_expired_identity_is_refused(client, site, signed):
    response = start(client, site, identity=signed(email="marie@paroisse-exemple.fr", hours=-1))
    assert response.status_code == 403
    assert fr("The identity sent by the site has expired. Please reload the page.") in text_of(response)


def test_an_identity_of_another_organisation_is_refused(client, desk, site, signed):
    """A requester never acts for another organisation: the parish's site cannot open a
    ticket in the name of an account of the town hall."""
    response = start(client, site, identity=signed(email=desk.neighbour.email.upper()))
    assert response.status_code == 403
    refusal = fr(
        "This address belongs to an account outside %(organisation)s. "
        "Please contact the support team by e-mail.",
        organisation="Paroisse Saint-Seurin",
    )
    assert refusal in text_of(response)


def test_an_address_of_the_support_team_is_refused(desk, site, signed):
    with pytest.raises(services.IdentityRefused, match="support"):  # French or English alike
        services.identify(site, signed(email=desk.l1.email))


def test_a_browser_post_from_another_site_is_refused(client, site, signed):
    response = start(
        client, site, identity=signed(email=site.organisation.users.first().email), HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_the_account_is_matched_by_its_address_whatever_the_case(desk, site, signed):
    user = services.identify(site, signed(email=desk.requester.email.upper(), name="Autre Nom"))
    assert user == desk.requester


def test_someone_new_gets_a_requester_account_of_the_sites_organisation(desk, site, signed):
    user = services.identify(site, signed(email="helene.lefevre@paroisse-exemple.fr", name="Hélène Lefèvre"))
    assert (user.first_name, user.last_name, user.username) == ("Hélène", "Lefèvre", "helenelefevre")
    assert (user.role, user.organisation) == (User.Role.REQUESTER, desk.parish)
    assert services.identify(site, signed(email="Helene.Lefevre@paroisse-exemple.fr")) == user


def test_without_a_name_the_address_gives_one(desk, site, signed):
    user = services.identify(site, signed(email="jean.martin@paroisse-exemple.fr"))
    assert (user.first_name, user.last_name) == ("Jean", "Martin")
    user = services.identify(site, signed(email="secretariat@paroisse-exemple.fr"))
    assert (user.first_name, user.last_name) == ("Secretariat", "Secretariat")


def test_a_disabled_account_is_refused(desk, site, signed):
    desk.requester.is_active = False
    desk.requester.save(update_fields=["is_active"])
    with pytest.raises(services.IdentityRefused):
        services.identify(site, signed(email=desk.requester.email))


# Opening a ticket


def test_a_signed_person_opens_a_ticket_with_the_page_and_the_browser(client, desk, site, signed, smtp):
    started = start(client, site, identity=signed(email=desk.requester.email))
    assert started.status_code == 200
    page = started.content.decode()
    assert 'data-testid="widget-ticket-form"' in page
    assert 'data-testid="widget-signed-as"' in page
    assert desk.requester.email in page
    assert 'data-testid="quota" data-remaining="20"' in page  # procedure 000: 20 a month
    outbox.deliver_due()
    smtp.received.clear()

    response = send(
        client,
        site,
        session_token(started),
        product=desk.product.pk,
        attachments=[SimpleUploadedFile("capture.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")],
    )

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert f"Votre demande a été enregistrée sous le numéro #{ticket.number}." in response.content.decode()
    assert ticket.channel == "widget"
    assert ticket.requester == desk.requester
    assert ticket.organisation == desk.parish
    assert ticket.product == desk.product
    assert ticket.details == {"page_url": PAGE, "browser": BROWSER}
    assert [a.filename for a in ticket.messages.get().attachments.all()] == ["capture.png"]
    outbox.deliver_due()
    (ack,) = [r.message for r in smtp.received if desk.requester.email in r.rcpt_tos]
    assert ack["Subject"].startswith(f"[#{ticket.number}]")


def test_a_page_of_another_site_is_not_kept_as_the_page(client, desk, site, signed):
    started = start(
        client, site, identity=signed(email=desk.requester.email), page_url="https://ailleurs.example/x"
    )
    send(client, site, session_token(started))
    assert Ticket.objects.get().details == {"browser": BROWSER}


def test_a_missing_subject_shows_the_form_again(client, desk, site, signed):
    started = start(client, site, identity=signed(email=desk.requester.email))
    response = send(client, site, session_token(started), subject="")
    assert response.status_code == 400
    assert 'data-testid="widget-ticket-form"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_someone_the_organisation_does_not_serve_is_kept_for_review(client, desk, site, signed):
    """Procedure 002: only editors and owners are served; the others learn whom to contact,
    and what they send anyway is kept for an agent."""
    desk.parish.eligible_roles = ["owner"]
    desk.parish.support_contact = "Le webmestre de la paroisse"
    desk.parish.save()
    started = start(client, site, identity=signed(email=desk.requester.email))
    assert "Le webmestre de la paroisse" in started.content.decode()
    response = send(client, site, session_token(started))
    assert 'data-testid="widget-held"' in response.content.decode()
    held = HeldRequest.objects.get()
    assert (held.channel, held.requester, held.details["page_url"]) == ("widget", desk.requester, PAGE)
    assert not Ticket.objects.exists()


# The session token is the anti-forgery token


def test_a_post_without_a_valid_session_token_is_refused(client, site):
    assert send(client, site, "").status_code == 403
    assert send(client, site, "forged:token").status_code == 403
    assert not Ticket.objects.exists()


def test_a_token_of_one_site_is_refused_on_another(client, desk, site, signed):
    other = Site.objects.create(
        name="Site de la mairie", organisation=desk.customer, allowed_origins="https://www.villeneuve.fr"
    )
    started = start(client, site, identity=signed(email=desk.requester.email))
    response = send(client, other, session_token(started))
    assert response.status_code == 403
    assert 'data-testid="widget-refused"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_session_lasts_two_hours(client, desk, site, signed):
    started = start(client, site, identity=signed(email=desk.requester.email))
    token = session_token(started)
    with time_machine.travel(now() + timedelta(hours=2, minutes=1)):
        response = send(client, site, token)
    assert response.status_code == 403
    assert 'data-testid="widget-refused"' in response.content.decode()


def test_a_person_moved_to_another_organisation_loses_the_session(client, desk, site, signed):
    started = start(client, site, identity=signed(email=desk.requester.email))
    desk.requester.organisation = desk.customer
    desk.requester.save(update_fields=["organisation"])
    assert send(client, site, session_token(started)).status_code == 403


# The guide


@pytest.fixture
def articles(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    category = Category.objects.create(slug="mailpoet", name_fr="Lettre d'information (Mailpoet)")

    def write(slug: str, title: str, **fields) -> Article:
        fields.setdefault("visibility", Article.Visibility.PUBLIC)
        return kb.save_article(
            Article(
                slug=slug,
                category=category,
                status=Article.Status.PUBLISHED,
                title_fr=title,
                body_fr="Menu Mailpoet, puis Abonnés, puis Importer : choisissez le fichier CSV.",
                **fields,
            )
        )

    public = write("importer-contacts", "Importer ses contacts dans Mailpoet")
    parish_only = write(
        "contacts-paroisse",
        "Contacts de la paroisse dans Mailpoet",
        visibility=Article.Visibility.ORGANISATIONS,
    )
    parish_only.organisations.set([desk.parish])
    return public, parish_only


def test_the_guide_answers_first(client, desk, site, signed, articles):
    started = start(client, site, identity=signed(email=desk.requester.email))
    response = client.get(
        f"/widget/{site.key}/search/", {"q": "importer contacts", "s": session_token(started)}
    )
    assert response.status_code == 200
    found = re.findall(r'data-article="([^"]+)"', response.content.decode())
    assert sorted(found) == ["contacts-paroisse", "importer-contacts"]
    assert 'href="/kb/articles/importer-contacts/" target="_blank"' in response.content.decode()


def test_without_identity_the_guide_shows_public_articles_only(client, site, articles):
    started = start(client, site)
    response = client.get(
        f"/widget/{site.key}/search/", {"q": "contacts mailpoet", "s": session_token(started)}
    )
    assert re.findall(r'data-article="([^"]+)"', response.content.decode()) == ["importer-contacts"]


def test_searching_needs_the_session_token(client, site, articles):
    assert client.get(f"/widget/{site.key}/search/", {"q": "contacts"}).status_code == 403


# Unsigned use: the contact form's path


def test_without_identity_the_panel_asks_for_an_address_and_mails_a_confirmation(client, desk, site, smtp):
    started = start(client, site)
    assert started.status_code == 200
    assert 'data-testid="widget-contact-form"' in started.content.decode()

    response = send(
        client,
        site,
        session_token(started),
        name="Hélène Lefèvre",
        email="helene@paroisse-exemple.fr",
        website="",
        shown=contact.form_token(now() - timedelta(seconds=20)),
    )
    assert response.status_code == 200
    assert 'data-testid="widget-sent"' in response.content.decode()
    assert "helene@paroisse-exemple.fr" in response.content.decode()
    request = ContactRequest.objects.get()
    assert (request.email, request.organisation_name, request.state) == (
        "helene@paroisse-exemple.fr",
        "Paroisse Saint-Seurin",
        "awaiting",
    )
    assert not Ticket.objects.exists()  # nothing before the address is confirmed
    outbox.deliver_due()
    (mail,) = [r.message for r in smtp.received if "helene@paroisse-exemple.fr" in r.rcpt_tos]
    link = re.search(r"https?://\S+(/contact/confirm/\S+/)", mail.get_content())[1]

    client.get(link)

    # Confirmed, the request is the help button's: with the page it came from and the browser.
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.requester.email) == ("widget", "helene@paroisse-exemple.fr")
    assert ticket.details == {"page_url": PAGE, "browser": BROWSER}


def test_a_robot_filling_the_form_at_once_is_refused(client, site):
    started = start(client, site)
    response = send(
        client,
        site,
        session_token(started),
        name="Robot",
        email="robot@spam.example",
        shown=contact.form_token(now()),
    )
    assert response.status_code == 400
    assert not ContactRequest.objects.exists()
    assert 'data-testid="widget-contact-form"' in response.content.decode()


# In English


def test_the_panel_speaks_the_host_pages_language(client, desk, site, signed):
    response = client.post(
        f"/widget/{site.key}/start/",
        {"identity": signed(email=desk.requester.email), "origin": ORIGIN, "page_url": PAGE, "lang": "en"},
    )
    assert "Contact the support team" in response.content.decode()
    ticket = send(client, site, session_token(response))
    assert "Your request has been registered under number #" in ticket.content.decode()


# The request form of the product and type (procedure 002: « plus votre demande est complète »)


@pytest.fixture
def incident_form(desk):
    from comptoir.requestforms import services as requestforms
    from comptoir.requestforms.models import RequestField, RequestForm

    form = RequestForm.objects.create(product=desk.product, type="incident")
    RequestField.objects.bulk_create(
        [
            RequestField(form=form, key="page_url", kind="url", label_fr="Adresse de la page", required=True),
            RequestField(
                form=form, key="steps", kind="long_text", label_fr="Étapes", required=True, position=1
            ),
        ]
    )
    requestforms.reset()
    return form


def test_the_request_form_asks_its_facts_with_the_page_already_given(
    client, desk, site, signed, incident_form
):
    started = start(client, site, identity=signed(email=desk.requester.email))
    token = session_token(started)
    asked = client.get(
        f"/widget/{site.key}/details/", {"s": token, "product": desk.product.pk, "type": "incident"}
    )
    assert asked.status_code == 200
    assert f'name="detail_page_url" value="{PAGE.replace("&", "&amp;")}"' in asked.content.decode()
    assert 'name="detail_steps"' in asked.content.decode()

    missing = send(client, site, token, product=desk.product.pk, type="incident", detail_page_url=PAGE)
    assert missing.status_code == 400
    assert not Ticket.objects.exists()

    send(
        client,
        site,
        token,
        product=desk.product.pk,
        type="incident",
        detail_page_url=PAGE,
        detail_steps="Ouvrir la page Inscriptions : le formulaire n'apparaît pas.",
    )
    ticket = Ticket.objects.get()
    assert ticket.type == "incident"
    assert ticket.details == {
        "page_url": PAGE,
        "browser": BROWSER,
        "steps": "Ouvrir la page Inscriptions : le formulaire n'apparaît pas.",
    }


def test_the_request_forms_questions_need_the_session_token(client, desk, site, incident_form):
    response = client.get(f"/widget/{site.key}/details/", {"product": desk.product.pk, "type": "incident"})
    assert response.status_code == 403


def test_an_origin_removed_from_the_list_ends_its_sessions(client, desk, site, signed):
    started = start(client, site, identity=signed(email=desk.requester.email))
    site.allowed_origins = "https://nouveau-site.paroisse-exemple.fr"
    site.save(update_fields=["allowed_origins"])
    assert send(client, site, session_token(started)).status_code == 403
    assert not Ticket.objects.exists()


# Configuration


def test_the_admin_page_gives_the_tag_to_paste_and_a_wordpress_example(client, desk, site):
    client.force_login(desk.admin)
    page = client.get(f"/admin/widget/site/{site.pk}/change/").content.decode()
    assert f"http://127.0.0.1:8000/widget/{site.key}.js" in page  # COMPTOIR_BASE_URL
    assert "hash_hmac(&#x27;sha256&#x27;" in page
    assert site.secret in page
