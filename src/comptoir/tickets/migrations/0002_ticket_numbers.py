"""Ticket numbers: a PostgreSQL sequence, or one counter row elsewhere (see numbering.py)."""

from django.conf import settings
from django.db import migrations

FIRST = getattr(settings, "COMPTOIR_FIRST_TICKET_NUMBER", 100001)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS comptoir_ticket_number_seq START WITH {FIRST} MINVALUE 1"
        )
    else:
        Counter = apps.get_model("tickets", "TicketNumberCounter")
        Counter.objects.get_or_create(pk=1, defaults={"value": FIRST - 1})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS comptoir_ticket_number_seq")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
