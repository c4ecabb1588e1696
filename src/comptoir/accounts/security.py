"""Sign-in security: the administrator's policy for staff second factors, and whether a
signed-in person must enrol one before working.

The policy (one ``SecurityPolicy`` row) is read on every staff request and changed rarely:
kept in memory (``comptoir.core.cache``), dropped by ``set_mfa_requirement`` at once in this
process and within the cache's lifetime in the others. The second factors themselves
(authenticator apps, passkeys, recovery codes) are django-allauth's (``allauth.mfa``).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts import second_factor
from comptoir.accounts.models import SecurityPolicy, User
from comptoir.core.cache import ProcessCache
from comptoir.core.errors import PermissionDenied

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def _load() -> frozenset[str]:
    policy = SecurityPolicy.objects.filter(pk=SecurityPolicy.SINGLETON_PK).first()
    return policy.roles_requiring_mfa if policy is not None else frozenset()


_required_roles = ProcessCache(_load)


def current_policy() -> SecurityPolicy:
    """The policy as stored (a blank one, requiring nothing, before the first change)."""
    found = SecurityPolicy.objects.filter(pk=SecurityPolicy.SINGLETON_PK).first()
    return found if found is not None else SecurityPolicy(pk=SecurityPolicy.SINGLETON_PK)


def roles_requiring_mfa() -> frozenset[str]:
    return _required_roles.get()


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey (recovery codes alone do not count)."""
    return is_mfa_enabled(user, SECOND_FACTORS)


def must_enrol(user: User) -> bool:
    """Whether this signed-in person must set up a second factor before working. No query
    for anyone whose role the policy does not cover."""
    required = roles_requiring_mfa()
    if user.role not in required:
        return False
    return second_factor.must_enrol(
        role=user.role, required_roles=required, has_second_factor=has_second_factor(user)
    )


def check_can_change_security(by: User) -> None:
    """Only administrators set the sign-in security of the team."""
    if not (by.is_authenticated and by.is_active and by.role == User.Role.ADMIN):
        raise PermissionDenied(_("Only an administrator can change the sign-in security."))


def set_mfa_requirement(*, by: User, agents: bool, supervisors: bool, admins: bool) -> SecurityPolicy:
    """Requires (or no longer requires) a second factor of each staff role. Those who have
    none are led to enrol at their next page; nobody is signed out."""
    check_can_change_security(by)
    with transaction.atomic():
        policy, _created = SecurityPolicy.objects.update_or_create(
            pk=SecurityPolicy.SINGLETON_PK,
            defaults={
                "mfa_for_agents": agents,
                "mfa_for_supervisors": supervisors,
                "mfa_for_admins": admins,
                "updated_by": by,
            },
        )
    transaction.on_commit(_required_roles.forget)
    _required_roles.forget()
    return policy


def forget() -> None:
    _required_roles.forget()
