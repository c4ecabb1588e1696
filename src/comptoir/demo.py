"""Demo data drawn from the procedures: a parish site asking how to import contacts into its
newsletter tool (000), an URGENT mail about an accounting program (001), a CMS site editor
(002), an anomaly on a product component (003). Loading twice changes nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.accounts import addresses
from comptoir.accounts.models import Organisation, Tier, User
from comptoir.calendars.models import Calendar
from comptoir.catalog.models import Component, EscalationPath, Group, Product
from comptoir.dispatch import presets as dispatch_presets
from comptoir.kb import demo as kb_demo
from comptoir.requestforms import presets as requestforms_presets
from comptoir.sla import presets
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.vocabulary import Channel, Severity, TicketType

PASSWORD = "comptoir-demo"  # noqa: S105 - the documented demo password, printed at start

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _week(*intervals: str) -> dict[str, list[str]]:
    return {day: list(intervals) if day in WEEKDAYS else [] for day in (*WEEKDAYS, "sat", "sun")}


CALENDARS = {
    "Spyrit — 9h30-17h00": {
        "timezone": "Europe/Paris",
        "week": _week("09:30-17:00"),
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    },
    "Éditeur — 9h-12h / 14h-17h30": {
        "timezone": "Europe/Paris",
        "week": _week("09:00-12:00", "14:00-17:30"),
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    },
    "Service desk BOSA — 8h30-17h": {
        "timezone": "Europe/Brussels",
        "week": _week("08:30-17:00"),
        "holidays": {"country": "BE", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    },
}


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    description: str


@functools.cache
def _password_hash() -> str:
    # Hashed once for every demo login: ten slow hashes made the first `comptoir run` wait
    # seconds. A shared salt costs nothing here, the password is printed at start.
    return make_password(PASSWORD)


def _user(username: str, first: str, last: str, role: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "role": role,
            "email": f"{username}@demo.comptoir.localhost",
            **extra,
        },
    )
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
        addresses.confirmed(user)  # demo accounts are ready to use
    return user


@transaction.atomic
def load() -> list[Login]:
    cals = {
        name: Calendar.objects.get_or_create(name=name, defaults={"spec": spec})[0]
        for name, spec in CALENDARS.items()
    }
    spyrit_cal, editor_cal, bosa_cal = cals.values()

    paroisse = Organisation.objects.get_or_create(
        name="Paroisse Saint-Seurin", defaults={"monthly_ticket_quota": 20, "calendar": spyrit_cal}
    )[0]
    aurizi = Organisation.objects.get_or_create(name="Groupe Aurizi", defaults={"calendar": editor_cal})[0]
    bosa = Organisation.objects.get_or_create(name="SPF BOSA", defaults={"calendar": bosa_cal})[0]
    client = Organisation.objects.get_or_create(
        # Procedure 003: addresses are confirmed before the first password sign-in.
        name="Mairie de Villeneuve",
        defaults={"calendar": editor_cal, "verify_email": True},
    )[0]

    l1 = Group.objects.get_or_create(
        name="Pôle maintenance", defaults={"tier": Tier.L1, "calendar": spyrit_cal}
    )[0]
    l2 = Group.objects.get_or_create(
        name="Service communication", defaults={"tier": Tier.L2, "calendar": spyrit_cal}
    )[0]
    l3 = Group.objects.get_or_create(
        name="Équipe projet", defaults={"tier": Tier.L3, "calendar": editor_cal}
    )[0]
    editor_l2 = Group.objects.get_or_create(
        name="Support éditeur", defaults={"tier": Tier.L2, "calendar": editor_cal}
    )[0]

    admin = _user("admin", "Camille", "Administratrice", User.Role.ADMIN, is_staff=True, is_superuser=True)
    supervisor = _user("superviseur", "Jean-Michel", "Maurizi", User.Role.SUPERVISOR)
    lea = _user("leaagent", "Léa", "Garnier", User.Role.AGENT, tier=Tier.L1)
    marc = _user("marcagent", "Marc", "Lefèvre", User.Role.AGENT, tier=Tier.L2)
    sophie = _user("sophieagent", "Sophie", "Nguyen", User.Role.AGENT, tier=Tier.L3)
    nicolas = _user("nicolasagent", "Nicolas", "Petit", User.Role.AGENT, tier=Tier.L2)
    l1.members.add(lea)
    l2.members.add(marc)
    l3.members.add(sophie)
    editor_l2.members.add(nicolas)
    # Escalation paths, not guesses: Spyrit's L1 hands the parish's requests to the parish's
    # own L2 (procedure 000) and every other customer's to the editor's L2; both L2s hand
    # anomalies over to the project team.
    for group, to_group in ((l1, editor_l2), (l2, l3), (editor_l2, l3)):
        Group.objects.filter(pk=group.pk, escalates_to__isnull=True).update(escalates_to=to_group)
    EscalationPath.objects.get_or_create(
        group=l1, organisation=paroisse, product=None, defaults={"to_group": l2}
    )

    sites = Product.objects.get_or_create(name="Sites associés WordPress", defaults={"default_group": l1})[0]
    mailpoet = Component.objects.get_or_create(product=sites, name="Mailpoet")[0]
    Component.objects.get_or_create(product=sites, name="Back office")
    compta = Product.objects.get_or_create(name="Comptabilité", defaults={"default_group": l1})[0]
    wcms = Product.objects.get_or_create(name="WCMS", defaults={"default_group": l1})[0]
    gestpro = Product.objects.get_or_create(name="GestPro", defaults={"default_group": l1, "owner": sophie})[
        0
    ]
    facturation = Component.objects.get_or_create(product=gestpro, name="Facturation")[0]
    Component.objects.get_or_create(product=gestpro, name="Export comptable")

    presets.procedure_000(spyrit_cal, [paroisse])
    presets.procedure_003(editor_cal, [client])
    # Procedure 003: the three agents take turns on duty and on call for the emergency line.
    dispatch_presets.procedure_003([lea, marc, sophie])
    # Procedure 000: the guide the sites check before opening a ticket.
    kb_demo.load(organisations=[paroisse])
    # Procedure 002: an incident on a site says which page and which browser.
    requestforms_presets.procedure_002(sites)

    marie = _user("mariedupont", "Marie", "Dupont", User.Role.ORG_ADMIN, organisation=paroisse)
    pierre = _user("pierremartin", "Pierre", "Martin", User.Role.REQUESTER, organisation=paroisse)
    paul = _user("paulbernard", "Paul", "Bernard", User.Role.REQUESTER, organisation=aurizi)
    anne = _user("annedevos", "Anne", "Devos", User.Role.REQUESTER, organisation=bosa)
    lucas = _user("lucasmoreau", "Lucas", "Moreau", User.Role.REQUESTER, organisation=client, language="en")

    def once(requester: User, subject: str, **kwargs: object) -> None:
        if not Ticket.objects.filter(requester=requester, subject=subject).exists():
            services.open_ticket(NewRequest(requester=requester, subject=subject, **kwargs))  # type: ignore[arg-type]

    once(
        marie,
        "Importer nos contacts dans Mailpoet",
        channel=Channel.WIDGET,
        product=sites,
        component=mailpoet,
        body="Bonjour,\n\nComment importer la liste des paroissiens (fichier Excel) dans Mailpoet "
        "pour envoyer la lettre d'information ?\n\nMerci,\nMarie",
    )
    once(
        pierre,
        "Mot de passe du back office oublié",
        channel=Channel.PORTAL,
        product=sites,
        body="Je n'arrive plus à me connecter au back office du site de la paroisse.",
    )
    once(
        paul,
        "URGENT - Comptabilité : impossible de valider les écritures",
        channel=Channel.EMAIL,
        product=compta,
        is_urgent=True,
        body="Le programme de comptabilité affiche « Erreur 1045 » à la validation des écritures. "
        "Je ne peux plus travailler et la clôture est demain.",
    )
    once(
        anne,
        "Ajouter une page dans la rubrique Actualités",
        channel=Channel.FORM,
        product=wcms,
        body="Je suis rédactrice du site. Comment créer une nouvelle page dans la rubrique Actualités ?",
    )
    once(
        lucas,
        "Invoices show a wrong VAT total",
        channel=Channel.PORTAL,
        product=gestpro,
        component=facturation,
        type=TicketType.INCIDENT,
        severity=Severity.BLOCKING,
        body="Since this morning, invoices with two VAT rates show a wrong total. Steps: create an "
        "invoice with 5.5 % and 20 % lines, save, print.",
    )
    return [
        Login(admin.username, "admin", "administrator (desk and configuration)"),
        Login(supervisor.username, "supervisor", "sees every ticket"),
        Login(lea.username, "agent L1", "Pôle maintenance"),
        Login(marc.username, "agent L2", "Service communication"),
        Login(nicolas.username, "agent L2", "Support éditeur"),
        Login(sophie.username, "agent L3", "Équipe projet"),
        Login(marie.username, "org admin", "Paroisse Saint-Seurin"),
        Login(pierre.username, "requester", "Paroisse Saint-Seurin"),
        Login(paul.username, "requester", "Groupe Aurizi"),
        Login(anne.username, "requester", "SPF BOSA"),
        Login(lucas.username, "requester (English)", "Mairie de Villeneuve"),
    ]


def print_logins(logins: list[Login]) -> None:
    print(f"\nDemo logins (password for all: {PASSWORD}):")
    for login in logins:
        print(f"  {login.username:<14} {login.role:<20} {login.description}")
    print(flush=True)
