"""Procedure 004 on top of the ``desk`` personas: two products shown on the status page
(the digital safe of the parish's product, and GestPro), an internal service the status page
does not list, and the team's Slack channel (a local HTTP receiver)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comptoir.outages import catalogue
from comptoir.outages.models import ChatChannel, Service
from tests.conftest import Desk
from tests.factories import ProductFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def fr(text: str) -> str:
    """``text`` as a French reader gets it (the English text while the French catalogue
    lacks it): tests hold both before and after the translations are merged."""
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext(text)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _fresh_ongoing_outages() -> Iterator[None]:
    """The outages under way are cached per process; each test starts afresh."""
    catalogue.reset()
    yield
    catalogue.reset()


@dataclass
class Services:
    sites: Service
    gestpro: Service
    internal: Service


@pytest.fixture
def svc(desk: Desk) -> Services:
    return Services(
        sites=Service.objects.create(name="Sites associés WordPress", product=desk.product, position=1),
        gestpro=Service.objects.create(name="GestPro", product=desk.other_product, position=2),
        internal=Service.objects.create(
            name="Sauvegardes", product=ProductFactory(name="Sauvegardes"), is_public=False, position=3
        ),
    )


@pytest.fixture
def slack(http_receiver) -> ChatChannel:  # type: ignore[no-untyped-def]
    return ChatChannel.objects.create(
        name="#général",
        kind=ChatChannel.Kind.SLACK,
        url=http_receiver.url + "/hooks/slack",
        mention_channel=True,
    )
