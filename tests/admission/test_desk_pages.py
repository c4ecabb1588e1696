"""The desk's list of held requests: constant queries, and files kept with the request."""

from __future__ import annotations

import pytest

from comptoir.accounts.models import Organisation, User
from comptoir.admission import services as admission
from comptoir.tickets.attachments import IncomingFile
from comptoir.tickets.new_request import NewRequest
from tests.pages import by_testid


def keep(desk, n: int) -> None:
    for i in range(n):
        admission.submit(
            NewRequest(
                requester=desk.requester,
                subject=f"Demande {i}",
                body="…",
                channel="portal",
                attachments=(IncomingFile(f"piece-{i}.pdf", b"%PDF-1.4"),),
            )
        )


@pytest.fixture
def reader(desk):
    Organisation.objects.filter(pk=desk.parish.pk).update(eligible_roles=["owner", "editor"])
    User.objects.filter(pk=desk.requester.pk).update(org_role="reader")
    desk.requester.refresh_from_db()
    return desk


@pytest.mark.parametrize(("persona", "expected"), [("supervisor", 3), ("l1", 3)])
def test_the_held_list_runs_the_same_queries_for_2_requests_as_for_60(
    reader, client, django_assert_num_queries, persona, expected
):
    # session, user; the page of held requests (the menu's count is cached per process)
    client.force_login(getattr(reader, persona))
    keep(reader, 2)
    client.get("/desk/held/")
    with django_assert_num_queries(expected):
        small = client.get("/desk/held/")
    assert len(by_testid(small.content, "held-row")) == 2
    keep(reader, 58)
    client.get("/desk/held/")
    with django_assert_num_queries(expected):
        large = client.get("/desk/held/")
    assert len(by_testid(large.content, "held-row")) == 50


def test_the_files_sent_are_kept_and_downloadable_by_the_team_only(reader, client):
    keep(reader, 1)
    held = reader.requester.held_requests.get()
    [kept] = held.files.all()
    client.force_login(reader.l1)
    page = client.get(f"/desk/held/{held.pk}/")
    [files] = by_testid(page.content, "held-files")
    url = f"/desk/held/{held.pk}/files/{kept.pk}/"
    assert url in files.links
    download = client.get(url)
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    client.force_login(reader.neighbour)
    assert client.get(url).status_code == 403
