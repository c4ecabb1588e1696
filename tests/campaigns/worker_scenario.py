"""Steps of the real-consumer test, each run as its own process against the test's own
database (``python -m tests.campaigns.worker_scenario setup 200`` …)."""

from __future__ import annotations

import json
import sys

import django


def setup(count: int) -> None:
    from comptoir.accounts.models import User
    from comptoir.campaigns import imports, services
    from comptoir.campaigns.models import NoticeTemplate
    from comptoir.catalog.models import Product

    supervisor = User.objects.create(
        username="superviseur", role=User.Role.SUPERVISOR, email="sup@example.org"
    )
    product = Product.objects.create(name="Reconnect Pro")
    contact_list = imports.create_list(by=supervisor, name="Utilisateurs RP", product=product)
    data = "email;nom\n" + "".join(f"usager{i:05d}@example.net;Usager {i}\n" for i in range(count))
    version = imports.upload(contact_list=contact_list, by=supervisor, filename="rp.csv", data=data.encode())
    version = imports.run_import(
        version,
        by=supervisor,
        mapping=version.mapping,
        has_header=version.has_header,
        delimiter=version.delimiter,
    )
    template = services.default_template(NoticeTemplate.Kind.NEWSLETTER)
    campaign = services.create_campaign(by=supervisor, template=template, versions=[version])
    # Outside a transaction the kick is enqueued at once, into the consumer's queue.
    services.start(campaign, by=supervisor)
    print(json.dumps({"campaign": campaign.pk}))


def kick(campaign_id: int) -> None:
    from comptoir.campaigns.tasks import send_campaign

    send_campaign(campaign_id)


def report(campaign_id: int) -> None:
    from django.db.models import Count

    from comptoir.campaigns.models import Campaign, Recipient

    campaign = Campaign.objects.get(pk=campaign_id)
    states = dict(
        Recipient.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("pk")).order_by()
    )
    print(json.dumps({"state": campaign.state, "recipients": states}))


if __name__ == "__main__":
    django.setup()
    step, argument = sys.argv[1], int(sys.argv[2])
    {"setup": setup, "kick": kick, "report": report}[step](argument)
