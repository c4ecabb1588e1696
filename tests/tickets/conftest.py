"""Procedures 000 and 003's calendars and service levels, shared with tests/sla."""

from tests.sla.test_procedures import procedure_000, procedure_003  # noqa: F401 - fixtures used here too
