"""Quality gate for the French catalogue (src/comptoir/locale/fr/LC_MESSAGES).

Every entry is translated, nothing is fuzzy, placeholders survive translation, the French
follows one typographic convention, and the committed django.mo is the compilation of the
committed django.po (a fresh machine may have no gettext to compile it). The .po is read by
the small parser below: polib is not a dependency.

After changing a translatable string: ``make messages`` (or ``django-admin makemessages -l fr
--no-obsolete -e html,txt,py`` from src/comptoir), translate, then ``django-admin
compilemessages``.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import comptoir

LOCALE = Path(comptoir.__file__).resolve().parent / "locale" / "fr" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
_NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{[\w.]*\}")
# A JSON example in a help text ({"timezone": …}): code, not prose, kept verbatim.
_JSON = re.compile(r'\{".*\}', re.S)


def _unquote(token: str) -> str:
    if len(token) < 2 or not token.startswith('"') or not token.endswith('"'):
        raise ValueError(f"not a quoted string: {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token[1:-1])


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""); obsolete (#~) entries are
    skipped. Enough of the format for what makemessages writes."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    seen_keyword = False

    def finish() -> None:
        nonlocal entry, seen_keyword
        if entry is not None and seen_keyword:
            entries.append(entry)
        entry, seen_keyword = None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if seen_keyword:  # a comment after msgstr starts the next entry
                finish()
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"line {number}: a string outside any entry")
            append = _unquote(line)
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += append
            else:
                setattr(entry, kind, getattr(entry, kind) + append)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
        keyword, index, token = match.groups()
        if keyword in {"msgctxt", "msgid"} and entry is not None and entry.msgstr:
            finish()  # entries not separated by a blank line
        entry = entry or Entry(line=number)
        seen_keyword = True
        value = _unquote(token)
        if keyword.startswith("msgstr"):
            position = int(index) if index is not None else 0
            entry.msgstr[position] = value
            target = ("msgstr", position)
        else:
            setattr(entry, keyword, value)
            target = (keyword, 0)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def header(catalogue: list[Entry]) -> dict[str, str]:
    first = catalogue[0]
    assert first.msgid == "", "the catalogue must start with its header"
    assert first.msgctxt is None
    lines = [line.split(":", 1) for line in first.msgstr[0].splitlines() if ":" in line]
    return {key.strip().lower(): value.strip() for key, value in lines}


@pytest.fixture(scope="module")
def messages(catalogue: list[Entry]) -> list[Entry]:
    return catalogue[1:]


def _nplurals(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header["plural-forms"])
    assert match, "the header has no nplurals"
    return int(match.group(1))


def test_the_parser_reads_continuations_contexts_plurals_and_flags() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "status"\nmsgid ""\n"Hello "\n"%(name)s"\n'
        'msgstr "Bonjour %(name)s"\n\n'
        'msgid "One \\"file\\""\nmsgid_plural "%(n)s files"\nmsgstr[0] "Un fichier"\nmsgstr[1] "%(n)s"\n\n'
        '#~ msgid "gone"\n#~ msgstr "parti"\n'
    )
    head, hello, files = parse_po(sample)
    assert head.msgstr == {0: "Language: fr\n"}
    assert (hello.msgctxt, hello.msgid, hello.msgstr[0]) == ("status", "Hello %(name)s", "Bonjour %(name)s")
    assert hello.flags == {"fuzzy", "python-format"}
    assert (files.msgid, files.msgid_plural) == ('One "file"', "%(n)s files")
    assert files.translations == ["Un fichier", "%(n)s"]


def test_the_catalogue_is_french_with_a_usable_header(header: dict[str, str], catalogue: list[Entry]) -> None:
    assert header["language"] == "fr"
    assert "charset=utf-8" in header["content-type"].lower()
    assert "fuzzy" not in catalogue[0].flags, "a fuzzy header is ignored by msgfmt"
    assert _nplurals(header) >= 2


def test_every_entry_is_translated(messages: list[Entry], header: dict[str, str]) -> None:
    nplurals = _nplurals(header)
    missing = []
    for entry in messages:
        expected = nplurals if entry.msgid_plural is not None else 1
        if len(entry.msgstr) != expected or not all(t.strip() for t in entry.translations):
            missing.append(entry.label)
    assert not missing, "untranslated entries:\n" + "\n".join(missing)


def test_no_entry_is_fuzzy(messages: list[Entry]) -> None:
    fuzzy = [entry.label for entry in messages if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_each_msgid_appears_once(messages: list[Entry]) -> None:
    keys = [(entry.msgctxt, entry.msgid) for entry in messages]
    assert len(keys) == len(set(keys))


def test_placeholders_survive_translation(messages: list[Entry]) -> None:
    wrong = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        expected = set().union(*(_NAMED.findall(s) for s in sources))
        braces = set().union(*(_BRACES.findall(s) for s in sources))
        for text in filter(None, entry.translations):  # empty ones are reported above
            # A plural form may drop the count (French "Un fichier"), never add a name.
            found = set(_NAMED.findall(text))
            ok = found <= expected if entry.msgid_plural is not None else found == expected
            if not ok or set(_BRACES.findall(text)) != braces:
                wrong.append(f"{entry.label} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_line_breaks_at_the_edges_are_kept(messages: list[Entry]) -> None:
    wrong = [
        entry.label
        for entry in messages
        for text in entry.translations
        if text
        and (
            text.startswith("\n") != entry.msgid.startswith("\n")
            or text.endswith("\n") != entry.msgid.endswith("\n")
        )
    ]
    assert not wrong, "\n".join(wrong)


def test_french_typography_is_consistent(messages: list[Entry]) -> None:
    """One convention: « » with plain spaces inside, a plain space before : ; ! ? (never a
    no-break space, never none), straight apostrophes. Times like 4:00:00 are exempt, and so
    is a JSON example copied verbatim from the English."""
    rules = [
        (re.compile(r"[“”\"]"), "quotes are « »"),
        (re.compile(r"«(?! )|(?<! )»"), "a space inside « »"),
        (re.compile(r"[\u00a0\u202f]"), "plain spaces only"),
        (re.compile(r"(?<![\s\d]):|(?<=\d):(?!\d)|(?<!\s)[;!?]"), "a space before : ; ! ?"),
        (re.compile(r"’"), "straight apostrophes"),
    ]
    wrong = []
    for entry in messages:
        for text in entry.translations:
            prose = _NAMED.sub("X", text)
            for code in _JSON.findall(entry.msgid):
                prose = prose.replace(code, "X")
            wrong += [f"{entry.label} -> {text!r}: {why}" for rule, why in rules if rule.search(prose)]
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalogue_matches_the_po(messages: list[Entry], header: dict[str, str]) -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected: dict[object, str] = {}
    for entry in messages:
        if "fuzzy" in entry.flags or not all(entry.translations):
            continue  # msgfmt leaves these out; the tests above report them
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, i): text for i, text in entry.msgstr.items()})
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    stale += sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not stale, "django.mo is out of date, run compilemessages. Differences:\n" + "\n".join(stale)
    assert compiled.info().get("plural-forms") == header["plural-forms"]


@pytest.mark.parametrize(
    ("context", "english", "french"),
    [
        (None, "Sign in", "Se connecter"),
        (None, "Take this ticket", "Prendre en charge ce ticket"),
        ("status", "Waiting on requester", "En attente du demandeur"),
        ("status for requester", "Waiting for your answer", "En attente de votre réponse"),
        ("priority", "Normal", "Normale"),
    ],
)
def test_django_serves_the_french_catalogue(context: str | None, english: str, french: str) -> None:
    with translation.override("fr"):
        text = translation.pgettext(context, english) if context else translation.gettext(english)
    assert text == french
    with translation.override("en"):
        text = translation.pgettext(context, english) if context else translation.gettext(english)
    assert text == english
