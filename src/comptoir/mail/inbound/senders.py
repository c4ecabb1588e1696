"""Who wrote: a known user, or a new requester when the mailbox accepts unknown senders
(in the organisation whose e-mail domain matches, else the mailbox's default one)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import slugify

from comptoir.accounts.models import Organisation, User
from comptoir.mail.models import Mailbox


def find_user(address: str | None) -> User | None:
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).select_related("organisation").first()


def organisation_for(address: str, mailbox: Mailbox | None) -> Organisation | None:
    domain = address.rsplit("@", 1)[-1].lower()
    for org in Organisation.objects.filter(Q(email_domains__icontains=domain), is_active=True):
        if domain in {d.strip().lower() for d in org.email_domains.split(",")}:
            return org
    return mailbox.organisation if mailbox else None


def create_requester(address: str, name: str, mailbox: Mailbox | None) -> User:
    """A requester account for an unknown sender (no password: they follow their requests
    by mail, or set one through the password reset)."""
    org = organisation_for(address, mailbox)
    base = slugify(address.split("@", 1)[0]).replace("-", "")[:120] or "requester"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    first, _, last = name.partition(" ")
    user = User(
        username=username,
        email=address,
        first_name=first[:150],
        last_name=last[:150],
        role=User.Role.REQUESTER,
        organisation=org,
        language=(mailbox.language if mailbox else "") or "fr",
    )
    user.set_unusable_password()
    user.save()
    return user
