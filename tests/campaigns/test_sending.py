"""Procedure 004, step 2: the unavailability campaign to the product's latest list, each
address once, in batches at the configured rate, surviving a crash mid-campaign."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from comptoir.campaigns import audiences, sending, services
from comptoir.campaigns.delivery import DjangoMailer
from comptoir.campaigns.models import Campaign, NoticeTemplate, Recipient
from comptoir.core import outbox
from tests.campaigns.conftest import T0, addresses, csv_of, import_csv


class Crash(BaseException):
    """The consumer dies (not an error it could catch and record)."""


class CrashingMailer(DjangoMailer):
    """Dies after ``limit`` mails, like a consumer killed in the middle of a campaign."""

    limit = 0
    count = 0

    def send(self, message):
        if CrashingMailer.count >= CrashingMailer.limit:
            raise Crash
        super().send(message)
        CrashingMailer.count += 1


def received_by(smtp) -> Counter[str]:
    return Counter(rcpt for r in smtp.received for rcpt in r.rcpt_tos)


def notice(desk, outage, **kwargs) -> Campaign:
    template = services.default_template(NoticeTemplate.Kind.UNAVAILABILITY)
    return services.create_campaign(
        by=desk.l1, template=template, outage=outage, versions=audiences.default_versions(outage), **kwargs
    )


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_unavailability_notice_reaches_every_address_of_the_latest_list_once(
    desk, users_list, outage, smtp, clock, django_capture_on_commit_callbacks
):
    """Any agent (procedure 004: "not only the tech team") sends it in a few clicks."""
    import_csv(desk.supervisor, users_list, csv_of(addresses(30, domain="old.example")))
    clock.shift(timedelta(days=30))
    emails = addresses(250)
    import_csv(desk.supervisor, users_list, csv_of(emails))
    campaign = notice(desk, outage)
    with django_capture_on_commit_callbacks(execute=True):
        services.start(campaign, by=desk.l1)

    assert received_by(smtp) == Counter(emails)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DONE
    assert campaign.total == 250
    assert set(campaign.recipients.values_list("state", flat=True)) == {Recipient.State.SENT}
    mail = smtp.messages[0]
    assert mail["Subject"] == "Indisponibilité temporaire de Reconnect Pro"
    body = mail.get_body(("plain",)).get_content()
    assert "indisponible depuis le mardi 2 juin 2026 à 10h30" in body  # in Paris
    assert "Nature de l'incident : " in body
    assert "Origine de l'incident : Panne électrique dans le centre de données" in body
    assert "OVHcloud" in body
    assert mail["Message-ID"].startswith(f"<campaign.{campaign.pk}.")
    assert mail["List-Unsubscribe"] is None  # a service notice, not a newsletter


def test_without_the_technical_team_the_notice_gives_only_the_time(desk, users_list, outage, smtp, clock):
    """Procedure 004: "indicate only the time and remove the justifications"."""
    outage.cause, outage.host = "", ""
    outage.save()
    import_csv(desk.supervisor, users_list, csv_of(addresses(1)))
    campaign = notice(desk, outage)
    services.start(campaign, by=desk.l1)
    sending.run(campaign_id=campaign.pk)
    body = smtp.messages[0].get_body(("plain",)).get_content()
    assert "Origine" not in body
    assert "hébergeur" not in body
    assert "mardi 2 juin 2026 à 10h30" in body


def test_rate_limit_sends_in_batches_spread_over_time(desk, users_list, outage, smtp, clock, settings):
    settings.COMPTOIR_CAMPAIGN_RATE = 60  # one a second
    settings.COMPTOIR_CAMPAIGN_BATCH = 20
    import_csv(desk.supervisor, users_list, csv_of(addresses(50)))
    campaign = notice(desk, outage)
    services.start(campaign, by=desk.l1)

    assert sending.run(campaign_id=campaign.pk) == T0 + timedelta(seconds=20)
    assert len(smtp.received) == 20
    assert sending.run(campaign_id=campaign.pk) == T0 + timedelta(seconds=20)  # not due yet: nothing sent
    assert len(smtp.received) == 20
    clock.shift(timedelta(seconds=20))
    sending.run(campaign_id=campaign.pk)
    assert len(smtp.received) == 40
    clock.shift(timedelta(seconds=20))
    assert sending.run(campaign_id=campaign.pk) is None
    assert len(smtp.received) == 50
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DONE


def test_consumer_killed_mid_campaign_then_run_again_sends_each_remaining_mail_once(
    desk, users_list, outage, smtp, clock, settings
):
    """Issue #7: kill the consumer in the middle of a campaign and start it again."""
    settings.COMPTOIR_CAMPAIGN_MAILER = "tests.campaigns.test_sending.CrashingMailer"
    settings.COMPTOIR_CAMPAIGN_BATCH = 50
    emails = addresses(120)
    import_csv(desk.supervisor, users_list, csv_of(emails))
    campaign = notice(desk, outage)
    services.start(campaign, by=desk.l1)
    CrashingMailer.count, CrashingMailer.limit = 0, 37
    with pytest.raises(Crash):
        sending.run(campaign_id=campaign.pk)
    assert len(smtp.received) == 37

    CrashingMailer.limit = 10**6
    # Started again at once: the dead consumer's batch is still claimed, nothing goes twice.
    assert sending.run(campaign_id=campaign.pk) == T0 + sending.lease()
    assert len(smtp.received) == 37
    # Once its claim has lapsed, the sweep resumes the campaign.
    clock.shift(sending.lease() + timedelta(seconds=1))
    from comptoir.campaigns.tasks import sweep_campaigns

    sweep_campaigns.call_local()
    assert received_by(smtp) == Counter(emails)
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DONE


def test_refused_addresses_bounce_and_busy_servers_are_retried(desk, users_list, outage, smtp, clock):
    emails = addresses(5)
    smtp.refuse[emails[1]] = "550 5.1.1 Mailbox unknown"
    smtp.refuse[emails[2]] = "451 4.3.0 Try again later"
    import_csv(desk.supervisor, users_list, csv_of(emails))
    campaign = notice(desk, outage)
    services.start(campaign, by=desk.l1)
    next_at = sending.run(campaign_id=campaign.pk)
    states = dict(campaign.recipients.values_list("email", "state"))
    assert states[emails[1]] == Recipient.State.BOUNCED
    assert states[emails[2]] == Recipient.State.QUEUED
    assert next_at == T0 + outbox.backoff(1)

    del smtp.refuse[emails[2]]
    clock.move_to(next_at)
    assert sending.run(campaign_id=campaign.pk) is None
    retried = campaign.recipients.get(email=emails[2])
    assert (retried.state, retried.attempts) == (Recipient.State.SENT, 2)
    assert received_by(smtp) == Counter(e for e in emails if e != emails[1])


def test_end_notice_goes_to_exactly_the_same_recipients_in_one_click(desk, users_list, outage, smtp, clock):
    """Procedure 004, step 3: "duplicate the campaign… use the same list"."""
    emails = addresses(40)
    smtp.refuse[emails[0]] = "550 5.1.1 Mailbox unknown"
    import_csv(desk.supervisor, users_list, csv_of(emails))
    campaign = notice(desk, outage)
    services.start(campaign, by=desk.l1)
    sending.run(campaign_id=campaign.pk)
    # A newer list arrives meanwhile: the end notice still goes to those who were told.
    clock.shift(timedelta(hours=1))
    import_csv(desk.supervisor, users_list, csv_of(addresses(5, domain="nouveaux.example")))
    outage.resolved_at = T0 + timedelta(hours=2)
    outage.save()
    smtp.received.clear()

    end = services.send_end_notice(outage=outage, by=desk.l2)
    assert services.send_end_notice(outage=outage, by=desk.l2) == end  # a second click
    sending.run(campaign_id=end.pk)

    assert received_by(smtp) == Counter(emails[1:])  # the bounced address is not tried again
    assert smtp.messages[0]["Subject"] == "Fin de l'indisponibilité de Reconnect Pro"
    assert "est désormais résolu" in smtp.messages[0].get_body(("plain",)).get_content()
    assert end.follows == campaign


def test_send_a_test_to_myself(desk, users_list, outage, smtp, clock):
    import_csv(desk.supervisor, users_list, csv_of(addresses(3)))
    campaign = notice(desk, outage)
    campaign.subject_fr = "Indisponibilité de {{ services }} ({{ incident_type }})"
    campaign.save()
    services.send_test(campaign, to=desk.l1)
    outbox.deliver_due()
    assert [r.rcpt_tos for r in smtp.received] == [[desk.l1.email], [desk.l1.email]]
    french, english = sorted(m["Subject"] for m in smtp.messages)
    assert french.startswith("[Test] Indisponibilité de Reconnect Pro (")
    assert english == "[Test] Reconnect Pro is temporarily unavailable"
    assert Recipient.objects.count() == 0
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DRAFT


def test_scheduled_campaign_starts_at_its_time(desk, users_list, outage, smtp, clock):
    import_csv(desk.supervisor, users_list, csv_of(addresses(3)))
    campaign = notice(desk, outage)
    services.schedule(campaign, by=desk.l1, at=T0 + timedelta(hours=1))
    from comptoir.campaigns.tasks import sweep_campaigns

    sweep_campaigns.call_local()
    assert smtp.received == []
    clock.shift(timedelta(hours=1))
    sweep_campaigns.call_local()
    assert len(smtp.received) == 3


def test_segments_requesters_of_an_organisation_and_users_of_a_product(desk, smtp, clock):
    desk.open(requester=desk.neighbour, product=desk.product)
    template = services.default_template(NoticeTemplate.Kind.NEWSLETTER)
    campaign = services.create_campaign(
        by=desk.supervisor, template=template, organisations=[desk.parish], products=[desk.product]
    )
    services.start(campaign, by=desk.supervisor)
    sending.run(campaign_id=campaign.pk)
    assert set(received_by(smtp)) == {desk.requester.email, desk.site_owner.email, desk.neighbour.email}
    english = next(m for m in smtp.messages if m["To"] == desk.neighbour.email)
    assert english["Subject"] == "What's new in our tools"
