"""HTML mails: quoted history cut at the clients' markers, text for the ticket, safe HTML.

DESIGN §3: nh3 for HTML, ``cid:`` allowed for inline images; remote images are blocked so an
agent opening a ticket does not tell a tracker; links keep ``rel="noopener"``.
"""

from __future__ import annotations

import pytest

from comptoir.mail.parsing import extract_html_reply, parse
from comptoir.mail.parsing.html_text import html_to_text
from comptoir.mail.parsing.sanitize import sanitise_html
from tests.mail.raw_mail import raw

THUNDERBIRD_FR = """\
<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"></head>
<body>
<p>Bonjour,</p>
<p>Le problème est résolu, merci.</p>
<pre class="moz-signature" cols="72">--
Marie Dupont
Comptabilité</pre>
<div class="moz-cite-prefix">Le 23/11/2026 à 10:12, Support Informatique a écrit&nbsp;:<br></div>
<blockquote type="cite" cite="mid:ticket-123456@example.com">Bonjour Marie,<br>
Pouvez-vous redémarrer&nbsp;?</blockquote>
</body></html>
"""

OUTLOOK_WEB_FR = """\
<html><head><style>p {margin:0}</style></head><body>
<div dir="ltr"><div style="font-family:Calibri">Merci, c'est réglé.</div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri" color="#000000">
<b>De :</b> Support &lt;support@example.com&gt;<br>
<b>Envoyé :</b> lundi 23 novembre 2026 10:12<br><b>À :</b> Marie Dupont<br>
<b>Objet :</b> [#123456] Imprimante</font><div>&nbsp;</div></div>
<div>Bonjour Marie, pouvez-vous redémarrer ?</div></div>
</body></html>
"""

GMAIL_FR = """\
<div dir="ltr">C'est bon, merci !<div><br></div><div>Marie</div></div><br>
<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Le lun. 23 nov. 2026 à 10:12, Support &lt;<a
href="mailto:support@example.com">support@example.com</a>&gt; a écrit&nbsp;:<br></div>
<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Bonjour Marie,<br>Est-ce réglé ?
</blockquote></div>
"""

APPLE_MAIL_FR = """\
<html><body dir="auto"><div>Parfait.</div><div><br><blockquote type="cite"><div>Le 23 nov. 2026 à 10:12,
Marie Dupont &lt;marie.dupont@example.fr&gt; a écrit&nbsp;:</div><br><div><div>Avez-vous relancé ?</div></div>
</blockquote></div></body></html>
"""

OUTLOOK_DESKTOP_FR = """\
<html><body lang="FR"><div class="WordSection1"><p class="MsoNormal">Bien reçu, merci.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">
<b>De&nbsp;:</b> Support &lt;support@example.com&gt;<br><b>Envoyé&nbsp;:</b> lundi 23 novembre 2026 10:12<br>
<b>À&nbsp;:</b> Marie Dupont<br><b>Objet&nbsp;:</b> Imprimante<o:p></o:p></p></div>
<p class="MsoNormal">Bonjour Marie,<o:p></o:p></p></div></body></html>
"""

YAHOO = """\
<div>Thanks, it works.</div><div class="yahoo_quoted"><div>On Monday, November 23, 2026, 10:12, Support
&lt;support@example.com&gt; wrote:</div><blockquote>Did it work?</blockquote></div>
"""


@pytest.mark.parametrize(
    ("html", "visible", "gone"),
    [
        (THUNDERBIRD_FR, "Bonjour,\n\nLe problème est résolu, merci.", "Pouvez-vous"),
        (OUTLOOK_WEB_FR, "Merci, c'est réglé.", "pouvez-vous redémarrer"),
        (GMAIL_FR, "C'est bon, merci !\n\nMarie", "Est-ce réglé"),
        (APPLE_MAIL_FR, "Parfait.", "Avez-vous relancé"),
        (OUTLOOK_DESKTOP_FR, "Bien reçu, merci.", "Bonjour Marie"),
        (YAHOO, "Thanks, it works.", "Did it work"),
    ],
    ids=[
        "thunderbird-moz-cite-prefix",
        "outlook-web-divRplyFwdMsg",
        "gmail-quote",
        "apple-cite",
        "outlook",
        "yahoo",
    ],
)
def test_html_reply_is_cut_at_the_clients_quote_marker(html: str, visible: str, gone: str) -> None:
    result = extract_html_reply(html)
    assert result.reply.visible == visible
    assert gone in result.reply.quoted
    assert gone not in result.visible_html


def test_thunderbird_html_signature_is_found_after_the_cut() -> None:
    assert extract_html_reply(THUNDERBIRD_FR).reply.signature == "--\nMarie Dupont\nComptabilité"


def test_bottom_posted_html_reply_keeps_the_answer() -> None:
    html = '<blockquote type="cite">Le problème est-il résolu ?</blockquote><div>Oui, merci.</div>'
    result = extract_html_reply(html)
    assert result.reply.visible == "Oui, merci."
    assert "résolu" in result.reply.quoted


def test_html_to_text_reads_like_the_page() -> None:
    html = (
        "<html><head><title>x</title><style>p{color:red}</style></head><body><h1>Titre</h1>"
        "<p>Premier&nbsp;paragraphe<br>ligne&nbsp;2</p><ul><li>un</li><li>deux</li></ul>"
        "<table><tr><td>A</td><td>B</td></tr></table><script>alert(1)</script>"
        "<blockquote>cité</blockquote><pre>  code\n    indenté</pre></body></html>"
    )
    assert (
        html_to_text(html)
        == "Titre\n\nPremier paragraphe\nligne 2\n\n- un\n- deux\n\nA B\n\n> cité\n\n  code\n    indenté"
    )


def test_sanitised_html_blocks_remote_images_and_scripts_keeps_cid_and_links() -> None:
    html = (
        '<p onclick="steal()">Voir <a href="https://example.fr/doc" target="_blank">le document</a>'
        '<img src="https://tracker.example.net/pixel.gif" width="1">'
        '<img src="cid:image001.png@01DA" alt="capture">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline"><a href="javascript:alert(1)">x</a>'
        "<script>alert(1)</script><iframe src='https://evil.example'></iframe><style>body{}</style></p>"
    )
    clean = sanitise_html(html)
    assert "tracker.example.net" not in clean
    assert 'src="cid:image001.png@01DA"' in clean
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in clean
    assert 'href="https://example.fr/doc"' in clean
    assert 'rel="noopener noreferrer"' in clean
    for forbidden in ("onclick", "javascript:", "<script", "<iframe", "<style", "alert(1)"):
        assert forbidden not in clean


def test_html_only_mail_with_inline_and_remote_images() -> None:
    mail = parse(
        raw(
            """\
            From: Marie Dupont <marie.dupont@example.fr>
            To: support@example.com
            Subject: Capture de l'erreur
            MIME-Version: 1.0
            Content-Type: multipart/related; boundary="rel"

            --rel
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <html><body><p>Voici l'erreur&nbsp;:</p><img src=3D"cid:capture@example.fr">=
            <img src=3D"http://pixel.example.net/open?id=3D42"></body></html>
            --rel
            Content-Type: image/png
            Content-ID: <capture@example.fr>
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --rel
            Content-Type: image/png; name="logo.png"
            Content-ID: <logo@example.fr>
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --rel--
            """
        )
    )
    assert mail.text == "Voici l'erreur :"
    assert mail.visible_text == "Voici l'erreur :"
    assert 'src="cid:capture@example.fr"' in mail.html
    assert "pixel.example.net" not in mail.html
    capture, logo = mail.attachments
    assert (capture.content_id, capture.inline, capture.content) == (
        "capture@example.fr",
        True,
        b"\x89PNG\r\n\x1a\n",
    )
    assert capture.filename == "attachment-1.png"
    assert (logo.filename, logo.inline) == ("logo.png", False)  # not shown by the HTML: a plain attachment
