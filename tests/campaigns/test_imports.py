"""Procedure 004: "choose the most recent list of the product's users". Lists come from CSV
exports; a bad row is reported, never a reason to lose a good one."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from comptoir.campaigns import audiences, imports
from comptoir.campaigns.models import Contact, ListVersion
from comptoir.core.errors import InvalidTransition, PermissionDenied, ValidationError
from tests.campaigns.conftest import T0, import_csv


def test_import_with_bad_rows_gives_a_clear_report_and_loses_no_good_row(desk, users_list):
    data = (
        "Courriel;Nom;Structure;Ville;Téléphone\r\n"
        "marie.durand@ccas-lyon.fr;Marie Durand;CCAS de Lyon;Lyon;0401020304\r\n"
        "pas une adresse;Paul;CHRS;Paris;\r\n"
        "MARIE.DURAND@ccas-lyon.fr;Marie (doublon);CCAS de Lyon;Lyon;\r\n"
        ";Sans adresse;Mairie;Nantes;\r\n"
    ).encode() + "helene@asso.fr;Hélène Lefèvre;Emmaüs;Besançon;\r\n".encode("cp1252")
    with translation.override("en"):
        version = import_csv(desk.supervisor, users_list, data)

    assert version.state == ListVersion.State.IMPORTED
    assert (version.rows, version.accepted, version.rejected) == (5, 2, 3)
    with translation.override("en"):
        reasons = [(r["line"], imports.reason_text(r)) for r in version.report]
    assert reasons == [
        (3, "Invalid e-mail address"),
        (4, "Duplicate of line 2"),
        (5, "No e-mail address"),
    ]
    assert "Line 6 was not in UTF-8" in version.warnings[0]
    contacts = {c.key: c for c in Contact.objects.filter(version=version)}
    assert set(contacts) == {"marie.durand@ccas-lyon.fr", "helene@asso.fr"}
    helene = contacts["helene@asso.fr"]
    assert (helene.name, helene.organisation) == ("Hélène Lefèvre", "Emmaüs")
    # Extra columns are kept as attributes, for placeholders such as {{ contact.Ville }}.
    assert contacts["marie.durand@ccas-lyon.fr"].attributes == {"Ville": "Lyon", "Téléphone": "0401020304"}
    assert bytes(version.data) == b""


def test_each_import_is_a_dated_version_and_the_latest_is_one_choice(desk, users_list, outage):
    with time_machine.travel(T0.replace(month=3), tick=False):
        march = import_csv(desk.supervisor, users_list, "email\na@exemple.fr\nb@exemple.fr\n")
    with time_machine.travel(T0.replace(month=5), tick=False):
        may = import_csv(desk.supervisor, users_list, "email\nb@exemple.fr\nc@exemple.fr\nd@exemple.fr\n")
    assert list(users_list.versions.order_by("imported_at")) == [march, may]
    assert list(audiences.latest_versions()) == [may]
    assert audiences.default_versions(outage) == [may]


def test_mapping_chosen_by_the_agent_and_a_double_submit_imports_once(desk, users_list):
    version = imports.upload(
        contact_list=users_list,
        by=desk.supervisor,
        filename="export.csv",
        data=b"Nom|nom@exemple.fr\nAutre|autre@exemple.fr\n",
    )
    assert version.delimiter == "|"
    assert not version.has_header
    imports.run_import(
        version, by=desk.supervisor, mapping={"email": 1, "name": 0}, has_header=False, delimiter="|"
    )
    with pytest.raises(InvalidTransition):
        imports.run_import(version, by=desk.supervisor, mapping={"email": 1}, has_header=False, delimiter="|")
    assert list(Contact.objects.filter(version=version).order_by("line").values_list("name", flat=True)) == [
        "Nom",
        "Autre",
    ]


def test_only_supervisors_import_lists_and_empty_files_are_refused(desk, users_list):
    with pytest.raises(PermissionDenied):
        imports.upload(contact_list=users_list, by=desk.l1, filename="a.csv", data=b"email\na@b.fr\n")
    with pytest.raises(ValidationError):
        imports.upload(contact_list=users_list, by=desk.supervisor, filename="a.csv", data=b"  \n")
