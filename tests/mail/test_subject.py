"""Subject rules: our reference in every client's reply, clean subjects, URGENT, the program named.

Procedure 002: "Le numéro de ticket doit toujours être communiqué dans le sujet des échanges
d'e-mails". Procedure 001: "Dans le sujet ou objet notez le nom du programme concerné" and
"Renseignez l'objet avec le mot « URGENT » seulement si le problème est bloquant".
"""

from __future__ import annotations

import pytest

from comptoir.mail.parsing.subject import clean_subject, is_urgent, match_product, ticket_reference


@pytest.mark.parametrize(
    "subject",
    [
        "[#123456] Imprimante en panne",
        "RE: [#123456] Imprimante en panne",
        "RE : [#123456] Imprimante en panne",
        "TR: RE: [#123456] Imprimante en panne",
        "Fwd: Re: [#123456] Printer down",
        "AW: WG: [#123456] Drucker defekt",
        "Réf. : [#123456] Imprimante en panne",
        "RE: [ #123456 ] Imprimante en panne",
        "RE: (#123456) Imprimante en panne",
        "RE: #123456 Imprimante en panne",
        "RE:#123456 - Imprimante en panne",
        "RE: ［#123456］ Imprimante en panne",
        "RE: [Ticket #123456] Imprimante en panne",
        "RE: [Ticket#123456] Imprimante en panne",
        "Imprimante en panne [#123456]",
        "RE[2]: [#123456] Imprimante en panne",
        "[EXT] RE: #123456 Imprimante en panne",
    ],
)
def test_reply_subject_gives_back_the_ticket_number(subject: str) -> None:
    assert ticket_reference(subject) == 123456


@pytest.mark.parametrize(
    "subject",
    [
        "Facture 123456 impayée",  # a bare number is an invoice, not our reference
        "RE: Facture 123456",
        "Commande #123456 à livrer",  # "#" in the middle of a sentence: an order number
        "RE: [#1234] trop court",  # our numbers have at least five digits
        "Imprimante en panne",
        "",
    ],
)
def test_subject_without_our_reference_gives_none(subject: str) -> None:
    assert ticket_reference(subject) is None


def test_first_reference_wins_when_a_thread_carries_two() -> None:
    assert ticket_reference("RE: [#100002] TR: [#100001] Écran noir") == 100002


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("RE: TR: [#123456] Imprimante en panne", "Imprimante en panne"),
        ("RE : RE : Imprimante en panne", "Imprimante en panne"),
        ("Re: Fwd: FW: Printer down", "Printer down"),
        ("AW: WG: Drucker defekt", "Drucker defekt"),
        ("RV: Réf. : Problème Sage", "Problème Sage"),
        ("TR:  [ #123456 ]  -  Écran noir", "Écran noir"),
        ("Imprimante en panne [#123456]", "Imprimante en panne"),
        ("RE: #123456 Imprimante", "Imprimante"),
        ("Retour de congés", "Retour de congés"),  # "Re" inside a word is not a prefix
        ("Trésorerie : écart", "Trésorerie : écart"),
    ],
)
def test_clean_subject_drops_prefixes_and_our_reference(subject: str, cleaned: str) -> None:
    assert clean_subject(subject) == cleaned


@pytest.mark.parametrize(
    "subject",
    [
        "URGENT Sage ne démarre plus",
        "Urgent ! Imprimante",
        "[urgent] serveur",
        "TRÈS URGENT : paie",
        "RE: urgent",
    ],
)
def test_urgent_in_the_subject_marks_urgency(subject: str) -> None:
    assert is_urgent(subject)


@pytest.mark.parametrize(
    "subject",
    [
        "non urgent : changer le toner",
        "Non-urgent: new mouse",
        "pas urgent, quand vous pourrez",
        "not urgent",
        "I need this urgently",  # derived words do not count: the procedure asks for the word
        "Urgence sanitaire",
        "Imprimante",
    ],
)
def test_negated_or_derived_urgent_does_not_mark_urgency(subject: str) -> None:
    assert not is_urgent(subject)


def test_urgency_words_can_be_configured_and_ignore_accents() -> None:
    assert is_urgent("Problème BLOQUANT sur la paie", words=("bloquant", "urgent"))
    assert is_urgent("Problème très urgént", words=("urgent",))
    assert is_urgent("Paie : écran bloqué", words=("ecran bloque",))


PRODUCTS = [
    (1, ("Sage",)),
    (2, ("Sage Paie", "paie")),
    (3, ("Word", "Microsoft Word")),
    (4, ("Logiciel de caisse", "caisse")),
]


@pytest.mark.parametrize(
    ("subject", "product"),
    [
        ("Sage ne démarre plus", 1),
        ("SAGE PAIE : bulletin faux", 2),  # the longest name wins
        ("Problème de paie", 2),
        ("microsoft word plante", 3),
        ("Le logiciel de CAISSE est bloqué", 4),
        ("RE: [#123456] Écran noir sur la caisse", 4),
        ("Wordpress en panne", None),  # whole words only
        ("Imprimante", None),
    ],
)
def test_subject_names_the_program(subject: str, product: int | None) -> None:
    assert match_product(subject, PRODUCTS) == product


def test_product_names_match_without_accents() -> None:
    assert match_product("probleme ecran", [(7, ("Écran",))]) == 7
    assert match_product("Problème ÉCRAN", [(7, ("ecran",))]) == 7


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("RE: [#123456] Demande clôturée : Imprimante en panne", "Imprimante en panne"),
        ("TR: RE : [#123456] Request closed: Printer down", "Printer down"),
        ("Re: Demande cloturee : Imprimante [#123456]", "Imprimante"),  # accents lost on the way
        ("RE: [#123456] Nouvelle réponse : Sage ne démarre pas", "Sage ne démarre pas"),
        ("RE: [#123456] Request received: Export", "Export"),
        # A new request's own subject is kept as written.
        ("Demande reçue : colis 4512 abîmé", "Demande reçue : colis 4512 abîmé"),
    ],
)
def test_clean_subject_drops_the_labels_of_our_own_mails_in_an_answer(subject: str, cleaned: str) -> None:
    assert clean_subject(subject) == cleaned
