"""The configuration area: its index, the service levels screen and its simulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from comptoir.core.models import ConfigChange
from comptoir.sla.models import SLAPolicy, SLATarget


def signed_in(user, language: str = "fr") -> Client:  # type: ignore[no-untyped-def]
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


FORM = {
    "name": "Priorités (procédure 003)",
    "is_active": "on",
    "priorities": ["urgent"],
    "target_resolution": "4 h ouvrées",
    "target_first_response": "",
}


def test_the_index_lists_the_screens_and_the_latest_changes(desk):
    admin = signed_in(desk.admin)
    html = admin.get("/desk/settings/").content.decode()
    assert "Niveaux de service" in html
    assert 'href="/desk/settings/security/"' in html
    assert admin.post("/desk/settings/service-levels/new/", FORM).status_code == 302
    html = admin.get("/desk/settings/").content.decode()
    assert "Priorités (procédure 003)" in html
    assert "Résolution : 4 h ouvrées" in html
    assert "Urgente" in html
    assert "urgent" not in html.replace("Urgente", "")


def test_an_administrator_sets_a_target_as_said_and_reads_it_back(desk):
    admin = signed_in(desk.admin)
    page = admin.get("/desk/settings/service-levels/new/").content.decode()
    assert "Urgente" in page  # labels, never codes
    assert 'value="urgent"' in page
    assert "Mairie de Villeneuve" in page
    assert "Le calendrier de l&#x27;organisation" in page
    response = admin.post("/desk/settings/service-levels/new/", {**FORM, "target_resolution": "40 h"})
    assert response.status_code == 302
    policy = SLAPolicy.objects.get()
    assert policy.priorities == ["urgent"]
    assert SLATarget.objects.get(policy=policy).duration == timedelta(hours=40)
    listing = admin.get("/desk/settings/service-levels/").content.decode()
    assert "40 h ouvrées" in listing
    assert "1 16:00:00" not in listing
    edit = admin.get(f"/desk/settings/service-levels/{policy.pk}/").content.decode()
    assert 'value="40 h ouvrées"' in edit
    english = signed_in(desk.admin, "en").get("/desk/settings/service-levels/").content.decode()
    assert "40 business hours" in english
    assert "Service levels" in english


def test_an_unreadable_or_zero_target_is_refused_in_the_users_words(desk):
    admin = signed_in(desk.admin)
    page = admin.post("/desk/settings/service-levels/new/", {**FORM, "target_resolution": "0 h"})
    assert page.status_code == 200
    assert "zéro" in page.content.decode()
    english = signed_in(desk.admin, "en").post(
        "/desk/settings/service-levels/new/", {**FORM, "target_resolution": "soon"}
    )
    assert "cannot be read" in english.content.decode()
    assert not SLAPolicy.objects.exists()
    assert not ConfigChange.objects.exists()


def test_the_target_is_checked_as_it_is_typed(desk):
    admin = signed_in(desk.admin)
    ok = admin.get(
        "/desk/settings/service-levels/check/", {"target_resolution": "2 j"}, HTTP_HX_REQUEST="true"
    )
    assert "2 jours ouvrés" in ok.content.decode()
    bad = admin.get(
        "/desk/settings/service-levels/check/", {"target_resolution": "0 min"}, HTTP_HX_REQUEST="true"
    )
    assert "zéro" in bad.content.decode()


def test_arrows_reorder_and_the_simulator_shows_the_policy_and_its_due_time(desk):
    admin = signed_in(desk.admin, "en")
    admin.post(
        "/desk/settings/service-levels/new/",
        {"name": "Everything", "is_active": "on", "target_resolution": "64 h"},
    )
    admin.post("/desk/settings/service-levels/new/", FORM)
    urgent = SLAPolicy.objects.get(name=FORM["name"])
    assert (
        admin.post(f"/desk/settings/service-levels/{urgent.pk}/move/", {"direction": "up"}).status_code == 302
    )
    assert [p.name for p in SLAPolicy.objects.order_by("position")] == [FORM["name"], "Everything"]
    page = admin.get(
        "/desk/settings/service-levels/",
        {"type": "incident", "priority": "urgent", "severity": "normal", "arrival": "2026-12-07T09:00"},
    ).content.decode()
    assert "Service level applied: <strong>Priorités (procédure 003)</strong>" in page
    assert "4 business hours" in page


@pytest.mark.parametrize("who", ["l1", "requester"])
def test_only_staff_who_configure_open_the_area(desk, who):
    client = signed_in(getattr(desk, who))
    assert client.get("/desk/settings/").status_code in {403, 302}
    assert client.get("/desk/settings/service-levels/").status_code in {403, 302}


def test_a_supervisor_reads_but_cannot_change(desk):
    supervisor = signed_in(desk.supervisor)
    assert supervisor.get("/desk/settings/").status_code == 200
    page = supervisor.get("/desk/settings/service-levels/")
    assert page.status_code == 200
    assert "Nouveau niveau de service" not in page.content.decode()
    assert supervisor.post("/desk/settings/service-levels/new/", FORM).status_code == 403
    assert not SLAPolicy.objects.exists()


def test_changes_need_the_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/desk/settings/service-levels/new/", FORM).status_code == 403
    assert not SLAPolicy.objects.exists()
