"""The visible reply of an HTML body: cut at the clients' quote markers, then the text rules.

The HTML route is used when a mail has no plain-text part (DESIGN §3: cut at
``div.gmail_quote``, ``#divRplyFwdMsg``, ``blockquote[type=cite]``… before converting to
text). What the markers miss (an attribution line left above the cut, a signature, an
Outlook header block written as paragraphs) is then found by :func:`extract_reply`.
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.mail.parsing.html_quotes import cut_quotes
from comptoir.mail.parsing.reply import Reply, extract_reply


@dataclass(frozen=True)
class HtmlReply:
    """The reply read from HTML, and the (unsanitised) HTML without its quoted history."""

    reply: Reply
    visible_html: str
    text: str = ""  # the text of the whole HTML body


def extract_html_reply(html: str, *, sender_name: str = "") -> HtmlReply:
    """Visible text, signature and quoted history of an HTML body (see :func:`extract_reply`)."""
    cut = cut_quotes(html)
    reply = extract_reply(cut.text, sender_name=sender_name)
    quoted = "\n\n".join(part for part in (reply.quoted, cut.removed_text) if part)
    return HtmlReply(
        reply=Reply(visible=reply.visible, signature=reply.signature, quoted=quoted),
        visible_html=cut.html,
        text=cut.full_text,
    )
