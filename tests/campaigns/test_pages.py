"""The desk's campaign pages: upload → mapping → report, templates with a preview, a notice
from the outage page, its progress and report, the end notice in one click."""

from __future__ import annotations

import re
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.campaigns.models import Campaign, ContactList, ListVersion, NoticeTemplate
from tests.campaigns.conftest import addresses, csv_of, import_csv


def test_upload_then_mapping_then_report(client, desk):
    client.force_login(desk.supervisor)
    answer = client.post(
        reverse("desk:contact_lists"),
        {"name": "Utilisateurs CFN", "product": desk.product.pk, "notices_to_unsubscribed": "on"},
    )
    contact_list = ContactList.objects.get(name="Utilisateurs CFN")
    assert answer.url == reverse("desk:contact_list", args=[contact_list.pk])

    data = (
        "Nom;Mail;Ville\nMarie;marie@exemple.fr;Lyon\nPaul;paul@;Paris\nMarie bis;MARIE@exemple.fr;Lyon\n"
    ).encode("cp1252")
    answer = client.post(
        reverse("desk:contact_list", args=[contact_list.pk]),
        {"step": "upload", "file": SimpleUploadedFile("export.csv", data, content_type="text/csv")},
    )
    version = ListVersion.objects.get()
    assert answer.url == reverse("desk:contact_import", args=[version.pk])
    page = client.get(answer.url).content.decode()
    assert 'data-testid="mapping-form"' in page
    assert "marie@exemple.fr" in page  # the sample

    answer = client.post(
        answer.url,
        {
            "step": "import",
            "delimiter": ";",
            "has_header": "on",
            "map_email": "1",
            "map_name": "0",
            "map_organisation": "",
            "map_language": "",
        },
    )
    report = client.get(answer.url).content.decode()
    version.refresh_from_db()
    assert (version.accepted, version.rejected) == (1, 2)
    assert 'data-testid="rejected">2<' in report
    assert "paul@" in report
    assert version.contacts.get().attributes == {"Ville": "Lyon"}


def test_agents_send_notices_but_do_not_manage_lists_and_requesters_see_nothing(client, desk, outage):
    client.force_login(desk.l1)
    assert client.get(reverse("desk:contact_lists")).status_code == 404
    assert client.get(reverse("desk:campaign_templates")).status_code == 404
    assert (
        client.get(f"{reverse('desk:campaign_new')}?outage={outage.pk}&kind=unavailability").status_code
        == 200
    )
    client.force_login(desk.requester)
    assert client.get(reverse("desk:campaigns")).status_code in {403, 404}


def test_template_preview_renders_an_outage(client, desk, outage):
    client.force_login(desk.supervisor)
    template = NoticeTemplate.objects.get(kind="unavailability", is_default=True)
    page = client.get(
        reverse("desk:campaign_template", args=[template.pk]), {"outage": outage.pk}
    ).content.decode()
    assert "Indisponibilité temporaire de Reconnect Pro" in page
    assert "Panne électrique dans le centre de données" in page
    answer = client.post(
        reverse("desk:campaign_template", args=[template.pk]),
        {
            "kind": "unavailability",
            "name": template.name,
            "subject_fr": "{{ servises }}",
            "body_fr": "x",
            "subject_en": "x",
            "body_en": "x",
        },
    )
    assert "servises" in answer.content.decode()  # refused: unknown placeholder
    template.refresh_from_db()
    assert template.subject_fr != "{{ servises }}"


def test_notice_from_the_outage_page_to_the_end_notice(
    client, desk, users_list, outage, smtp, django_capture_on_commit_callbacks
):
    emails = addresses(12)
    version = import_csv(desk.supervisor, users_list, csv_of(emails))
    client.force_login(desk.l1)
    outage_page = client.get(reverse("desk:outage", args=[outage.pk])).content.decode()
    assert 'data-testid="send-unavailability"' in outage_page

    new = client.get(
        f"{reverse('desk:campaign_new')}?outage={outage.pk}&kind=unavailability"
    ).content.decode()
    assert re.search(rf'value="{version.pk}"[^>]*checked', new)  # the product's latest list, chosen
    template = NoticeTemplate.objects.get(kind="unavailability", is_default=True)
    answer = client.post(
        reverse("desk:campaign_new"),
        {
            "outage": outage.pk,
            "kind": "unavailability",
            "template": template.pk,
            "language": "fr",
            "versions": [version.pk],
        },
    )
    campaign = Campaign.objects.get()
    assert answer.url == reverse("desk:campaign", args=[campaign.pk])
    page = client.get(answer.url).content.decode()
    assert "Indisponibilité temporaire de Reconnect Pro" in page  # the preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:campaign_action", args=[campaign.pk, "test"]))
    assert [r.rcpt_tos for r in smtp.received] == [[desk.l1.email]] * 2
    smtp.received.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:campaign_action", args=[campaign.pk, "send"]))
    assert Counter(r for m in smtp.received for r in m.rcpt_tos) == Counter(emails)
    progress = client.get(reverse("desk:campaign_progress", args=[campaign.pk])).content.decode()
    assert 'data-testid="count-sent">12<' in progress
    assert "hx-trigger" not in progress  # done: the page stops polling

    smtp.received.clear()
    outage_page = client.get(reverse("desk:outage", args=[outage.pk])).content.decode()
    assert 'data-testid="send-end"' in outage_page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("desk:campaign_end_notice", args=[outage.pk]))
    end = Campaign.objects.get(kind=NoticeTemplate.Kind.END)
    assert answer.url == reverse("desk:campaign", args=[end.pk])
    assert Counter(r for m in smtp.received for r in m.rcpt_tos) == Counter(emails)


def test_campaign_page_queries_do_not_grow_with_the_list(
    client, desk, users_list, outage, django_assert_max_num_queries
):
    from comptoir.campaigns import audiences, sending, services

    client.force_login(desk.supervisor)
    import_csv(desk.supervisor, users_list, csv_of(addresses(300)))
    template = services.default_template(NoticeTemplate.Kind.UNAVAILABILITY)
    campaign = services.create_campaign(
        by=desk.l1, template=template, outage=outage, versions=audiences.default_versions(outage)
    )
    services.start(campaign, by=desk.l1)
    sending.run(campaign_id=campaign.pk)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("desk:campaign", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("desk:campaign_progress", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("desk:campaigns")).status_code == 200
