"""E-mail verification before the first password sign-in, where an organisation asks for it
(procedure 003: an account's identifier and password are obtained "après validation de votre
adresse de messagerie").

django-allauth does the work — the confirmation mail, its signed expiring link, the
"check your mailbox" step in the sign-in — and keeps which addresses are confirmed
(``EmailAddress.verified``). Comptoir decides for whom: the requesters of an organisation
with ``verify_email`` set, once, until their address is confirmed. A link from a mail sent
to the address — a request's follow link, an invitation, a password reset — proves it too,
so a person who came that way is not asked again.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from comptoir.accounts.models import User


def must_confirm(user: User) -> bool:
    """Whether ``user`` confirms their address before signing in with a password."""
    organisation = user.organisation
    return (
        not user.is_staff_member
        and organisation is not None
        and organisation.verify_email
        and bool(user.email)
        and not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def confirmed(user: User) -> None:
    """``user`` opened a link mailed to their address: it is theirs."""
    if not user.email:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
