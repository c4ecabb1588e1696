"""The default notice templates of procedure 004 (and a newsletter for procedure 000), in
French and English. Sections between {{#cause}} and {{/cause}} (or host) disappear when the
technical team could not give them, as the procedure asks."""

from django.db import migrations

TEMPLATES = [
    {
        "kind": "unavailability",
        "name": "Indisponibilité / Unavailability",
        "subject_fr": "Indisponibilité temporaire de {{ services }}",
        "body_fr": """Bonjour,

Nous rencontrons actuellement un incident : {{ services }} est indisponible depuis le {{ started_at }}.{{#incident_type}} Nature de l'incident : {{ incident_type }}.{{/incident_type}}

{{#expected_end}}Nous prévoyons un retour à la normale le {{ expected_end }}.{{/expected_end}}{{^expected_end}}Nos équipes sont mobilisées pour rétablir le service au plus vite.{{/expected_end}}

{{#cause}}Origine de l'incident : {{ cause }}{{/cause}}

{{#host}}L'incident touche notre hébergeur ({{ host }}) : nous suivons son intervention de près.{{/host}}

Nous vous prions de nous excuser pour la gêne occasionnée et vous préviendrons dès le retour à la normale.

Bien cordialement,
L'équipe support
""",
        "subject_en": "{{ services }} is temporarily unavailable",
        "body_en": """Hello,

We are currently experiencing an incident: {{ services }} has been unavailable since {{ started_at }}.{{#incident_type}} Type of incident: {{ incident_type }}.{{/incident_type}}

{{#expected_end}}We expect the service to be back to normal on {{ expected_end }}.{{/expected_end}}{{^expected_end}}Our teams are working to restore the service as quickly as possible.{{/expected_end}}

{{#cause}}Cause of the incident: {{ cause }}{{/cause}}

{{#host}}The incident affects our hosting provider ({{ host }}): we are following their work closely.{{/host}}

We apologise for the inconvenience and will let you know as soon as the service is back to normal.

Kind regards,
The support team
""",
    },
    {
        "kind": "update",
        "name": "Point sur l'indisponibilité / Unavailability update",
        "subject_fr": "Point sur l'indisponibilité de {{ services }}",
        "body_fr": """Bonjour,

Voici où nous en sommes de l'incident qui touche {{ services }} depuis le {{ started_at }}.

{{#update}}{{ update }}{{/update}}

{{#expected_end}}Le retour à la normale est désormais prévu le {{ expected_end }}.{{/expected_end}}

{{#cause}}Origine de l'incident : {{ cause }}{{/cause}}

Nous vous prions de nous excuser pour la gêne occasionnée.

Bien cordialement,
L'équipe support
""",
        "subject_en": "Update on the unavailability of {{ services }}",
        "body_en": """Hello,

Here is where we stand with the incident affecting {{ services }} since {{ started_at }}.

{{#update}}{{ update }}{{/update}}

{{#expected_end}}We now expect the service to be back to normal on {{ expected_end }}.{{/expected_end}}

{{#cause}}Cause of the incident: {{ cause }}{{/cause}}

We apologise for the inconvenience.

Kind regards,
The support team
""",
    },
    {
        "kind": "end",
        "name": "Fin de l'indisponibilité / End of unavailability",
        "subject_fr": "Fin de l'indisponibilité de {{ services }}",
        "body_fr": """Bonjour,

Nous vous informons que l'incident survenu le {{ started_at }} sur {{ services }} est désormais résolu. Le service fonctionne de nouveau normalement.

{{#cause}}Origine de l'incident : {{ cause }}{{/cause}}

{{#host}}L'incident provenait de notre hébergeur ({{ host }}).{{/host}}

Merci de votre patience, et veuillez nous excuser pour la gêne occasionnée.

Bien cordialement,
L'équipe support
""",
        "subject_en": "{{ services }} is available again",
        "body_en": """Hello,

The incident that affected {{ services }} on {{ started_at }} is now resolved. The service is working normally again.

{{#cause}}Cause of the incident: {{ cause }}{{/cause}}

{{#host}}The incident came from our hosting provider ({{ host }}).{{/host}}

Thank you for your patience, and please accept our apologies for the inconvenience.

Kind regards,
The support team
""",
    },
    {
        "kind": "newsletter",
        "name": "Lettre d'information / Newsletter",
        "subject_fr": "Les nouveautés de nos outils",
        "body_fr": """Bonjour{{#contact.name}} {{ contact.name }}{{/contact.name}},

Voici les nouveautés du mois.

Bien cordialement,
L'équipe support

--
Cet e-mail a été envoyé à {{ contact.email }}. Vous l'avez reçu parce que vous êtes inscrit à notre lettre d'information.
Se désinscrire : {{ unsubscribe_url }}
""",
        "subject_en": "What's new in our tools",
        "body_en": """Hello{{#contact.name}} {{ contact.name }}{{/contact.name}},

Here is what is new this month.

Kind regards,
The support team

--
This e-mail was sent to {{ contact.email }}. You received it because you subscribed to our newsletter.
Unsubscribe: {{ unsubscribe_url }}
""",
    },
]


def forwards(apps, schema_editor):
    NoticeTemplate = apps.get_model("campaigns", "NoticeTemplate")
    for values in TEMPLATES:
        if not NoticeTemplate.objects.filter(kind=values["kind"], is_default=True).exists():
            NoticeTemplate.objects.create(is_default=True, **values)


def backwards(apps, schema_editor):
    NoticeTemplate = apps.get_model("campaigns", "NoticeTemplate")
    NoticeTemplate.objects.filter(is_default=True, name__in=[t["name"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
