"""Placeholders in notice and newsletter texts (pure: no Django).

A text names values as ``{{ services }}`` or ``{{ contact.name }}``. A section
``{{#cause}} … {{/cause}}`` is kept only when ``cause`` has a value, an inverted section
``{{^cause}} … {{/cause}}`` only when it has none: procedure 004 says to remove the
justification paragraphs when nobody from the technical team can give the cause.

Unknown names render as nothing; ``unknown_names`` lets a form refuse them before saving.
Paragraphs emptied by a removed section leave no run of blank lines behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NAME = r"[A-Za-z_][\w.\-]*"
TAG = re.compile(r"\{\{\s*([#^/]?)\s*(" + NAME + r")\s*\}\}")
BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
TRAILING_SPACE = re.compile(r"[ \t]+\n")


class TemplateSyntaxError(ValueError):
    """A section is opened and not closed, or closed without being opened."""


@dataclass(frozen=True)
class _Node:
    kind: str  # "text", "value", "section", "inverted"
    text: str = ""
    name: str = ""
    children: tuple[_Node, ...] = ()


def _parse(text: str) -> tuple[_Node, ...]:
    stack: list[tuple[str, str, list[_Node]]] = [("", "", [])]
    position = 0
    for match in TAG.finditer(text):
        if match.start() > position:
            stack[-1][2].append(_Node("text", text=text[position : match.start()]))
        position = match.end()
        sigil, name = match.group(1), match.group(2)
        if sigil in {"#", "^"}:
            stack.append((sigil, name, []))
        elif sigil == "/":
            opened_sigil, opened_name, children = stack.pop() if len(stack) > 1 else ("", "", [])
            if opened_name != name:
                raise TemplateSyntaxError(f"{{{{/{name}}}}} closes no open section")
            kind = "section" if opened_sigil == "#" else "inverted"
            stack[-1][2].append(_Node(kind, name=name, children=tuple(children)))
        else:
            stack[-1][2].append(_Node("value", name=name))
    if len(stack) > 1:
        raise TemplateSyntaxError(f"{{{{#{stack[-1][1]}}}}} is never closed")
    if position < len(text):
        stack[0][2].append(_Node("text", text=text[position:]))
    return tuple(stack[0][2])


def _render(nodes: Iterable[_Node], values: Mapping[str, str], out: list[str]) -> None:
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "value":
            out.append(values.get(node.name, ""))
        elif node.kind == "section":
            if values.get(node.name, "").strip():
                _render(node.children, values, out)
        elif not values.get(node.name, "").strip():
            _render(node.children, values, out)


def tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    text = TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n"))
    return BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render(text: str, values: Mapping[str, str]) -> str:
    out: list[str] = []
    _render(_parse(text), values, out)
    return tidy("".join(out))


def render_line(text: str, values: Mapping[str, str]) -> str:
    """A subject: one line, spaces collapsed."""
    out: list[str] = []
    _render(_parse(text), values, out)
    return " ".join("".join(out).split())


def names(text: str) -> set[str]:
    return {match.group(2) for match in TAG.finditer(text)}


def unknown_names(
    text: str, known: Iterable[str], *, open_prefixes: Iterable[str] = ("contact.",)
) -> list[str]:
    """Names the text uses that no value will fill (``contact.*`` is open: any column of
    an imported list). Raises ``TemplateSyntaxError`` if the sections do not nest."""
    _parse(text)
    allowed = set(known)
    prefixes = tuple(open_prefixes)
    return sorted(n for n in names(text) if n not in allowed and not n.startswith(prefixes))
