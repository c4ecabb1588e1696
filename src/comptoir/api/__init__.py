"""The REST API (django-ninja): one ``NinjaAPI`` (``comptoir.api.main.api``) mounted at
``/api/``, endpoints under ``/api/v1/``, the OpenAPI schema at ``/api/openapi.json``.

One router per domain (``tickets`` and ``ticket_actions``, ``people``, ``catalog``,
``duty``), each a thin edge calling the selectors and services: the same permission rules
as the pages. Authentication (``security``): personal API tokens (``tokens``, the model
``ApiToken``: shown once, stored hashed, read or write scope, revocable) or the web
session. Lists are keyset pages (``pagination``). Pages to manage one's tokens:
``token_views``.

The contract: bodies (``schemas.In``) refuse a field they do not name; every refusal is
``{detail, code, fields?}`` in the caller's language (``errors``); each list of codes is
declared under a name of its own, with the models' values (``vocabulary``); a requester
sets, opening a request, what the portal's form offers (``REQUESTER_CHOICES``).
"""
