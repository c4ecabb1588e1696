"""Issue #7, acceptance (the campaigns' part): declare an outage on a product → campaign to
the product's latest imported list, received by every address exactly once (a real SMTP
server) → resolve → the end notice received by the same recipients. The outage is
declared and resolved by ``comptoir.outages.services``; the campaigns are sent from the
desk pages, as an agent would."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import time_machine
from django.urls import reverse

from comptoir.campaigns.models import Campaign, NoticeTemplate
from comptoir.outages import services as outages
from tests.campaigns.conftest import T0, addresses, csv_of, import_csv


def received(smtp) -> Counter[str]:
    return Counter(rcpt for r in smtp.received for rcpt in r.rcpt_tos)


def test_declare_notice_resolve_end_notice_same_recipients_exactly_once(
    client, desk, service, users_list, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0 - timedelta(days=20), tick=False):
        import_csv(desk.supervisor, users_list, csv_of(addresses(15, domain="ancienne-liste.example")))
    emails = addresses(120)
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        latest = import_csv(desk.supervisor, users_list, csv_of(emails))

    with time_machine.travel(T0, tick=False):
        outage = outages.declare(
            by=desk.supervisor,
            title="Reconnect Pro inaccessible",
            kind="hosting",
            services=[service],
            message="Reconnect Pro est inaccessible. Nos équipes sont mobilisées.",
            cause="Panne du réseau chez l'hébergeur",
            host="OVHcloud",
        )
        client.force_login(desk.l1)
        form = client.get(f"{reverse('desk:campaign_new')}?outage={outage.pk}&kind=unavailability")
        assert f'value="{latest.pk}"' in form.content.decode()
        template = NoticeTemplate.objects.get(kind="unavailability", is_default=True)
        answer = client.post(
            reverse("desk:campaign_new"),
            {
                "outage": outage.pk,
                "kind": "unavailability",
                "template": template.pk,
                "language": "fr",
                "versions": [latest.pk],
            },
        )
        notice = Campaign.objects.get(outage=outage)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("desk:campaign_action", args=[notice.pk, "send"]))
    assert received(smtp) == Counter(emails)
    assert {m["Subject"] for m in smtp.messages} == {"Indisponibilité temporaire de Reconnect Pro"}
    assert "OVHcloud" in smtp.messages[0].get_body(("plain",)).get_content()

    smtp.received.clear()
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        outages.resolve(outage, by=desk.supervisor, message="Le service est rétabli.")
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(reverse("desk:campaign_end_notice", args=[outage.pk]))
    end = Campaign.objects.get(outage=outage, kind=NoticeTemplate.Kind.END)
    assert answer.url == reverse("desk:campaign", args=[end.pk])
    assert received(smtp) == Counter(emails)
    assert {m["Subject"] for m in smtp.messages} == {"Fin de l'indisponibilité de Reconnect Pro"}
    end.refresh_from_db()
    assert (end.state, end.total, end.follows_id) == (Campaign.State.DONE, 120, notice.pk)
