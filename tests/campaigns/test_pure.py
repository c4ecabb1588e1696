"""The pure parts: placeholders in notices, and reading CSV exports (no database)."""

from __future__ import annotations

import pytest

from comptoir.campaigns import csvfiles, placeholders


def test_placeholders_fill_values_and_drop_empty_sections():
    """Procedure 004: nobody from the technical team? Only the time, and the justification
    paragraphs disappear."""
    text = (
        "Bonjour,\n\n{{ services }} est indisponible depuis le {{ started_at }}.\n\n"
        "{{#cause}}Origine : {{ cause }}{{/cause}}\n\n"
        "{{#host}}Hébergeur : {{ host }}{{/host}}{{^host}}Nos équipes sont mobilisées.{{/host}}\n\n"
        "Cordialement"
    )
    full = placeholders.render(
        text, {"services": "Reconnect Pro", "started_at": "mardi", "cause": "panne", "host": "OVH"}
    )
    assert "Origine : panne" in full
    assert "Hébergeur : OVH" in full
    assert "mobilisées" not in full
    bare = placeholders.render(text, {"services": "Reconnect Pro", "started_at": "mardi"})
    assert "Origine" not in bare
    assert "Hébergeur" not in bare
    assert "Nos équipes sont mobilisées." in bare
    assert "\n\n\n" not in bare


def test_unknown_placeholders_and_broken_sections_are_reported():
    assert placeholders.unknown_names("{{ services }} {{ servises }} {{ contact.ville }}", ["services"]) == [
        "servises"
    ]
    with pytest.raises(placeholders.TemplateSyntaxError):
        placeholders.unknown_names("{{#cause}} sans fin", ["cause"])
    with pytest.raises(placeholders.TemplateSyntaxError):
        placeholders.unknown_names("{{/cause}}", ["cause"])


def test_subject_is_one_line():
    assert (
        placeholders.render_line("Indisponibilité de {{ services }}\n", {"services": "RP"})
        == "Indisponibilité de RP"
    )


def test_utf8_with_bom_and_semicolons_from_french_excel():
    data = (
        "\ufeffAdresse e-mail;Prénom Nom;Société;Ville\r\n"  # the byte-order mark Excel writes
        "marie@exemple.fr;Marie Durand;CCAS;Lyon\r\n"
    ).encode()
    decoded = csvfiles.decode(data)
    assert decoded.encoding == "utf-8-sig"
    sniffed = csvfiles.sniff(decoded)
    assert sniffed.delimiter == ";"
    assert sniffed.has_header
    assert sniffed.columns == ("Adresse e-mail", "Prénom Nom", "Société", "Ville")
    assert sniffed.mapping["email"] == 0
    assert sniffed.mapping["organisation"] == 2


def test_windows_1252_file_is_read_with_its_accents():
    data = "email,nom\nhelene@exemple.fr,Hélène Lefèvre\n".encode("cp1252")
    decoded = csvfiles.decode(data)
    assert decoded.encoding == "cp1252"
    rows = list(csvfiles.read(decoded, delimiter=",", has_header=True, mapping={"email": 0, "name": 1}))
    assert rows[0].name == "Hélène Lefèvre"


def test_mixed_file_reads_each_line_in_its_encoding_and_lists_the_fallbacks():
    data = b"email;nom\n" + "a@exemple.fr;Zoé\n".encode() + "b@exemple.fr;Chloé\n".encode("cp1252")
    decoded = csvfiles.decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.fallback_lines == (3,)
    rows = list(csvfiles.read(decoded, delimiter=";", has_header=True, mapping={"email": 0, "name": 1}))
    assert [r.name for r in rows] == ["Zoé", "Chloé"]


def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_kept():
    text = (
        "email,nom,ville\n"
        "Jean@Exemple.fr,Jean,Paris\n"
        "pas-une-adresse,Paul,Lyon\n"
        "\n"
        ",Sans adresse,Nantes\n"
        "jean@exemple.FR,Jean bis,Paris\n"
        '"Marie Curie <marie@exemple.fr>",Marie,"Saint-Denis, 93"\n'
    )
    rows = list(
        csvfiles.read(
            csvfiles.decode(text.encode()), delimiter=",", has_header=True, mapping={"email": 0, "name": 1}
        )
    )
    accepted = [r for r in rows if isinstance(r, csvfiles.Row)]
    rejected = [r for r in rows if isinstance(r, csvfiles.Rejection)]
    assert [(r.line, r.email, r.attributes) for r in accepted] == [
        (2, "Jean@Exemple.fr", {"ville": "Paris"}),
        (7, "marie@exemple.fr", {"ville": "Saint-Denis, 93"}),
    ]
    assert [(r.line, r.reason, r.first_line) for r in rejected] == [
        (3, csvfiles.Reason.INVALID_ADDRESS, None),
        (5, csvfiles.Reason.MISSING_ADDRESS, None),
        (6, csvfiles.Reason.DUPLICATE, 2),
    ]


def test_file_without_header_finds_the_address_column():
    decoded = csvfiles.decode(b"Dupont\tdupont@exemple.fr\nMartin\tmartin@exemple.fr\n")
    sniffed = csvfiles.sniff(decoded)
    assert sniffed.delimiter == "\t"
    assert not sniffed.has_header
    assert sniffed.mapping["email"] == 1


def test_quoted_newline_keeps_line_numbers_true():
    text = 'email,note\na@exemple.fr,"deux\nlignes"\nmauvaise,x\n'
    rows = list(
        csvfiles.read(csvfiles.decode(text.encode()), delimiter=",", has_header=True, mapping={"email": 0})
    )
    assert rows[1].line == 4
