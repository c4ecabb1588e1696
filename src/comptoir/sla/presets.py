"""Ready-made SLA policies from the procedures, used by the demo and offered to admins.

- Procedure 000 (site-support desk, 9:30-17:00 Mon-Fri): acknowledge within 1 business hour,
  pick-up within 4, resolve within 2 business days (15 business hours on that calendar);
  an anomaly is acknowledged within 1 hour and qualified and handed to the project team
  within 5. These are L1's commitments: escalation to L2 ends them.
- Procedure 003 (software vendor, 9-12 and 14-17:30): resolution by priority, Urgent 4 h,
  High 16 h, Normal 40 h, Low 64 h in business hours; a Blocking severity gets 4 h
  whatever the priority.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction

from comptoir.accounts.models import Organisation
from comptoir.calendars.models import Calendar
from comptoir.sla import policies
from comptoir.sla.models import SLAPolicy, SLATarget

H = timedelta(hours=1)


def _policy(
    name: str,
    *,
    position: int,
    calendar: Calendar,
    targets: dict[str, timedelta],
    organisations: Iterable[Organisation] = (),
    **conditions: list[str],
) -> SLAPolicy:
    policy, created = SLAPolicy.objects.get_or_create(
        name=name, defaults={"position": position, "calendar": calendar, **conditions}
    )
    if created:
        policy.organisations.set(list(organisations))
        SLATarget.objects.bulk_create(
            [
                SLATarget(policy=policy, metric=metric, duration=duration)
                for metric, duration in targets.items()
            ]
        )
    return policy


@transaction.atomic
def procedure_000(calendar: Calendar, organisations: Iterable[Organisation] = ()) -> list[SLAPolicy]:
    orgs = list(organisations)
    made = [
        _policy(
            "Procédure 000 — anomalies (niveau 1)",
            position=10,
            calendar=calendar,
            organisations=orgs,
            tiers=["L1"],
            types=["incident"],
            targets={"acknowledgement": 1 * H, "qualification": 5 * H},
        ),
        _policy(
            "Procédure 000 — demandes (niveau 1)",
            position=20,
            calendar=calendar,
            organisations=orgs,
            tiers=["L1"],
            targets={"acknowledgement": 1 * H, "pick_up": 4 * H, "resolution": 15 * H},
        ),
    ]
    policies.forget()
    return made


@transaction.atomic
def procedure_003(calendar: Calendar, organisations: Iterable[Organisation] = ()) -> list[SLAPolicy]:
    orgs = list(organisations)
    made = [
        _policy(
            "Procédure 003 — sévérité bloquante",
            position=30,
            calendar=calendar,
            organisations=orgs,
            severities=["blocking"],
            targets={"resolution": 4 * H},
        )
    ]
    for position, (priority, label, hours) in enumerate(
        [("urgent", "urgente", 4), ("high", "haute", 16), ("normal", "normale", 40), ("low", "basse", 64)],
        start=31,
    ):
        made.append(
            _policy(
                f"Procédure 003 — priorité {label}",
                position=position,
                calendar=calendar,
                organisations=orgs,
                priorities=[priority],
                targets={"resolution": hours * H},
            )
        )
    policies.forget()
    return made
