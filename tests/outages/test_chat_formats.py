"""What each team chat's incoming webhook receives (pure: no server)."""

from __future__ import annotations

import json

import pytest

from comptoir import integrations
from comptoir.integrations import mattermost, slack, teams

ANNOUNCEMENT = integrations.Announcement(
    event="declare",
    headline="Panne déclarée : Coffre-fort <numérique>",
    facts=(("Services", "Coffre-fort numérique"), ("Type", "Hébergement"), ("Début", "12 mars 2026 09:40")),
    message="Le coffre-fort est inaccessible depuis 9 h 40 & nous cherchons.",
    link="https://support.example.org/desk/outages/1/",
    link_label="Voir la panne",
    mention=True,
)


def test_slack_mentions_the_channel_and_escapes_markup():
    text = slack.body(ANNOUNCEMENT)["text"]
    assert text.startswith("<!channel> *Panne déclarée : Coffre-fort &lt;numérique&gt;*")
    assert "*Type:* Hébergement" in text
    assert "9 h 40 &amp; nous cherchons" in text
    assert text.endswith("<https://support.example.org/desk/outages/1/|Voir la panne>")


def test_mattermost_mentions_the_channel_in_markdown():
    text = mattermost.body(ANNOUNCEMENT)["text"]
    assert text.startswith("@channel **Panne déclarée")
    assert "**Début:** 12 mars 2026 09:40" in text
    assert "[Voir la panne](https://support.example.org/desk/outages/1/)" in text


def test_teams_receives_a_message_card_with_the_facts():
    card = teams.body(ANNOUNCEMENT)
    assert card["@type"] == "MessageCard"
    assert card["title"] == ANNOUNCEMENT.headline
    assert card["text"].startswith("@channel Le coffre-fort")
    assert {"name": "Type", "value": "Hébergement"} in card["sections"][0]["facts"]
    assert card["potentialAction"][0]["targets"][0]["uri"] == ANNOUNCEMENT.link


@pytest.mark.parametrize("kind", ["slack", "mattermost"])
def test_without_the_mention_nobody_is_notified(kind):
    quiet = integrations.Announcement(**{**ANNOUNCEMENT.__dict__, "mention": False})
    text = integrations.FORMATS[kind](quiet)["text"]
    assert "channel" not in text.split("\n")[0]


def test_the_request_is_the_outbox_payload_of_an_http_row():
    request = integrations.request("slack", "https://hooks.slack.com/services/T/B/X", ANNOUNCEMENT)
    assert request["url"] == "https://hooks.slack.com/services/T/B/X"
    assert json.loads(request["body"]) == slack.body(ANNOUNCEMENT)
    assert "é" in request["body"]  # UTF-8 as it is, not \u escapes
    with pytest.raises(ValueError, match="unknown chat kind"):
        integrations.request("irc", "https://example.org", ANNOUNCEMENT)
