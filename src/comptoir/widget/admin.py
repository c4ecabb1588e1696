from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.widget.models import Site, new_secret

PHP_EXAMPLE = """<?php
// wp-content/mu-plugins/comptoir-help.php: the "?" for signed-in people,
// in the back office and on the site.
const COMPTOIR_SCRIPT = '{script}';
const COMPTOIR_SECRET = '{secret}';  // keep it on the server, never in a page

function comptoir_b64(string $data): string {{
    return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
}}

function comptoir_identity(): string {{
    $user = wp_get_current_user();
    $header = comptoir_b64(json_encode(['alg' => 'HS256', 'typ' => 'JWT']));
    $claims = comptoir_b64(json_encode([
        'email' => $user->user_email,
        'name' => $user->display_name,
        'sub' => (string) $user->ID,
        'exp' => time() + 3600,  // at most 24 hours ahead
    ]));
    $signature = comptoir_b64(hash_hmac('sha256', "$header.$claims", COMPTOIR_SECRET, true));
    return "$header.$claims.$signature";
}}

function comptoir_help_button(): void {{
    if (!is_user_logged_in()) {{
        return;
    }}
    printf('<script src="%s" data-identity="%s" async></script>',
        esc_url(COMPTOIR_SCRIPT), esc_attr(comptoir_identity()));
}}
add_action('admin_footer', 'comptoir_help_button');
add_action('wp_footer', 'comptoir_help_button');
"""


def script_url(site: Site) -> str:
    return settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("widget:loader", args=[site.key])


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "key", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "key", "organisation__name", "allowed_origins"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["script_tag", "signing_example", "created_at"]
    fields = [
        "name",
        "organisation",
        "product",
        "allowed_origins",
        "is_active",
        "key",
        "secret",
        "script_tag",
        "signing_example",
        "created_at",
    ]
    actions = ["renew_secret"]

    @admin.display(description=_("script tag to paste in the site's pages"))
    def script_tag(self, obj: Site | None) -> str:
        if obj is None or obj.pk is None:
            return str(_("Shown once the site is saved."))
        return format_html(
            '<pre style="white-space: pre-wrap">&lt;script src="{}" data-identity="…" async&gt;'
            "&lt;/script&gt;</pre><p>{}</p>",
            script_url(obj),
            _(
                "data-identity: a JWT HS256 signed with the secret, with the claims email, name and exp "
                "(Unix time, at most 24 hours ahead). Without it, the panel asks for a name and an "
                "address and mails a confirmation link."
            ),
        )

    @admin.display(description=_("signing example (PHP, WordPress)"))
    def signing_example(self, obj: Site | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<pre style="white-space: pre">{}</pre>',
            PHP_EXAMPLE.format(script=script_url(obj), secret=obj.secret),
        )

    @admin.action(description=_("Renew the secret (the sites must sign with the new one)"))
    def renew_secret(self, request: HttpRequest, queryset: Any) -> None:
        sites = list(queryset)
        for site in sites:
            site.secret = new_secret()
            site.save(update_fields=["secret"])
        messages.success(
            request,
            ngettext(
                "The secret of %(n)d site was renewed.",
                "The secrets of %(n)d sites were renewed.",
                len(sites),
            )
            % {"n": len(sites)},
        )
