"""Errors that tell the truth: with the database down, the API answers 503 with a JSON
``code`` and pages answer a 503 page (not a 500 "bug"), both with ``Retry-After``; too many
files in one API request is a JSON 413, not Django's HTML page."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from comptoir.api.tokens import PREFIX


@pytest.mark.django_db
def test_too_many_files_in_one_api_request_is_a_json_413(desk, api_as, settings):
    ticket = desk.open()
    files = [SimpleUploadedFile(f"{n}.txt", b"journal", "text/plain") for n in range(25)]
    response = api_as(desk.requester).upload(
        f"/api/v1/tickets/{ticket.number}/attachments", {"files": files, "body": "Journaux"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files"


@pytest.fixture
def database_down(transactional_db: None) -> Iterator[None]:
    """PostgreSQL refuses new connections to the test database and drops the open ones, as
    during a restart; connections come back after the test."""
    name = connection.settings_dict["NAME"]
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
    connection.close()
    try:
        yield
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        connection.close()


@pytest.mark.postgres
def test_with_the_database_down_the_api_and_the_pages_answer_503(desk, database_down):
    api = Client(HTTP_AUTHORIZATION="Bearer " + PREFIX + "abcd1234_not-a-real-secret")
    answer = api.get("/api/v1/tickets")
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
    assert answer["Retry-After"] == "30"
    page = Client().get("/kb/")
    assert page.status_code == 503
    assert "indisponible" in page.content.decode()
    assert page["Retry-After"] == "30"
