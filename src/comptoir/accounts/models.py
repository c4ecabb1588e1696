from __future__ import annotations

from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.names import readable_name


class Tier(models.TextChoices):
    L1 = "L1", _("Level 1")
    L2 = "L2", _("Level 2")
    L3 = "L3", _("Level 3")


TIMEZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if "/" in tz)


class Organisation(models.Model):
    """A customer with a contract: monthly ticket quota, business calendar, language."""

    class QuotaPolicy(models.TextChoices):
        WARN = "warn", _("Accept and show that the allowance is used")
        APPROVAL = "approval", _("Hold new requests for a supervisor's approval")
        REFUSE = "refuse", _("Refuse new requests until the 1st")

    class LoginRule(models.TextChoices):
        FIRSTLAST = "firstlast", _("firstnamelastname")
        FIRST_DOT_LAST = "first.last", _("firstname.lastname")
        INITIAL_LAST = "flast", _("initial and last name (flastname)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    monthly_ticket_quota = models.PositiveIntegerField(
        _("monthly ticket quota"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    quota_policy = models.CharField(
        _("beyond the quota"), max_length=10, choices=QuotaPolicy, default=QuotaPolicy.WARN
    )
    calendar = models.ForeignKey(
        "calendars.Calendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated: unknown senders from these domains join this organisation."),
    )
    eligible_roles = models.JSONField(
        _("roles that may open tickets"),
        default=list,
        blank=True,
        help_text=_("Account roles in the organisation (e.g. owner, editor). Empty: everyone."),
    )
    support_contact = models.TextField(
        _("whom to contact otherwise"),
        blank=True,
        help_text=_("Shown to people who may not open tickets (procedure 002): e.g. the site's owner."),
    )
    login_rule = models.CharField(
        _("login naming rule"), max_length=12, choices=LoginRule, default=LoginRule.FIRSTLAST
    )
    verify_email = models.BooleanField(
        _("verify the e-mail address before the first password sign-in"),
        default=False,
        help_text=_(
            "Its requesters confirm their address from a mail before they first sign in with a "
            "password (procedure 003). Following a request from a mail's link counts as confirmed."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Everyone who signs in: requesters and their organisation admins, agents, supervisors
    and administrators."""

    class Role(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        ORG_ADMIN = "org_admin", _("Organisation admin")
        AGENT = "agent", _("Agent")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    class OrgRole(models.TextChoices):
        """The person's role in their own organisation, set by its organisation admin;
        eligibility uses it (procedure 002: site editors and owners only)."""

        OWNER = "owner", _("Site owner")
        EDITOR = "editor", _("Editor")
        READER = "reader", _("Reader")

    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.REQUESTER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    tier = models.CharField(_("tier"), max_length=2, choices=Tier, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the browser's language."),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Paris"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    org_role = models.CharField(_("role in the organisation"), max_length=10, choices=OrgRole, blank=True)
    is_available = models.BooleanField(
        _("available"),
        default=True,
        help_text=_("Agents only: receives tickets from automatic assignment."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_member(self) -> bool:
        """Agents, supervisors and administrators: the people who work tickets."""
        return self.role in {self.Role.AGENT, self.Role.SUPERVISOR, self.Role.ADMIN}

    @property
    def sees_everything(self) -> bool:
        return self.role in {self.Role.SUPERVISOR, self.Role.ADMIN}

    @cached_property
    def group_ids(self) -> frozenset[int]:
        return frozenset(self.support_groups.values_list("pk", flat=True))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def greeting_name(self) -> str:
        """The name a mail greets this person with, in a readable case ("Ben Ali", never
        "BEN ALI"); the user name when no name is known."""
        full = " ".join(
            part for part in (readable_name(self.first_name), readable_name(self.last_name)) if part
        )
        return full.strip() or self.username

    @property
    def greeting_first_name(self) -> str:
        return readable_name(self.first_name)


class SecurityPolicy(models.Model):
    """How staff sign in, set by an administrator (one row, pk 1): which staff roles must
    have a second factor (an authenticator app or a passkey) before working.
    ``comptoir.accounts.mfa_policy`` reads it; the desk's security page changes it."""

    SINGLETON_PK = 1

    mfa_for_agents = models.BooleanField(_("agents must use two-factor authentication"), default=False)
    mfa_for_supervisors = models.BooleanField(
        _("supervisors must use two-factor authentication"), default=False
    )
    mfa_for_admins = models.BooleanField(
        _("administrators must use two-factor authentication"), default=False
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sign-in security")
        verbose_name_plural = _("sign-in security")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="security_policy_singleton")]

    def __str__(self) -> str:
        return str(_("Sign-in security"))

    @property
    def roles_requiring_mfa(self) -> frozenset[str]:
        flags = {
            User.Role.AGENT: self.mfa_for_agents,
            User.Role.SUPERVISOR: self.mfa_for_supervisors,
            User.Role.ADMIN: self.mfa_for_admins,
        }
        return frozenset(str(role) for role, required in flags.items() if required)


class SingleSignOn(models.Model):
    """An organisation's identity provider (OpenID Connect): people of its e-mail domains
    sign in through it. The protocol's settings (button name, server address, client id and
    secret) are django-allauth's ``SocialApp``; this row says whose provider it is and what
    it may do (``comptoir.accounts.sign_on``)."""

    class NewPersonRole(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        AGENT = "agent", _("Agent (the support team's own organisation)")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="single_sign_on",
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp",
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    new_person_role = models.CharField(
        _("role of new people"),
        max_length=16,
        choices=NewPersonRole,
        default=NewPersonRole.REQUESTER,
        help_text=_("Given to a person who signs in through the provider for the first time."),
    )
    passwords_allowed = models.BooleanField(
        _("passwords allowed too"),
        default=True,
        help_text=_(
            "Unticked: the organisation's people sign in through the provider only, never with a password."
        ),
    )
    show_button = models.BooleanField(
        _("button on the sign-in page"),
        default=False,
        help_text=_(
            "Ticked: anyone who opens the sign-in page sees this organisation's name on a button. "
            "Unticked: its people type their e-mail address and are sent to the provider."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-on")

    def __str__(self) -> str:
        return str(self.organisation)
