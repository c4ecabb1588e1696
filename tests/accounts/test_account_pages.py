"""Procedure 000: "account management (creation, deletion) is available to each
administrator; the mail is sent to the address of the person you create the account for;
it is up to the site administrator to manage access rights". An organisation admin never
sees nor changes another organisation's accounts or the team's, and never makes anyone
staff."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from comptoir.accounts import services
from comptoir.accounts.models import Organisation, User
from comptoir.core import outbox
from comptoir.core.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import UserFactory
from tests.pages import by_testid, flashes


def create(client, **data):
    form = {"first_name": "Hélène", "last_name": "Lefèvre", "email": "helene.lefevre@paroisse.example"}
    form["org_role"] = "editor"
    form.update(data)
    return client.post("/portal/accounts/new/", form)


def test_an_organisation_admin_creates_an_account_and_the_person_chooses_a_password(desk, client):
    client.force_login(desk.site_owner)

    response = create(client)

    assert response.status_code == 302
    user = User.objects.get(email="helene.lefevre@paroisse.example")
    assert (user.username, user.organisation, user.role, user.org_role) == (
        "helenelefevre",
        desk.parish,
        "requester",
        "editor",
    )
    assert not user.has_usable_password()
    outbox.deliver_due()
    [invitation] = mail.outbox
    assert invitation.to == ["helene.lefevre@paroisse.example"]
    assert "helenelefevre" in invitation.body
    link = re.search(r"\S+/portal/welcome/\S+/", invitation.body)[0]
    path = link.removeprefix(settings.COMPTOIR_BASE_URL)
    token = path.rstrip("/").rsplit("/", 1)[-1]

    client.logout()
    form_page = client.get(path, follow=True)
    assert by_testid(form_page.content, "set-password")
    # The token leaves the address bar at once (no Referer, no history carries it).
    assert form_page.redirect_chain[-1][0].endswith("/set-password/")
    assert token not in form_page.redirect_chain[-1][0]
    chosen = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Prière-du-soir-2026", "new_password2": "Prière-du-soir-2026"},
    )
    assert chosen.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Prière-du-soir-2026")
    assert client.get("/portal/").status_code == 200  # signed in

    client.logout()
    reused = client.get(path, follow=True)
    assert by_testid(reused.content, "invalid-link")


def test_a_second_person_with_the_same_name_gets_the_next_login(desk, client):
    client.force_login(desk.site_owner)
    create(client)
    create(client, email="h.lefevre@paroisse.example")
    assert sorted(
        User.objects.filter(email__endswith="lefevre@paroisse.example").values_list("username", flat=True)
    ) == [
        "helenelefevre",
        "helenelefevre2",
    ]


def test_the_organisation_naming_rule_applies(desk, client):
    Organisation.objects.filter(pk=desk.parish.pk).update(login_rule="first.last")
    client.force_login(desk.site_owner)
    create(client)
    assert User.objects.filter(username="helene.lefevre").exists()
    preview = client.get("/portal/accounts/login/", {"first_name": "Zoë", "last_name": "Ñúñez"})
    assert b"zoe.nunez" in preview.content


@pytest.mark.parametrize(
    ("email", "why"),
    [("pierremartin@example.org", "déjà"), ("contact@paroisse.example", "adresse partagée")],
)
def test_one_personal_account_per_person(desk, client, email, why):
    client.force_login(desk.site_owner)
    with pytest.raises(ValidationError, match=why):
        services.invite_user(
            by=desk.site_owner, first_name="Pierre", last_name="Martin", email=email, org_role="editor"
        )

    response = create(client, email=email.upper())

    assert response.status_code == 200
    assert by_testid(response.content, "account-list") == []
    assert User.objects.filter(email__iexact=email).count() == (1 if why == "déjà" else 0)


def test_the_list_shows_the_organisation_accounts_only(desk, client):
    client.force_login(desk.site_owner)

    page = client.get("/portal/accounts/")

    logins = {row.attrs["data-login"] for row in by_testid(page.content, "account-row")}
    assert logins == {"pierremartin", "mariedupont"}


def test_another_organisation_or_the_team_answers_404(desk, client):
    client.force_login(desk.site_owner)
    for account in (desk.neighbour, desk.l1, desk.supervisor):
        for action in ("deactivate", "role"):
            response = client.post(f"/portal/accounts/{account.pk}/{action}/", {"org_role": "owner"})
            assert response.status_code == 404
        account.refresh_from_db()
        assert account.is_active
    with pytest.raises(NotFound):
        services.deactivate_user(desk.neighbour, by=desk.site_owner)


def test_only_organisation_admins_manage_accounts(desk, client):
    client.force_login(desk.requester)
    assert client.get("/portal/accounts/").status_code == 404
    assert client.post(f"/portal/accounts/{desk.site_owner.pk}/deactivate/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.invite_user(
            by=desk.requester, first_name="A", last_name="B", email="a.b@paroisse.example", org_role="owner"
        )


def test_no_one_is_made_staff(desk, client):
    client.force_login(desk.site_owner)
    create(client, org_role="agent")
    assert not User.objects.filter(email="helene.lefevre@paroisse.example").exists()
    response = client.post(
        f"/portal/accounts/{desk.requester.pk}/role/", {"org_role": "supervisor"}, follow=True
    )
    assert flashes(response.content)[0][0] == "danger"
    desk.requester.refresh_from_db()
    assert (desk.requester.role, desk.requester.org_role) == ("requester", "")


def test_the_admin_deactivates_reactivates_and_sets_roles(desk, client):
    client.force_login(desk.site_owner)

    client.post(f"/portal/accounts/{desk.requester.pk}/role/", {"org_role": "owner"})
    client.post(f"/portal/accounts/{desk.requester.pk}/deactivate/")
    desk.requester.refresh_from_db()
    assert (desk.requester.org_role, desk.requester.is_active) == ("owner", False)
    row = next(
        r
        for r in by_testid(client.get("/portal/accounts/").content, "account-row")
        if r.attrs["data-login"] == "pierremartin"
    )
    assert (row.attrs["data-active"], row.attrs["data-role"]) == ("0", "owner")

    response = client.post(f"/portal/accounts/{desk.requester.pk}/reactivate/", follow=True)
    assert flashes(response.content)[0][0] == "success"
    desk.requester.refresh_from_db()
    assert desk.requester.is_active

    own = client.post(f"/portal/accounts/{desk.site_owner.pk}/deactivate/", follow=True)
    assert flashes(own.content)[0][0] == "danger"
    desk.site_owner.refresh_from_db()
    assert desk.site_owner.is_active


def test_the_role_decides_who_may_open_requests(desk, client):
    Organisation.objects.filter(pk=desk.parish.pk).update(eligible_roles=["owner", "editor"])
    client.force_login(desk.site_owner)
    client.post(f"/portal/accounts/{desk.requester.pk}/role/", {"org_role": "reader"})
    client.force_login(desk.requester)
    assert by_testid(client.get("/portal/new/").content, "not-eligible")

    client.force_login(desk.site_owner)
    client.post(f"/portal/accounts/{desk.requester.pk}/role/", {"org_role": "editor"})
    client.force_login(desk.requester)
    assert not by_testid(client.get("/portal/new/").content, "not-eligible")


def test_the_account_list_runs_the_same_queries_for_2_accounts_as_for_60(
    desk, client, django_assert_num_queries
):
    client.force_login(desk.site_owner)
    client.get("/portal/accounts/")
    # session, user; the organisation (its name heads the page), the accounts
    with django_assert_num_queries(4):
        client.get("/portal/accounts/")
    for i in range(60):
        UserFactory(username=f"paroissien{i}", organisation=desk.parish)
    with django_assert_num_queries(4):
        page = client.get("/portal/accounts/")
    assert len(by_testid(page.content, "account-row")) == 50
