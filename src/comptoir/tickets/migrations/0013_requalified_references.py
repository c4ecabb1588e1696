"""Requalification events recorded before references were stored named the product and the
component only ("Sites WordPress", "Sites WordPress / Extensions"): give them their
``{"id", "name"}`` reference, so that renaming a product never breaks the history."""

from django.db import migrations


def to_references(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    Product = apps.get_model("catalog", "Product")
    Component = apps.get_model("catalog", "Component")
    products = {p.name: p.pk for p in Product.objects.all()}
    components = {f"{c.product.name} / {c.name}": c.pk for c in Component.objects.select_related("product")}
    found = {"product": products, "component": components}
    changed = []
    for event in TicketEvent.objects.filter(kind="requalified").iterator(chunk_size=2000):
        changes = dict(event.changes or {})
        touched = False
        for name, by_name in found.items():
            pair = changes.get(name)
            if not isinstance(pair, list):
                continue
            refs = []
            for value in pair:
                if isinstance(value, str) and value:
                    refs.append({"id": by_name.get(value), "name": value})
                    touched = True
                else:
                    refs.append(value)
            changes[name] = refs
        if touched:
            event.changes = changes
            changed.append(event)
        if len(changed) >= 2000:
            TicketEvent.objects.bulk_update(changed, ["changes"])
            changed = []
    if changed:
        TicketEvent.objects.bulk_update(changed, ["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_event_kind_followers_added"),
        ("catalog", "0003_workflow_fields"),
    ]

    operations = [migrations.RunPython(to_references, migrations.RunPython.noop)]
