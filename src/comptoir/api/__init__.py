"""The REST API (django-ninja): one ``NinjaAPI`` (``comptoir.api.main.api``) mounted at
``/api/``, endpoints under ``/api/v1/``, the OpenAPI schema at ``/api/openapi.json``.

One router per domain (``duty``: who is on duty now and next), each a thin edge calling
the services and selectors. Authentication: the staff's Django session for now.
"""
