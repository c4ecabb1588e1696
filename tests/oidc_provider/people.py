"""The people the test provider knows (login, password, names, address, verified)."""

from dataclasses import dataclass

PASSWORD = "idp-pass-2026"


@dataclass(frozen=True)
class Person:
    login: str
    first_name: str
    last_name: str
    email: str
    verified: bool = True


HELENE = Person("helene", "Hélène", "Lefèvre", "helene.lefevre@paroisse.example")
PIERRE = Person("pierre", "Pierre", "Martin", "pierre.martin@paroisse.example")
PAUL_UNVERIFIED = Person("paul", "Paul", "Bernard", "paul.bernard@paroisse.example", verified=False)
LUCAS_OTHER_ORGANISATION = Person("lucas", "Lucas", "Moreau", "lucas.moreau@villeneuve.example")
JEAN_NO_ORGANISATION = Person("jean", "Jean", "Dupuis", "jean.dupuis@ailleurs.example")
LEA_SUPPORT = Person("lea", "Léa", "Garnier", "lea.garnier@comptoir-support.example")
PEOPLE = (HELENE, PIERRE, PAUL_UNVERIFIED, LUCAS_OTHER_ORGANISATION, JEAN_NO_ORGANISATION, LEA_SUPPORT)
