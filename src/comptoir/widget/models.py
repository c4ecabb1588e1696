from __future__ import annotations

import secrets
import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.widget import origins

_KEY_ALPHABET = string.ascii_lowercase + string.digits


def new_key() -> str:
    """Public: it is in the script tag of every page of the site."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(20))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Site(models.Model):
    """A customer's site that embeds the help button: its requesters are the people of
    ``organisation`` the site vouches for (identity signed with ``secret``)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="widget_sites",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product preselected"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Preselected on the request form (e.g. the site's product)."),
    )
    key = models.SlugField(
        _("public key"),
        max_length=40,
        unique=True,
        default=new_key,
        help_text=_("In the address of the script: public, changing it breaks the installed tags."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_(
            "Signs the identity of the signed-in person (JWT HS256). Known only to the site's "
            "server: never put it in a page."
        ),
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=format_lazy(
            _(
                "One per line, e.g. {example} (scheme, host and port, no path). "
                "The help button works only on these sites; empty: nowhere."
            ),
            example="https://www.paroisse-exemple.fr",
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("site with the help button")
        verbose_name_plural = _("sites with the help button")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def origins(self) -> list[str]:
        return origins.parse(self.allowed_origins)[0]

    def clean(self) -> None:
        found, invalid = origins.parse(self.allowed_origins)
        if invalid:
            raise ValidationError(
                {
                    "allowed_origins": ngettext(
                        "Not an origin (scheme, host and optional port, without path): %(lines)s",
                        "Not origins (scheme, host and optional port, without path): %(lines)s",
                        len(invalid),
                    )
                    % {"lines": ", ".join(invalid)}
                }
            )
        self.allowed_origins = "\n".join(found)
