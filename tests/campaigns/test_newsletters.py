"""Procedure 000: newsletters to imported lists, with an unsubscribe link. An address that
unsubscribed never gets a newsletter again; outage notices follow the list's setting."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from comptoir.campaigns import audiences, imports, rendering, sending, services
from comptoir.campaigns.models import NoticeTemplate, Recipient, Unsubscription
from tests.campaigns.conftest import T0, addresses, csv_of, import_csv


def newsletter(desk, version):
    template = services.default_template(NoticeTemplate.Kind.NEWSLETTER)
    return services.create_campaign(by=desk.supervisor, template=template, versions=[version])


def send(campaign, by):
    services.start(campaign, by=by)
    sending.run(campaign_id=campaign.pk)


def test_newsletter_carries_one_click_unsubscribe_headers_and_link(desk, users_list, smtp):
    version = import_csv(desk.supervisor, users_list, csv_of(addresses(2)))
    campaign = newsletter(desk, version)
    send(campaign, desk.supervisor)
    mail = smtp.messages[0]
    url = mail["List-Unsubscribe"].strip().strip("<>")  # folded: a long header
    assert url.startswith("https://comptoir.example.org/newsletters/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail.get_body(("plain",)).get_content()
    assert f"Cet e-mail a été envoyé à {mail['To']}" in mail.get_body(("plain",)).get_content()


def test_unsubscribe_page_needs_no_sign_in_and_a_get_changes_nothing(client, desk, users_list, smtp):
    version = import_csv(desk.supervisor, users_list, csv_of(addresses(3)))
    campaign = newsletter(desk, version)
    send(campaign, desk.supervisor)
    victim = addresses(3)[0]
    token = rendering.unsubscribe_token(email=victim, campaign_id=campaign.pk)
    path = reverse("campaigns:unsubscribe", args=[token])

    page = client.get(path)
    assert page.status_code == 200
    assert victim in page.content.decode()
    assert not Unsubscription.objects.exists()  # link scanners follow links: a GET unsubscribes nobody

    # The mail client's one-click POST (RFC 8058): no CSRF token, no session.
    answer = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert Unsubscription.objects.get().key == victim
    assert client.get(reverse("campaigns:unsubscribe", args=[token[:-3] + "abc"])).status_code == 404

    smtp.received.clear()
    send(newsletter(desk, version), desk.supervisor)
    assert victim not in {r for m in smtp.received for r in m.rcpt_tos}
    assert len(smtp.received) == 2


def test_unsubscribed_during_a_campaign_is_skipped_at_the_next_batch(desk, users_list, smtp, settings):
    settings.COMPTOIR_CAMPAIGN_BATCH = 2
    settings.COMPTOIR_CAMPAIGN_RATE = 2
    emails = addresses(4)
    version = import_csv(desk.supervisor, users_list, csv_of(emails))
    campaign = newsletter(desk, version)
    with time_machine.travel(T0, tick=False) as clock:
        services.start(campaign, by=desk.supervisor)
        sending.run(campaign_id=campaign.pk)  # two mails, then a minute's wait (2 a minute)
        services.unsubscribe(token=rendering.unsubscribe_token(email=emails[3], campaign_id=campaign.pk))
        clock.shift(timedelta(minutes=1))
        sending.run(campaign_id=campaign.pk)
    assert campaign.recipients.get(email=emails[3]).state == Recipient.State.UNSUBSCRIBED
    assert Counter(r for m in smtp.received for r in m.rcpt_tos) == Counter(emails[:3])


@pytest.mark.parametrize("notices_to_unsubscribed", [True, False])
def test_outage_notices_follow_the_lists_setting(desk, users_list, outage, smtp, notices_to_unsubscribed):
    imports.update_list(
        users_list, by=desk.supervisor, product=desk.product, notices_to_unsubscribed=notices_to_unsubscribed
    )
    emails = addresses(3)
    import_csv(desk.supervisor, users_list, csv_of(emails))
    Unsubscription.objects.create(key=emails[0], at=outage.started_at)
    template = services.default_template(NoticeTemplate.Kind.UNAVAILABILITY)
    campaign = services.create_campaign(
        by=desk.l1, template=template, outage=outage, versions=audiences.default_versions(outage)
    )
    send(campaign, desk.l1)
    received = {r for m in smtp.received for r in m.rcpt_tos}
    assert (emails[0] in received) is notices_to_unsubscribed
    assert set(emails[1:]) <= received
