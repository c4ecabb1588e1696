"""Reading contact lists exported by other tools (pure: no Django).

Exports come from spreadsheets and mailing tools: UTF-8 with or without a byte-order mark,
Windows-1252 from Excel on Windows, sometimes both in one file after a copy and paste; a
comma, a semicolon (French Excel) or a tab between fields. ``decode`` reads every line, in
its own encoding when the file mixes them, and says which lines needed the fallback;
``sniff`` finds the delimiter, whether the first row is a header, and guesses which column
holds the address, the name, the organisation and the language; ``read`` yields one
accepted row or one rejection (with its line number and reason) per line, so a bad row
never hides a good one.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_ROWS = 20
FIELDS = ("email", "name", "organisation", "language")

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)

HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "email": ("email", "mail", "courriel", "emailaddress", "adresseemail", "adressemail", "adressecourriel"),
    "name": ("name", "nom", "fullname", "nomcomplet", "nomprenom", "prenomnom", "displayname", "contact"),
    "organisation": (
        "organisation",
        "organization",
        "societe",
        "entreprise",
        "structure",
        "company",
        "etablissement",
        "association",
        "org",
    ),
    "language": ("language", "langue", "lang", "locale"),
}

LANGUAGE_ALIASES = {
    "fr": "fr",
    "francais": "fr",
    "french": "fr",
    "en": "en",
    "anglais": "en",
    "english": "en",
}


class Reason:
    """Why a row was rejected (codes; the desk words them)."""

    MISSING_ADDRESS = "missing_address"
    INVALID_ADDRESS = "invalid_address"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Decoded:
    lines: list[str]
    encoding: str
    fallback_lines: tuple[int, ...] = ()  # 1-based lines read as Windows-1252 in a UTF-8 file


@dataclass(frozen=True)
class Sniffed:
    delimiter: str
    has_header: bool
    columns: tuple[str, ...]
    sample: tuple[tuple[str, ...], ...]
    mapping: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    key: str
    name: str
    organisation: str
    language: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str
    value: str
    first_line: int | None = None  # for a duplicate: the line kept


def _decode_line(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), True
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def decode(data: bytes) -> Decoded:
    """The file's lines as text. A byte-order mark decides (UTF-8, UTF-16); else UTF-8 if
    the whole file is UTF-8; else Windows-1252 if no line is UTF-8 with accents; else, in a
    mixed file, each line in UTF-8 or, failing that, Windows-1252 (those lines are listed)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace").splitlines(keepends=True), encoding)
    try:
        return Decoded(data.decode("utf-8").splitlines(keepends=True), "utf-8")
    except UnicodeDecodeError:
        pass
    raw_lines = data.splitlines(keepends=True)
    utf8_accented = any(not line.isascii() and _decode_line(line)[1] is False for line in raw_lines)
    if not utf8_accented:
        try:
            return Decoded(data.decode("cp1252").splitlines(keepends=True), "cp1252")
        except UnicodeDecodeError:
            return Decoded(data.decode("latin-1").splitlines(keepends=True), "latin-1")
    lines, fallback = [], []
    for number, raw in enumerate(raw_lines, start=1):
        text, fell_back = _decode_line(raw)
        lines.append(text)
        if fell_back:
            fallback.append(number)
    return Decoded(lines, "utf-8", tuple(fallback))


def _normalise(header: str) -> str:
    folded = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def clean_address(value: str) -> str:
    value = value.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if "<" in value:
        value = parseaddr(value)[1] or value
    return value.strip()


def is_valid_address(value: str) -> bool:
    return len(value) <= 254 and EMAIL_RE.match(value) is not None


def _rows(lines: Sequence[str] | Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    line = 1
    for fields in reader:
        yield line, fields
        line = reader.line_num + 1


def _delimiter(lines: Sequence[str]) -> str:
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        counts = [len(f) for _, f in _rows(lines[: SAMPLE_ROWS * 2], delimiter) if any(x.strip() for x in f)]
        counts = counts[:SAMPLE_ROWS]
        if not counts:
            continue
        width, agreeing = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _guess_mapping(
    columns: Sequence[str], sample: Sequence[Sequence[str]], has_header: bool
) -> dict[str, int | None]:
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    if has_header:
        normalised = [_normalise(c) for c in columns]
        for name in FIELDS:
            words = HEADER_WORDS[name]
            exact = [i for i, c in enumerate(normalised) if c in words]
            if exact:
                mapping[name] = exact[0]
            elif name == "email":
                loose = [i for i, c in enumerate(normalised) if "mail" in c or "courriel" in c]
                mapping[name] = loose[0] if loose else None
    if mapping["email"] is None and sample:
        width = max(len(r) for r in sample)
        hits = [sum("@" in (r[i] if i < len(r) else "") for r in sample) for i in range(width)]
        if max(hits, default=0) > 0:
            mapping["email"] = hits.index(max(hits))
    return mapping


def sniff(decoded: Decoded) -> Sniffed:
    """Delimiter, header, column names, a few rows, and a guessed mapping for the desk's
    mapping step."""
    delimiter = _delimiter(decoded.lines)
    rows = []
    for _line, fields in _rows(decoded.lines, delimiter):
        if any(f.strip() for f in fields):
            rows.append(tuple(f.strip() for f in fields))
        if len(rows) > SAMPLE_ROWS:
            break
    if not rows:
        return Sniffed(delimiter, False, (), (), dict.fromkeys(FIELDS))
    first = rows[0]
    has_header = not any(is_valid_address(clean_address(f)) for f in first)
    width = max(len(r) for r in rows)
    if has_header:
        columns = tuple(first[i] if i < len(first) and first[i] else f"column {i + 1}" for i in range(width))
        sample = tuple(rows[1:6])
    else:
        columns = tuple(f"column {i + 1}" for i in range(width))
        sample = tuple(rows[:5])
    return Sniffed(
        delimiter,
        has_header,
        columns,
        sample,
        _guess_mapping(columns, rows[1:] if has_header else rows, has_header),
    )


def read_raw(decoded: Decoded, *, delimiter: str, limit: int) -> Iterator[tuple[str, ...]]:
    """The first ``limit`` non-empty rows as they are (the mapping step's sample)."""
    count = 0
    for _line, fields in _rows(decoded.lines, delimiter):
        if count >= limit:
            return
        if any(f.strip() for f in fields):
            count += 1
            yield tuple(f.strip() for f in fields)


def language_of(value: str) -> str:
    return LANGUAGE_ALIASES.get(_normalise(value), "")


def read(
    decoded: Decoded,
    *,
    delimiter: str,
    has_header: bool,
    mapping: Mapping[str, int | None],
    is_valid_email: Callable[[str], bool] = is_valid_address,
) -> Iterator[Row | Rejection]:
    """One ``Row`` or ``Rejection`` per non-empty line, in file order. Addresses are
    de-duplicated case-insensitively: the first occurrence is kept, later ones rejected
    with the line of the first. Columns not mapped are kept as attributes, named by the
    header (or ``column N``)."""
    email_at = mapping.get("email")
    if email_at is None:
        raise ValueError("the column holding the e-mail address must be chosen")
    mapped = {i for i in mapping.values() if i is not None}
    seen: dict[str, int] = {}
    columns: list[str] = []
    for line, fields in _rows(decoded.lines, delimiter):
        values = [f.strip() for f in fields]
        if not any(values):
            continue
        if has_header and not columns:
            columns = [v or f"column {i + 1}" for i, v in enumerate(values)]
            continue

        def at(index: int | None, values: list[str] = values) -> str:
            return values[index] if index is not None and index < len(values) else ""

        raw = at(email_at)
        address = clean_address(raw)
        if not address:
            yield Rejection(line, Reason.MISSING_ADDRESS, ";".join(values)[:200])
            continue
        if not is_valid_email(address):
            yield Rejection(line, Reason.INVALID_ADDRESS, raw[:200])
            continue
        key = address.lower()
        if key in seen:
            yield Rejection(line, Reason.DUPLICATE, raw[:200], first_line=seen[key])
            continue
        seen[key] = line
        attributes = {
            (columns[i] if i < len(columns) else f"column {i + 1}"): value
            for i, value in enumerate(values)
            if i not in mapped and value
        }
        yield Row(
            line=line,
            email=address,
            key=key,
            name=at(mapping.get("name")),
            organisation=at(mapping.get("organisation")),
            language=language_of(at(mapping.get("language"))),
            attributes=attributes,
        )
