"""Outbound mail configuration from one ``EMAIL_URL`` (pure: returns Django's MAILERS).

    smtp://user:password@host:587          SMTP with STARTTLS (port 587 and 25 try STARTTLS)
    smtp+plain://host:25                   SMTP without TLS (a local relay)
    smtps://user:password@host:465         SMTP over TLS
    brevo://API_KEY                        Brevo's API (django-anymail); also mailgun, postmark,
                                           sendgrid, mailjet, resend, sparkpost, amazon-ses…
    file:///path/to/dir                    one file per mail (the embedded default)
    console://                             printed on standard output

User names and passwords are percent-decoded (``@`` in a password is ``%40``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

ANYMAIL = {
    "brevo": "brevo",
    "mailgun": "mailgun",
    "postmark": "postmark",
    "sendgrid": "sendgrid",
    "mailjet": "mailjet",
    "resend": "resend",
    "sparkpost": "sparkpost",
    "amazon-ses": "amazon_ses",
    "mailersend": "mailersend",
}


class MailerURLError(ValueError):
    pass


def mailers_from_url(url: str) -> dict[str, dict[str, Any]]:
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    if scheme in {"smtp", "smtps", "smtp+plain", "smtp+tls"}:
        if not parsed.hostname:
            raise MailerURLError(
                "EMAIL_URL: an SMTP URL needs a host, e.g. smtp://user:pass@smtp.example.org:587"
            )
        ssl = scheme == "smtps"
        port = parsed.port or (465 if ssl else 587 if scheme != "smtp+plain" else 25)
        options: dict[str, Any] = {
            "host": parsed.hostname,
            "port": port,
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": ssl,
            "use_tls": not ssl and scheme != "smtp+plain",
            "timeout": int(query.get("timeout", "30")),
        }
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}
    if scheme in ANYMAIL:
        key = unquote(parsed.netloc.split("@", 1)[0]) if parsed.netloc else ""
        if not key:
            raise MailerURLError(f"EMAIL_URL: put the API key after {scheme}://")
        options = {"api_key": key}
        if "@" in parsed.netloc:  # mailgun://KEY@sender-domain
            options["sender_domain"] = parsed.netloc.split("@", 1)[1]
        options.update(query)
        return {
            "default": {"BACKEND": f"anymail.backends.{ANYMAIL[scheme]}.EmailBackend", "OPTIONS": options}
        }
    if scheme == "file":
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": unquote(parsed.path)},
            }
        }
    if scheme == "console":
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    raise MailerURLError(
        f"EMAIL_URL: unknown scheme {scheme!r} (use smtp, smtps, smtp+plain, file, console, or an API: "
        + ", ".join(sorted(ANYMAIL))
        + ")"
    )
