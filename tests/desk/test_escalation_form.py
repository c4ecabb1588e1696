"""The ticket page's escalation form offers the ticket's escalation path first, chosen
already (procedure 000: the parish's L1 hands over to the parish's L2); where no path
decides, the agent picks the group, with no group pre-chosen for them."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from comptoir.catalog.models import EscalationPath
from tests.factories import GroupFactory


@dataclass
class Option:
    value: str
    text: str
    selected: bool


class _EscalationChoices(HTMLParser):
    """The options of the group list in the form posting to ``…/escalate/``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.options: list[Option] = []
        self._in_form = self._in_select = False
        self._option: Option | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = values.get("action", "").endswith("/escalate/")
        elif tag == "select" and self._in_form and values.get("name") == "group":
            self._in_select = True
        elif tag == "option" and self._in_select:
            self._option = Option(values.get("value", ""), "", "selected" in values)
            self.options.append(self._option)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_select = False
        elif tag == "form":
            self._in_form = False
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.text = " ".join((self._option.text + data).split())


def escalation_choices(html: bytes) -> list[Option]:
    parser = _EscalationChoices()
    parser.feed(html.decode())
    parser.close()
    return parser.options


@pytest.fixture
def editor_l2(desk):  # type: ignore[no-untyped-def]
    return GroupFactory(name="Support GestPro N2", tier="L2")


def test_the_escalation_path_is_offered_first_and_chosen(desk, client, editor_l2):
    EscalationPath.objects.create(group=desk.group_l1, organisation=desk.parish, to_group=editor_l2)
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)

    options = escalation_choices(client.get(f"/desk/tickets/{ticket.number}/").content)

    first = options[0]
    assert first.value == str(editor_l2.pk)
    assert first.selected
    assert "Support GestPro N2" in first.text
    assert "chemin d'escalade" in first.text
    assert [o.value for o in options if o.selected] == [str(editor_l2.pk)]
    # Every other group stays on offer, once.
    assert sorted(o.value for o in options[1:]) == sorted(
        str(g.pk) for g in (desk.group_l1, desk.group_l2, desk.group_l3, desk.group_other)
    )


def test_the_only_group_of_the_next_tier_is_offered_first(desk, client):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)

    options = escalation_choices(client.get(f"/desk/tickets/{ticket.number}/").content)

    assert options[0].value == str(desk.group_l2.pk)
    assert options[0].selected


def test_without_a_path_the_agent_chooses_the_group(desk, client, editor_l2):
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)

    options = escalation_choices(client.get(f"/desk/tickets/{ticket.number}/").content)

    assert options[0].value == ""
    assert "choisir un groupe" in options[0].text
    assert not any(o.selected for o in options[1:])
    response = client.post(f"/desk/tickets/{ticket.number}/escalate/", {"reason": "Pour le niveau 2"})
    assert response.status_code == 400
    assert "Choisissez le groupe" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.group == desk.group_l1


def test_posting_the_offered_path_escalates_along_it(desk, client, editor_l2):
    desk.group_l1.escalates_to = editor_l2
    desk.group_l1.save(update_fields=["escalates_to"])
    ticket = desk.open(product=desk.product)
    client.force_login(desk.l1)

    page = client.get(f"/desk/tickets/{ticket.number}/")
    (chosen,) = [o for o in escalation_choices(page.content) if o.selected]
    client.post(f"/desk/tickets/{ticket.number}/escalate/", {"reason": "Relève du N2", "group": chosen.value})

    ticket.refresh_from_db()
    assert ticket.group == editor_l2
