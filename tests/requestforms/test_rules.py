"""Procédure 002 : « plus votre demande est complète, meilleure sera notre réponse ».
What a request form asks, and what a mail already tells (pure rules)."""

from __future__ import annotations

import pytest

from comptoir.requestforms.rules import (
    Field,
    InvalidValue,
    Kind,
    Spec,
    browser_name,
    choose,
    clean,
    facts_from_text,
    missing,
)

PAGE = Field("page_url", Kind.URL, {"fr": "Adresse de la page", "en": "Page address"}, required=True)
BROWSER = Field("browser", Kind.BROWSER, {"fr": "Navigateur", "en": "Browser"}, required=True)
STEPS = Field("steps", Kind.LONG_TEXT, {"fr": "Étapes pour reproduire", "en": "Steps"}, required=True)
SCREENSHOT = Field("screenshot", Kind.FILE, {"fr": "Capture d'écran", "en": "Screenshot"}, required=True)
VERSION = Field("version", Kind.TEXT, {"fr": "Version de l'extension", "en": ""})
INCIDENT_FORM = Spec(product_id=1, type="incident", fields=(PAGE, BROWSER, STEPS, SCREENSHOT, VERSION))


def test_the_most_specific_form_wins():
    default = Spec(product_id=None, type="", fields=())
    any_incident = Spec(product_id=None, type="incident", fields=())
    product_any = Spec(product_id=1, type="", fields=())
    product_incident = Spec(product_id=1, type="incident", fields=())
    forms = [default, any_incident, product_any, product_incident]

    assert choose(forms, product_id=1, type="incident") is product_incident
    assert choose(forms, product_id=1, type="question") is product_any
    assert choose(forms, product_id=2, type="incident") is any_incident
    assert choose(forms, product_id=None, type="question") is default
    assert choose([product_incident], product_id=2, type="incident") is None


def test_labels_and_guidance_in_the_readers_language_else_french():
    spec = Spec(None, "", (VERSION,), guidances={"fr": "Un sujet par demande.", "en": ""})
    assert PAGE.label("en") == "Page address"
    assert PAGE.label("fr-fr") == "Adresse de la page"
    assert VERSION.label("en") == "Version de l'extension"
    assert spec.guidance("en") == "Un sujet par demande."


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("https://www.paroisse-exemple.fr/agenda/", "https://www.paroisse-exemple.fr/agenda/"),
        ("  www.paroisse-exemple.fr/agenda  ", "https://www.paroisse-exemple.fr/agenda"),
        ("", ""),
    ],
)
def test_a_page_address_is_kept_as_a_web_address(typed, kept):
    assert clean(PAGE, typed) == kept


@pytest.mark.parametrize("typed", ["la page d'accueil", "javascript:alert(1)", "ftp://serveur/fichier"])
def test_something_that_is_no_web_address_is_refused(typed):
    with pytest.raises(InvalidValue) as error:
        clean(PAGE, typed)
    assert error.value.code == "url"


def test_long_text_keeps_its_lines_and_short_text_its_words():
    assert clean(STEPS, "  1. Ouvrir\n2. Cliquer  \n") == "1. Ouvrir\n2. Cliquer"
    assert clean(VERSION, "  5.2 \n bêta ") == "5.2 bêta"
    with pytest.raises(InvalidValue):
        clean(VERSION, "x" * 2001)


def test_required_facts_missing_and_a_file_given_by_any_attachment():
    given = {"page_url": "https://site.example/", "steps": "  "}
    assert [f.key for f in missing(INCIDENT_FORM, given, files=0)] == ["browser", "steps", "screenshot"]
    assert [f.key for f in missing(INCIDENT_FORM, given, files=1)] == ["browser", "steps"]
    # Through the API the files come after the ticket: a file field is not asked then.
    assert [f.key for f in missing(INCIDENT_FORM, given, files=None)] == ["browser", "steps"]


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
            "Edge",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/18.1 Safari/605.1.15",
            "Safari",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Chrome",
        ),
        ("j'utilise firefox sur mon portable", "Firefox"),
        ("", ""),
    ],
)
def test_the_browser_is_recognised_from_a_user_agent_or_a_sentence(agent, name):
    assert browser_name(agent) == name


def test_a_mail_is_read_for_the_facts_it_already_gives():
    body = (
        "Bonjour,\n\n"
        "Le formulaire d'inscription a disparu de https://www.paroisse-exemple.fr/inscription.\n"
        "Je suis sous Firefox.\n"
        "Etapes pour reproduire : ouvrir la page puis cliquer sur « S'inscrire »\n\n"
        "Merci, Pierre"
    )
    assert facts_from_text(INCIDENT_FORM, body) == {
        "page_url": "https://www.paroisse-exemple.fr/inscription",
        "browser": "Firefox",
        "steps": "ouvrir la page puis cliquer sur « S'inscrire »",
    }


def test_a_labelled_line_in_english_or_by_key_counts_too():
    body = "Page address: www.site.example/contact\nBrowser: Safari on iPad\nversion: 5.2"
    assert facts_from_text(INCIDENT_FORM, body) == {
        "page_url": "https://www.site.example/contact",
        "browser": "Safari on iPad",
        "version": "5.2",
    }


def test_a_mail_without_any_of_them_gives_nothing():
    assert facts_from_text(INCIDENT_FORM, "Bonjour,\nle site ne marche plus.\nPierre") == {}
