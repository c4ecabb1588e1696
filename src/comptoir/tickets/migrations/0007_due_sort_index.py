"""The queue's "SLA due soonest" sort (NULLS LAST) on PostgreSQL. SQLite cannot index
NULLS LAST, and needs it less (an embedded desk holds few tickets)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ticket_sla_due_sort_idx "
            "ON tickets_ticket (sla_due_at ASC NULLS LAST, id DESC)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_sla_due_sort_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_queue_sort_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
