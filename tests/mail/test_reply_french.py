"""The visible reply of mails written with French clients (DESIGN §3: a normaliser for French
clients runs before mail-parser-reply). Procedure 001: "Supprimez la signature de l'e-mail";
the ticket shows what the requester wrote, not the whole thread."""

from __future__ import annotations

import pytest

from comptoir.mail.parsing import extract_reply, parse
from comptoir.mail.parsing.subject import ticket_reference

QUOTED_TICKET = """\
> Bonjour Marie,
>
> Pouvez-vous redémarrer l'imprimante et nous dire si le voyant clignote ?
>
> --
> Le support informatique
"""


@pytest.mark.parametrize(
    "attribution",
    [
        "Le lun. 23 nov. 2026 à 10:12, Support Informatique <support@example.com> a écrit :",
        "Le lun. 23 nov. 2026 à 10:12, Support Informatique <support@example.com> a écrit\u00a0:",
        "Le lun. 23 nov. 2026 à 10:12, Support Informatique <support@example.com> a écrit\u202f:",
        "Le\u00a0lun. 23 nov. 2026 à\u00a010:12, Support <support@example.com> a\u00a0écrit\u00a0:",
        # Gmail wraps at 72 columns, in two or three lines:
        "Le lun. 23 nov. 2026 à 10:12, Support Informatique <\nsupport@example.com> a écrit :",
        "Le lun. 23 nov. 2026 à 10:12, Support Informatique\n<support@example.com> a écrit :",
        'Le lun. 23 nov. 2026 à 10:12, "Support Informatique"\n<support@example.com>\na écrit :',
    ],
)
def test_gmail_fr_reply_keeps_only_the_new_text(attribution: str) -> None:
    body = f"Bonjour,\n\nLe voyant ne clignote plus, merci !\n\n{attribution}\n\n{QUOTED_TICKET}"
    reply = extract_reply(body)
    assert reply.visible == "Bonjour,\n\nLe voyant ne clignote plus, merci !"
    assert reply.quoted.startswith("Le")
    assert "Pouvez-vous redémarrer" in reply.quoted
    assert reply.signature == ""


def test_full_text_is_left_untouched_by_the_view() -> None:
    body = "Merci !\n\nLe 23 nov. 2026 à 10:12, Support <support@example.com> a écrit :\n> Bonjour"
    reply = extract_reply(body)
    assert reply.visible == "Merci !"
    assert body.startswith(reply.visible)
    assert reply.quoted == "Le 23 nov. 2026 à 10:12, Support <support@example.com> a écrit :\n> Bonjour"


OUTLOOK_FR = """\
Bonjour,

C'est réparé, merci pour votre aide.

Cordialement,
Marie Dupont
Comptabilité – Groupe Aurizi
Tél. 01 23 45 67 89

{separator}De : Support Informatique <support@example.com>
{sent} lundi 23 novembre 2026 10:12
À : Dupont Marie <marie.dupont@example.fr>
Objet : [#123456] Imprimante en panne

Bonjour Marie,

Pouvez-vous redémarrer l'imprimante ?
"""


@pytest.mark.parametrize(
    "separator", ["", "________________________________\n", "-----Message d'origine-----\n"]
)
@pytest.mark.parametrize("sent", ["Envoyé :", "Envoyé le :", "Envoyé\u00a0:", "Date :"])
def test_outlook_desktop_fr_reply_loses_history_and_signature(separator: str, sent: str) -> None:
    reply = extract_reply(OUTLOOK_FR.format(separator=separator, sent=sent))
    assert reply.visible == "Bonjour,\n\nC'est réparé, merci pour votre aide."
    assert reply.signature == "Cordialement,\nMarie Dupont\nComptabilité – Groupe Aurizi\nTél. 01 23 45 67 89"
    assert "De : Support Informatique" in reply.quoted
    assert "Pouvez-vous redémarrer" in reply.quoted


def test_outlook_fr_header_with_bold_labels_from_an_html_conversion() -> None:
    body = (
        "OK pour moi.\n\n*De :* Support <support@example.com>\n*Envoyé :* lundi 23 novembre 2026 10:12\n"
        "*À :* Marie Dupont\n*Objet :* RE: [#123456] Imprimante\n\nBonjour"
    )
    assert extract_reply(body).visible == "OK pour moi."


@pytest.mark.parametrize(
    "attribution",
    [
        "Le 23 nov. 2026 à 10:12, Marie Dupont <marie.dupont@example.fr> a écrit :",
        "Le 23 nov. 2026 à 10:12, Marie Dupont <marie.dupont@example.fr> a\nécrit :",
        "Le 23 nov. 2026 à 10:12, Marie Dupont\n<marie.dupont@example.fr> a écrit :",
    ],
)
def test_apple_mail_fr_wrapped_attribution(attribution: str) -> None:
    body = f"Parfait, merci.\n\n{attribution}\n\n> Le logiciel de caisse redémarre en boucle.\n"
    reply = extract_reply(body)
    assert reply.visible == "Parfait, merci."
    assert reply.quoted.endswith("> Le logiciel de caisse redémarre en boucle.")


def test_iphone_fr_device_line_is_a_signature() -> None:
    body = (
        "Oui c'est bon pour demain 9h.\n\nEnvoyé de mon iPhone\n\n"
        "> Le 23 nov. 2026 à 10:12, Support <support@example.com> a écrit :\n>\n> Êtes-vous disponible ?\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Oui c'est bon pour demain 9h."
    assert reply.signature == "Envoyé de mon iPhone"
    assert "Êtes-vous disponible ?" in reply.quoted


@pytest.mark.parametrize(
    "device",
    [
        "Envoyé depuis mon appareil Galaxy",
        "Envoyé depuis mon smartphone Samsung Galaxy.",
        "Envoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>",
        "Envoyé depuis Yahoo Mail pour Android",
        "Télécharger Outlook pour Android<https://aka.ms/ghei36>",
        "Sent from my iPhone",
        "Get Outlook for Android",
        "Von meinem iPhone gesendet",
    ],
)
def test_android_and_other_device_lines_are_signatures(device: str) -> None:
    body = (
        f"Merci, je regarde ça.\n\n\n\n{device}\n\n\n-------- Message d'origine --------\n"
        "De : Support <support@example.com>\nDate : 23/11/2026 10:12 (GMT+01:00)\n"
        "À : marie.dupont@example.fr\nObjet : [#123456] Imprimante\n\nBonjour Marie,\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Merci, je regarde ça."
    assert reply.signature == device
    assert reply.quoted.startswith("-------- Message d'origine --------")


@pytest.mark.parametrize(
    "sentence",
    [
        "Envoyé depuis le poste de l'accueil, c'est plus simple pour moi.",
        "Envoyé de nouveau le fichier ce matin.",
        "Envoyé à partir de la caisse 3 : toujours la même erreur.",
        "Sent from the office, as the VPN is down.",
    ],
)
def test_a_sentence_that_starts_like_a_device_line_stays(sentence: str) -> None:
    body = f"Voici le problème.\n\n{sentence}\nMerci de regarder."
    assert extract_reply(body).visible == body


def test_a_sentence_ending_with_a_ecrit_is_not_a_quote_header() -> None:
    body = "Le 12 mars, le technicien a écrit\nque la pièce serait livrée lundi.\nRien reçu."
    assert extract_reply(body).visible == body


def test_thunderbird_fr_attribution_without_address() -> None:
    body = (
        "Le problème persiste.\n\nLe 23/11/2026 à 10:12, Support Informatique a écrit :\n> Bonjour Marie,\n"
    )
    assert extract_reply(body).visible == "Le problème persiste."


def test_zimbra_fr_mail_original_and_dash_attribution() -> None:
    zimbra = (
        'Bien reçu.\n\n----- Mail original -----\nDe: "Support" <support@example.com>\n'
        'À: "Marie Dupont" <marie.dupont@example.fr>\nEnvoyé: Lundi 23 Novembre 2026 10:12:00\n'
        "Objet: [#123456] Imprimante\n\nBonjour Marie,\n"
    )
    assert extract_reply(zimbra).visible == "Bien reçu."
    free = "Michael Scott\n\n- Le 2021-04-09 23:25, Toby Flenderson a écrit :\n> BONJOUR TEST,\n"
    assert extract_reply(free).visible == "Michael Scott"


def test_orange_webmail_message_du() -> None:
    body = (
        'Merci, c\'est noté.\n\nMessage du 23/11/26 10:12\nDe : "Support" <support@example.com>\n'
        "A : marie.dupont@orange.fr\nCopie à : \nObjet : [#123456] Imprimante\n\nBonjour Marie,\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Merci, c'est noté."
    assert reply.quoted.startswith("Message du 23/11/26 10:12")


def test_rfc_3676_signature_separator() -> None:
    body = "Bonjour,\n\nVoici la capture demandée.\n\n-- \nMarie Dupont\nService comptabilité\n01 23 45 67 89"
    reply = extract_reply(body)
    assert reply.visible == "Bonjour,\n\nVoici la capture demandée."
    assert reply.signature == "-- \nMarie Dupont\nService comptabilité\n01 23 45 67 89"


def test_thanks_and_a_first_name_are_part_of_the_message() -> None:
    body = "Bonjour,\n\nTout fonctionne à nouveau.\n\nMerci,\nMarie"
    reply = extract_reply(body)
    assert reply.visible == body
    assert reply.signature == ""


def test_closing_formula_starts_the_signature_block() -> None:
    body = "Bonjour,\n\nLe poste 12 ne démarre plus.\n\nBien cordialement,\n\nMarie Dupont\nAccueil – Mairie"
    reply = extract_reply(body)
    assert reply.visible == "Bonjour,\n\nLe poste 12 ne démarre plus."
    assert reply.signature.startswith("Bien cordialement,")


def test_closings_can_be_kept() -> None:
    body = "Le poste 12 ne démarre plus.\n\nCordialement,\nMarie Dupont"
    assert extract_reply(body, strip_closings=False).visible == body


def test_sender_name_block_is_a_signature() -> None:
    body = "Le poste 12 ne démarre plus.\n\nMarie DUPONT\nChargée d'accueil\n03 88 00 00 00"
    reply = extract_reply(body, sender_name="Marie Dupont")
    assert reply.visible == "Le poste 12 ne démarre plus."
    assert reply.signature.startswith("Marie DUPONT")


def test_bottom_posted_reply_keeps_the_answer_below_the_quote() -> None:
    body = (
        "Le 23/11/2026 à 10:12, Support a écrit :\n> Le problème est-il résolu ?\n>\n> Le support\n\n"
        "Oui, merci beaucoup.\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Oui, merci beaucoup."
    assert reply.quoted.startswith("Le 23/11/2026 à 10:12, Support a écrit :")


def test_answers_between_quotes_keep_their_context() -> None:
    body = (
        "Bonjour,\n\nLe 23/11/2026 à 10:12, Support a écrit :\n> Quel est le numéro du poste ?\n\nLe 12.\n\n"
        "> Depuis quand ?\n\nDepuis ce matin.\n\n> Cordialement,\n> Le support\n"
    )
    reply = extract_reply(body)
    assert reply.visible.startswith("Bonjour,\n\nLe 23/11/2026 à 10:12, Support a écrit :\n> Quel est")
    assert reply.visible.endswith("Depuis ce matin.")
    assert reply.quoted == "> Cordialement,\n> Le support"


def test_forward_without_comment_shows_the_forwarded_mail() -> None:
    body = (
        "---------- Forwarded message ---------\nDe : Client <client@example.org>\n"
        "Date: lun. 23 nov. 2026 à 09:00\nSubject: Commande bloquée\nTo: <marie.dupont@example.fr>\n\n\n"
        "Bonjour, ma commande 42 est bloquée depuis vendredi.\n"
    )
    reply = extract_reply(body)
    assert reply.visible == "Bonjour, ma commande 42 est bloquée depuis vendredi."
    assert reply.quoted.startswith("---------- Forwarded message ---------")


def test_a_mail_that_is_only_a_quote_stays_whole() -> None:
    body = "> Le poste 12 ne démarre plus.\n"
    assert extract_reply(body).visible == "> Le poste 12 ne démarre plus."


def test_mail_without_history_or_signature_is_all_visible() -> None:
    body = "\n\nBonjour,\n\n  Le poste 12 :\n  - ne démarre plus\n  - bipe trois fois\n\n"
    reply = extract_reply(body)
    assert reply.visible == "Bonjour,\n\n  Le poste 12 :\n  - ne démarre plus\n  - bipe trois fois"
    assert (reply.signature, reply.quoted) == ("", "")


def test_empty_body() -> None:
    assert extract_reply("") == extract_reply("\n\n")
    assert extract_reply("").visible == ""


OUTLOOK_FR_MAIL = b"""\
From: "Dupont Marie" <Marie.Dupont@groupe-aurizi.fr>\r
To: "Support" <support@groupeaurizi.com>\r
Subject: RE: [#100042] Sage ne d=?iso-8859-1?Q?=E9marre?= plus\r
Date: Mon, 23 Nov 2026 10:20:00 +0000\r
Message-ID: <AM0PR01MB1234@eurprd01.prod.outlook.com>\r
In-Reply-To: <ticket-100042.2@groupeaurizi.com>\r
Thread-Topic: [#100042] Sage ne demarre plus\r
Content-Language: fr-FR\r
MIME-Version: 1.0\r
Content-Type: multipart/related; boundary="rel"; type="multipart/alternative"\r
\r
--rel\r
Content-Type: multipart/alternative; boundary="alt"\r
\r
--alt\r
Content-Type: text/plain; charset="iso-8859-1"\r
Content-Transfer-Encoding: quoted-printable\r
\r
Bonjour,\r
\r
Apr=E8s red=E9marrage, Sage fonctionne. Merci !\r
\r
Cordialement,\r
\r
Marie Dupont\r
Comptabilit=E9 =96 Groupe Aurizi\r
[cid:image001.png@01DB3D6A.5E8F1C20]\r
\r
De=A0: Support <support@groupeaurizi.com>\r
Envoy=E9=A0: lundi 23 novembre 2026 10:12\r
=C0=A0: Dupont Marie <Marie.Dupont@groupe-aurizi.fr>\r
Objet=A0: [#100042] Sage ne d=E9marre plus\r
\r
Bonjour Marie,\r
Pouvez-vous red=E9marrer le poste ?\r
--alt\r
Content-Type: text/html; charset="iso-8859-1"\r
Content-Transfer-Encoding: quoted-printable\r
\r
<html><body lang=3D"FR"><div class=3D"WordSection1"><p class=3D"MsoNormal">Bonjour,</p>\r
<p class=3D"MsoNormal">Apr=E8s red=E9marrage, Sage fonctionne. Merci&nbsp;!</p>\r
<p class=3D"MsoNormal"><img width=3D"60" src=3D"cid:image001.png@01DB3D6A.5E8F1C20"></p>\r
<div style=3D"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\r
<p class=3D"MsoNormal"><b>De&nbsp;:</b> Support<br>\r
<b>Envoy=E9&nbsp;:</b> lundi 23 novembre 2026 10:12</p></div>\r
<p class=3D"MsoNormal">Bonjour Marie,<br>Pouvez-vous red=E9marrer le poste ?</p></div></body></html>\r
--alt--\r
\r
--rel\r
Content-Type: image/png; name="image001.png"\r
Content-Description: image001.png\r
Content-Disposition: inline; filename="image001.png"\r
Content-ID: <image001.png@01DB3D6A.5E8F1C20>\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
--rel--\r
"""


def test_outlook_desktop_fr_mail_end_to_end() -> None:
    """A real-shaped Outlook FR reply: Latin-1 quoted-printable, NBSP before colons, a logo."""
    mail = parse(OUTLOOK_FR_MAIL)
    assert mail.subject == "RE: [#100042] Sage ne démarre plus"
    assert ticket_reference(mail.subject) == 100042
    assert mail.from_address == "marie.dupont@groupe-aurizi.fr"
    assert mail.in_reply_to == ("ticket-100042.2@groupeaurizi.com",)
    assert mail.visible_text == "Bonjour,\n\nAprès redémarrage, Sage fonctionne. Merci !"
    assert mail.signature.startswith("Cordialement,\n\nMarie Dupont\nComptabilité – Groupe Aurizi")
    assert mail.quoted.startswith("De\u00a0: Support")
    assert "Pouvez-vous" not in mail.visible_html
    assert "Sage fonctionne" in mail.visible_html
    (logo,) = mail.attachments
    assert (logo.filename, logo.inline) == ("image001.png", True)
    assert mail.language == "fr"
    assert not mail.classification.is_automatic


def test_iphone_fr_mail_end_to_end() -> None:
    mail = parse(
        "From: Marie Dupont <marie.dupont@example.fr>\r\nTo: support@example.com\r\n"
        "Subject: Re: [#100042] Imprimante\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "C'est bon, merci.\r\n\r\nEnvoyé de mon iPhone\r\n\r\n"
        "> Le 23 nov. 2026 à 10:12, Support <support@example.com> a écrit\u00a0:\r\n>\r\n"
        "> Bonjour Marie, avez-vous redémarré l'imprimante\u00a0?\r\n".encode()
    )
    assert mail.visible_text == "C'est bon, merci."
    assert mail.signature == "Envoyé de mon iPhone"
    assert "avez-vous redémarré" in mail.quoted
