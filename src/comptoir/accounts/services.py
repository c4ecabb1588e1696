"""Accounts managed by organisation admins (procedure 000: "each site administrator creates
and deletes their users' accounts and manages their rights; each user has a personal
account, login ``prenomnom``; the mail goes to the address of the person").

An organisation admin acts only on their own organisation's accounts, never on staff
accounts, and never makes anyone staff: the accounts they create are requesters, with a
role in the organisation (owner, editor, reader) that eligibility reads. Administrators
(staff role "admin") may act on any organisation's requesters.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.accounts import invitations, logins
from comptoir.accounts.models import Organisation, User
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound, PermissionDenied, ValidationError

if TYPE_CHECKING:
    from django.db.models import QuerySet


def check_can_manage_accounts(by: User, organisation: Organisation | None = None) -> None:
    """Organisation admins manage their own organisation; administrators any."""
    if not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("Only an organisation admin can manage accounts."))
    if by.role == User.Role.ADMIN:
        return
    if by.role != User.Role.ORG_ADMIN or by.organisation_id is None:
        raise PermissionDenied(_("Only an organisation admin can manage accounts."))
    if organisation is not None and organisation.pk != by.organisation_id:
        raise NotFound(_("No such account."))


def manageable_accounts(by: User) -> QuerySet[User]:
    """The accounts an organisation admin sees: their organisation's, staff excluded."""
    check_can_manage_accounts(by)
    qs = User.objects.filter(role__in=[User.Role.REQUESTER, User.Role.ORG_ADMIN])
    if by.role != User.Role.ADMIN:
        # An organisation admin has an organisation (check_can_manage_accounts).
        qs = qs.filter(organisation=by.organisation)
    return qs


def account_for(by: User, pk: int) -> User:
    """One account the admin may manage; NotFound for anything else (another
    organisation's, a staff account): its existence is not revealed."""
    found = manageable_accounts(by).select_related("organisation").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such account."))
    return found


def check_org_role(org_role: str) -> str:
    if org_role not in User.OrgRole.values:
        raise ValidationError(_("Unknown role."))
    return org_role


def check_personal_address(email: str) -> str:
    """One personal account per person: no second account for an address, no shared
    address (contact@, info@, support@…)."""
    email = (email or "").strip()
    if not email or "@" not in email:
        raise ValidationError(_("An e-mail address is required: the invitation is sent there."))
    if logins.is_generic_address(email):
        raise ValidationError(
            _(
                "“%(email)s” looks like a shared address. Each person needs a personal account "
                "with their own address: the support team must know who asks, and a shared "
                "login cannot be withdrawn from one person only."
            )
            % {"email": email}
        )
    return email


def _already_exists(email: str) -> ValidationError:
    return ValidationError(
        _(
            "An account already exists for %(email)s. Each person has one personal account: "
            "reactivate it or change its role instead of creating another one."
        )
        % {"email": email}
    )


def propose_login(first_name: str, last_name: str, organisation: Organisation) -> str:
    """The login the organisation's naming rule gives, unique among existing logins."""
    base = logins.base_login(first_name, last_name, organisation.login_rule)
    taken = User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    return logins.make_login(first_name, last_name, organisation.login_rule, list(taken))


def invite_user(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    org_role: str,
    organisation: Organisation | None = None,
    language: str = "",
    at: datetime | None = None,
) -> User:
    """Procedure 000: create a personal account in the admin's organisation, login by the
    organisation's rule, and mail the person an invitation to choose their password (the
    account has none until then)."""
    organisation = organisation or by.organisation
    if organisation is None:
        raise ValidationError(_("Choose the organisation of the account."))
    check_can_manage_accounts(by, organisation)
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name or not last_name:
        raise ValidationError(_("First and last name are required: the login is made from them."))
    email = check_personal_address(email)
    check_org_role(org_role)
    at = at or clock_now()
    existing = User.objects.filter(email__iexact=email).select_related("organisation").first()
    if existing is not None:
        if by.role == User.Role.ADMIN or (
            existing.organisation_id == organisation.pk and not existing.is_staff_member
        ):
            raise _already_exists(email)  # within what this admin manages: say so
        # Elsewhere (another organisation, the support team): the same answer as for a new
        # account, so that the form tells nobody who has an account; the address's owner
        # is told, and nothing is created.
        outbox.enqueue([invitations.already_registered(existing, by=by, organisation=organisation, at=at)])
        return User(
            username=propose_login(first_name, last_name, organisation),
            email=email,
            organisation=organisation,
        )
    for _attempt in range(3):
        user = User(
            username=propose_login(first_name, last_name, organisation),
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email,
            role=User.Role.REQUESTER,
            organisation=organisation,
            org_role=org_role,
            language=language or organisation.language,
            date_joined=at,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save(force_insert=True)
                outbox.enqueue([invitations.invitation(user, by=by, at=at)])
        except IntegrityError:
            continue  # someone took this login at the same moment: the next suffix
        return user
    raise ValidationError(_("The account could not be created; please try again."))


def set_org_role(account: User, *, by: User, org_role: str) -> User:
    """The admin manages rights (procedure 000); the role decides who may open tickets
    (procedure 002). It never makes anyone staff."""
    check_can_manage_accounts(by, account.organisation)
    _check_manageable(account)
    account.org_role = check_org_role(org_role)
    account.save(update_fields=["org_role"])
    return account


def deactivate_user(account: User, *, by: User) -> User:
    """The person leaves: they can no longer sign in; their requests stay."""
    check_can_manage_accounts(by, account.organisation)
    _check_manageable(account)
    if account.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


def reactivate_user(account: User, *, by: User) -> User:
    check_can_manage_accounts(by, account.organisation)
    _check_manageable(account)
    account.is_active = True
    account.save(update_fields=["is_active"])
    return account


def resend_invitation(account: User, *, by: User, at: datetime | None = None) -> None:
    """A new link for someone who has not chosen a password yet (the first one expired or
    was lost)."""
    check_can_manage_accounts(by, account.organisation)
    _check_manageable(account)
    if account.has_usable_password():
        raise ValidationError(_("This person has already chosen a password."))
    outbox.enqueue([invitations.invitation(account, by=by, at=at or clock_now())])


def _check_manageable(account: User) -> None:
    if account.is_staff_member or account.is_staff or account.is_superuser:
        raise NotFound(_("No such account."))


def find_callers(query: str, *, by: User, limit: int = 20) -> list[User]:
    """People the support team may log a call for, found by name, login, e-mail or
    organisation (procedure 003: calls are "re-entered in the tool")."""
    from django.db.models import Q

    if not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can do this."))
    words = (query or "").split()
    if not words:
        return []
    found = User.objects.filter(is_active=True, role__in=[User.Role.REQUESTER, User.Role.ORG_ADMIN])
    for word in words[:5]:
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return list(found.select_related("organisation").order_by("last_name", "first_name", "pk")[:limit])


def register_caller(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    organisation: Organisation | None = None,
    at: datetime | None = None,
) -> User:
    """A caller the team does not know yet becomes a requester (one personal account per
    person): login by the organisation's rule; with an e-mail address, they are invited to
    choose a password and follow their requests on the portal."""
    if not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can do this."))
    email = check_personal_address(email) if email.strip() else ""
    if email and User.objects.filter(email__iexact=email).exists():
        raise _already_exists(email)  # the team sees every account
    return create_requester(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        organisation=organisation,
        invited_by=by,
        at=at,
    )


def create_requester(
    *,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    organisation: Organisation | None = None,
    language: str = "",
    invited_by: User | None = None,
    at: datetime | None = None,
) -> User:
    """A requester account without a password, login by the organisation's naming rule
    (de-duplicated; a concurrent creation of the same login takes the next suffix). With
    ``invited_by`` and an address, the person is invited to choose a password."""
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name or not last_name:
        raise ValidationError(_("First and last name are required: the login is made from them."))
    at = at or clock_now()
    rule = organisation.login_rule if organisation else Organisation.LoginRule.FIRSTLAST
    for _attempt in range(3):
        base = logins.base_login(first_name, last_name, rule)
        taken = User.objects.filter(username__istartswith=base).values_list("username", flat=True)
        user = User(
            username=logins.make_login(first_name, last_name, rule, list(taken)),
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email,
            phone=phone.strip()[:40],
            role=User.Role.REQUESTER,
            organisation=organisation,
            language=language or (organisation.language if organisation else ""),
            date_joined=at,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save(force_insert=True)
                if email and invited_by is not None:
                    outbox.enqueue([invitations.invitation(user, by=invited_by, at=at)])
        except IntegrityError:
            continue
        return user
    raise ValidationError(_("The account could not be created; please try again."))
