"""Reading the shared e-mail corpus (/work/shared/corpus/email): where it is, its index, its
expectation tables and the few fields we need from Zammad's Ruby-tagged YAML files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# tests/mail/corpus_files.py -> parents[3] is the folder holding the repository and shared/.
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "email"
HTML_BODY_GLOBS = ("talon/*.html", "talon/html_replies/*.html", "zammad/email_signature_detection/*.html")


def corpus_dir() -> Path:
    """The corpus folder: ``$COMPTOIR_CORPUS_DIR`` when set, else ``../shared/corpus/email``."""
    configured = os.environ.get("COMPTOIR_CORPUS_DIR")
    return Path(configured) if configured else DEFAULT_CORPUS


def corpus_available(root: Path) -> bool:
    return (root / "INDEX.tsv").is_file()


@dataclass(frozen=True)
class Sample:
    """One message of the corpus: path relative to the corpus, source folder and kind."""

    path: str
    kind: str  # raw-mime, body-text, outlook-msg, html-body

    @property
    def source(self) -> str:
        return self.path.split("/", 1)[0]


def samples(root: Path) -> list[Sample]:
    """Every message: the rows of INDEX.tsv plus the HTML bodies it does not list."""
    found: list[Sample] = []
    for line in (root / "INDEX.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("path\t"):
            continue
        path, kind = line.split("\t")[:2]
        found.append(Sample(path, kind))
    for pattern in HTML_BODY_GLOBS:
        found.extend(
            Sample(path.relative_to(root).as_posix(), "html-body") for path in sorted(root.glob(pattern))
        )
    return found


_FRENCH_NAME = re.compile(r"(?:^|[_/.-])(?:fr|french|francais)(?:[_/.-]|$)", re.IGNORECASE)


def french_samples(root: Path) -> set[str]:
    """Paths of the French material: INDEX.tsv counts at least 2 French words, or the name says so."""
    found: set[str] = set()
    for line in (root / "INDEX.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("path\t"):
            continue
        cells = line.split("\t")
        markers = cells[-1].strip()
        if (markers.isdigit() and int(markers) >= 2) or _FRENCH_NAME.search(cells[0]):
            found.add(cells[0])
    return found


def unescape(value: str) -> str:
    """The TSV convention: ``\\n`` is a newline, ``\\t`` a tab, ``\\\\`` a backslash."""
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            following = value[index + 1]
            if following in "nt\\":
                out.append({"n": "\n", "t": "\t", "\\": "\\"}[following])
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


@dataclass(frozen=True)
class Expectation:
    file: str
    check: str
    expected: str
    note: str


def expectations(root: Path, source: str) -> list[Expectation]:
    """Rows of ``<source>/expectations.tsv`` (file, check, expected, note), unescaped."""
    table = root / source / "expectations.tsv"
    if not table.is_file():
        return []
    rows: list[Expectation] = []
    header_seen = False
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = [*line.split("\t"), "", "", "", ""]
        rows.append(Expectation(cells[0], cells[1], unescape(cells[2]), cells[3]))
    return rows


def sisimai_kinds(root: Path) -> dict[str, str]:
    """``maildir/…eml`` -> kind (bounce, auto-reply, feedback-report, not-bounce), one per file."""
    kinds: dict[str, str] = {}
    for line in (
        (root / "sisimai-set-of-emails" / "expectations.tsv").read_text(encoding="utf-8").splitlines()
    ):
        if not line or line.startswith("#") or line.startswith("file\t"):
            continue
        cells = line.split("\t")
        kinds.setdefault(cells[0], cells[1])
    return kinds


def osticket_headers(root: Path) -> list[tuple[str, str]]:
    """(header line, expected class) rows of osticket/header-classification.tsv."""
    rows: list[tuple[str, str]] = []
    for line in (root / "osticket" / "header-classification.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("header_line\t"):
            continue
        header, expected = line.rsplit("\t", 1)
        rows.append((header, expected))
    return rows


_YAML_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "0": "\0", " ": " ", "r": "\r"}


def _yaml_double_quoted(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[following]
                out.append(chr(int(text[index + 2 : index + 2 + width], 16)))
                index += 2 + width
                continue
            out.append(_YAML_ESCAPES.get(following, following))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def zammad_yaml_field(text: str, key: str) -> str | None:
    """A top-level scalar of a Zammad ``.yml`` (plain, single- or double-quoted, folded lines)."""
    found = re.search(rf"^{re.escape(key)}:[ ]?(.*)$", text, flags=re.MULTILINE)
    if found is None:
        return None
    lines = [found.group(1)]
    for continuation in text[found.end() + 1 :].split("\n"):
        if continuation.startswith("  ") and not continuation.lstrip().startswith("- "):
            lines.append(continuation.strip())
        else:
            break
    value = " ".join(part for part in lines if part).strip()
    if value in ("|-", "|", ">", ">-"):
        return "\n".join(lines[1:])
    if value.startswith('"') and value.endswith('"'):
        return _yaml_double_quoted(value[1:-1])
    if value.startswith("'") and value.endswith("'"):
        return value[1:-1].replace("''", "'")
    return value


def zammad_yaml_filenames(text: str) -> list[str]:
    """File names of the attachments a Zammad ``.yml`` expects, HTML body copies left out."""
    names: list[str] = []
    blocks = re.split(r"^- !ruby/hash:ActiveSupport::HashWithIndifferentAccess", text, flags=re.MULTILINE)
    for block in blocks[1:]:
        found = re.search(r"^  filename: (.*)$", block, flags=re.MULTILINE)
        if found is None or "content-alternative: true" in block:
            continue
        name = found.group(1).strip()
        if name.startswith('"') and name.endswith('"'):
            name = _yaml_double_quoted(name[1:-1])
        elif name.startswith("'") and name.endswith("'"):
            name = name[1:-1].replace("''", "'")
        names.append(name)
    return names
