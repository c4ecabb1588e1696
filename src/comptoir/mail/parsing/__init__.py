"""Mail parsing (pure, no Django): raw bytes in, a frozen :class:`ParsedMail` out.

One idea per module: ``mime`` (``parse()``, putting the pieces together), ``headers``
(RFC 2047 words, addresses, ids, dates), ``charsets`` (bytes to text when the declared
charset lies), ``attachments`` (file names, inline images), ``sanitize`` (nh3), ``html_tree``
/ ``html_text`` / ``html_quotes`` (HTML read, turned into text, cut at the clients' quote
markers), ``french_clients`` (normaliser for French clients), ``quote_headers`` (where the
history starts, with mail-parser-reply), ``reply`` (the visible reply), ``signature``,
``classify`` (automatic replies and bounces), ``subject`` (ticket reference, prefixes, URGENT,
product), ``language``, ``mime_tree`` / ``header_repair`` / ``transfer_encodings`` /
``not_a_mail`` (the MIME walk and its repairs).
"""

from comptoir.mail.parsing.classify import Classification
from comptoir.mail.parsing.errors import ParseError
from comptoir.mail.parsing.html_reply import HtmlReply, extract_html_reply
from comptoir.mail.parsing.mime import parse
from comptoir.mail.parsing.model import ParsedAttachment, ParsedMail
from comptoir.mail.parsing.reply import Reply, extract_reply

__all__ = [
    "Classification",
    "HtmlReply",
    "ParseError",
    "ParsedAttachment",
    "ParsedMail",
    "Reply",
    "extract_html_reply",
    "extract_reply",
    "parse",
]
