"""Searching the queue by subject on PostgreSQL: a trigram index serves ``icontains``
(``UPPER(subject) LIKE UPPER('%…%')``) without scanning every ticket. pg_trgm is a trusted
extension: the database owner may create it."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ticket_subject_trgm_idx "
            "ON tickets_ticket USING gin ((UPPER(subject::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_subject_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_due_sort_index")]
    operations = [migrations.RunPython(forwards, backwards)]
