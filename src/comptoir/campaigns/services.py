"""Campaign services: create, edit, test, send now or later, the end notice in one click,
unsubscribe. Views, tasks and the outage page call these; the sending itself is
``campaigns.sending``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.campaigns import placeholders, rendering
from comptoir.campaigns.models import (
    AudienceSource,
    Campaign,
    ListVersion,
    NoticeTemplate,
    Unsubscription,
)
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError

if TYPE_CHECKING:
    from comptoir.accounts.models import Organisation, User
    from comptoir.catalog.models import Product
    from comptoir.outages.models import Outage

EDITABLE = {Campaign.State.DRAFT, Campaign.State.SCHEDULED}


def check_can_manage(user: User) -> None:
    """Lists, templates and newsletters: supervisors and administrators."""
    if not (user.is_authenticated and user.sees_everything):
        raise PermissionDenied(
            _("Only supervisors and administrators manage lists, templates and newsletters.")
        )


def check_can_send(user: User, *, kind: str) -> None:
    """Procedure 004 is for anyone on the team: every agent may send an outage notice;
    newsletters are for supervisors and administrators."""
    if kind == NoticeTemplate.Kind.NEWSLETTER:
        check_can_manage(user)
    elif not (user.is_authenticated and user.is_staff_member):
        raise PermissionDenied(_("Only the support team sends notices."))


def check_text(*, subject: str, body: str) -> None:
    """Every placeholder must be one a value fills; sections must nest."""
    try:
        unknown = placeholders.unknown_names(subject + "\n" + body, rendering.KNOWN_NAMES)
    except placeholders.TemplateSyntaxError as exc:
        raise ValidationError(_("A section is not closed properly: %(error)s") % {"error": exc}) from None
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(names)s.") % {"names": ", ".join(f"{{{{ {n} }}}}" for n in unknown)}
        )


def save_template(
    template: NoticeTemplate | None,
    *,
    by: User,
    kind: str,
    name: str,
    subject_fr: str,
    body_fr: str,
    subject_en: str,
    body_en: str,
) -> NoticeTemplate:
    check_can_manage(by)
    for subject, body in ((subject_fr, body_fr), (subject_en, body_en)):
        check_text(subject=subject, body=body)
    template = template or NoticeTemplate()
    template.kind, template.name = kind, name
    template.subject_fr, template.body_fr, template.subject_en, template.body_en = (
        subject_fr,
        body_fr,
        subject_en,
        body_en,
    )
    template.updated_at = clock_now()
    template.save()
    return template


def default_template(kind: str) -> NoticeTemplate | None:
    return NoticeTemplate.objects.filter(kind=kind).order_by("-is_default", "pk").first()


@transaction.atomic
def create_campaign(
    *,
    by: User,
    template: NoticeTemplate,
    name: str = "",
    outage: Outage | None = None,
    versions: Iterable[ListVersion] = (),
    organisations: Iterable[Organisation] = (),
    products: Iterable[Product] = (),
    follows: Campaign | None = None,
    language: str = "fr",
) -> Campaign:
    """A draft campaign: the template's text copied (then editable), its audience sources."""
    check_can_send(by, kind=template.kind)
    at = clock_now()
    if not name:
        name = template.name if outage is None else f"{template.name} — {outage.title}"
    campaign = Campaign.objects.create(
        name=name[:200],
        kind=template.kind,
        template=template,
        outage=outage,
        follows=follows,
        language=language,
        subject_fr=template.subject_fr,
        body_fr=template.body_fr,
        subject_en=template.subject_en,
        body_en=template.body_en,
        created_at=at,
        created_by=by,
    )
    sources = [
        AudienceSource(campaign=campaign, kind=AudienceSource.Kind.LIST_VERSION, version=v) for v in versions
    ]
    sources += [
        AudienceSource(campaign=campaign, kind=AudienceSource.Kind.ORGANISATION, organisation=o)
        for o in organisations
    ]
    sources += [
        AudienceSource(campaign=campaign, kind=AudienceSource.Kind.PRODUCT_USERS, product=p) for p in products
    ]
    if follows is not None:
        sources.append(AudienceSource(campaign=campaign, kind=AudienceSource.Kind.CAMPAIGN, previous=follows))
    AudienceSource.objects.bulk_create(sources)
    return campaign


def _check_editable(campaign: Campaign) -> None:
    if campaign.state not in EDITABLE:
        raise InvalidTransition(_("This campaign has started: its text can no longer change."))


def edit_campaign(
    campaign: Campaign,
    *,
    by: User,
    name: str,
    language: str,
    subject_fr: str,
    body_fr: str,
    subject_en: str,
    body_en: str,
) -> Campaign:
    """Procedure 004: edit the time, the incident type and the cause before sending."""
    check_can_send(by, kind=campaign.kind)
    _check_editable(campaign)
    for subject, body in ((subject_fr, body_fr), (subject_en, body_en)):
        check_text(subject=subject, body=body)
    campaign.name, campaign.language = name, language
    campaign.subject_fr, campaign.body_fr, campaign.subject_en, campaign.body_en = (
        subject_fr,
        body_fr,
        subject_en,
        body_en,
    )
    campaign.save(update_fields=["name", "language", "subject_fr", "body_fr", "subject_en", "body_en"])
    return campaign


def preview(campaign: Campaign, *, language: str, email: str = "", name: str = "") -> rendering.Mail:
    """The mail as a recipient would read it, with the outage's current details."""
    values = rendering.frozen_values(campaign.outage) if campaign.state in EDITABLE else None
    return rendering.compose(
        campaign, email=email or "contact@example.org", name=name, language=language, outage=values
    )


@transaction.atomic
def send_test(campaign: Campaign, *, to: User) -> list[Any]:
    """ "Send a test to myself": the mail in both languages to the agent, through the
    outbox, subject marked [Test]."""
    check_can_send(to, kind=campaign.kind)
    if not to.email:
        raise ValidationError(_("Your account has no e-mail address."))
    at = clock_now()
    rows = []
    for language in ("fr", "en"):
        mail = preview(campaign, language=language, email=to.email, name=to.display_name)
        mail.subject = "[Test] " + mail.subject
        rows.append(outbox.build("mail", mail.payload(), at=at))
    return outbox.enqueue(rows)


def _check_startable(campaign: Campaign, by: User) -> None:
    check_can_send(by, kind=campaign.kind)
    _check_editable(campaign)
    if not campaign.sources.exists():
        raise ValidationError(_("Choose who receives this campaign first."))


def begin_sending(campaign: Campaign, *, at: datetime) -> None:
    """The outage's details are read now (they go out as they are at this time); the
    worker writes the recipients and sends. Kicked after commit."""
    campaign.values = rendering.frozen_values(campaign.outage)
    campaign.state, campaign.started_at, campaign.next_batch_at = Campaign.State.SENDING, at, at
    campaign.save(update_fields=["values", "state", "started_at", "next_batch_at"])
    transaction.on_commit(lambda: _kick(campaign.pk), robust=True)


def _kick(campaign_id: int) -> None:
    from comptoir.campaigns.tasks import send_campaign

    send_campaign(campaign_id)


@transaction.atomic
def start(campaign: Campaign, *, by: User) -> Campaign:
    """Send now."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # two clicks start it once
    _check_startable(campaign, by)
    begin_sending(campaign, at=clock_now())
    return campaign


@transaction.atomic
def schedule(campaign: Campaign, *, by: User, at: datetime) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_startable(campaign, by)
    if at <= clock_now():
        raise ValidationError(_("Choose a time in the future, or send now."))
    campaign.state, campaign.send_at, campaign.next_batch_at = Campaign.State.SCHEDULED, at, at
    campaign.save(update_fields=["state", "send_at", "next_batch_at"])
    return campaign


@transaction.atomic
def cancel(campaign: Campaign, *, by: User) -> Campaign:
    """Stops a campaign: the mails not sent yet stay unsent."""
    check_can_send(by, kind=campaign.kind)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state not in {Campaign.State.DRAFT, Campaign.State.SCHEDULED, Campaign.State.SENDING}:
        raise InvalidTransition(_("This campaign is over."))
    campaign.state, campaign.next_batch_at, campaign.finished_at = Campaign.State.CANCELLED, None, clock_now()
    campaign.save(update_fields=["state", "next_batch_at", "finished_at"])
    return campaign


def notice_sent_for(outage: Outage) -> Campaign | None:
    """The unavailability notice sent for this outage (the latest one started)."""
    return (
        Campaign.objects.filter(
            outage=outage,
            kind=NoticeTemplate.Kind.UNAVAILABILITY,
            state__in=[Campaign.State.SENDING, Campaign.State.DONE],
        )
        .order_by("-started_at", "-pk")
        .first()
    )


@transaction.atomic
def send_end_notice(*, outage: Outage, by: User) -> Campaign:
    """Procedure 004, step 3: "End of unavailability" to exactly the recipients of the
    unavailability notice, in one click. A second click returns the same campaign."""
    check_can_send(by, kind=NoticeTemplate.Kind.END)
    original = notice_sent_for(outage)
    if original is None:
        raise NotFound(
            _("No unavailability notice was sent for this outage: choose the recipients of the end notice.")
        )
    existing = (
        Campaign.objects.select_for_update()
        .filter(follows=original, kind=NoticeTemplate.Kind.END)
        .exclude(state=Campaign.State.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing
    template = default_template(NoticeTemplate.Kind.END)
    if template is None:
        raise NotFound(_("There is no end-of-unavailability template."))
    campaign = create_campaign(
        by=by, template=template, outage=outage, follows=original, language=original.language
    )
    begin_sending(campaign, at=clock_now())
    return campaign


def unsubscribe(*, token: str) -> Unsubscription:
    """Procedure 000: one click, no sign-in; the signed link names the address. No
    newsletter reaches it again."""
    from django.core import signing

    try:
        email, campaign_id = rendering.read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    # The sender checks this table before each newsletter batch: queued mails to the
    # address are dropped there.
    row, _created = Unsubscription.objects.get_or_create(
        key=email, defaults={"at": clock_now(), "campaign": Campaign.objects.filter(pk=campaign_id).first()}
    )
    return row
