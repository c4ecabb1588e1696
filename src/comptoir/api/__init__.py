"""The REST API (django-ninja): one ``NinjaAPI`` (``comptoir.api.main.api``) mounted at
``/api/``, endpoints under ``/api/v1/``, the OpenAPI schema at ``/api/openapi.json``.

One router per domain (``tickets`` and ``ticket_actions``, ``people``, ``catalog``,
``duty``), each a thin edge calling the selectors and services: the same permission rules
as the pages. Authentication (``security``): personal API tokens (``tokens``, the model
``ApiToken``: shown once, stored hashed, read or write scope, revocable) or the web
session. Lists are keyset pages (``pagination``). Pages to manage one's tokens:
``token_views``.
"""
