"""The visible reply: the new text of a mail, without quoted history and signature.

Procedure 001 and 002 tickets are conversations by mail, and every reply carries the whole
previous thread. The new text is found in three passes over the plain text:

1. the French-clients normaliser (:mod:`french_clients`) rewrites what mail-parser-reply
   would miss (non-breaking spaces, wrapped "Le … a écrit :", ``Envoyé le :``…);
2. quote headers are found with mail-parser-reply's own patterns, one per language, plus
   the separators and attributions it does not know (:mod:`quote_headers`);
3. the signature is cut from what remains (:mod:`signature`).

Layout rules: a header followed by unquoted text starts the history (top-posting, Outlook,
forwards); a ``>`` block at the end is history, with the attribution line above it; a header
and its ``>`` block at the very top followed by new text is a bottom-posted reply (the
history goes, the text after it stays); ``>`` blocks interleaved with answers stay, as the
answers need them. When nothing would remain (a forward without comment, a mail that is only a
quote), the forwarded body, then the whole text, is kept: the view is empty only for an empty
mail or one that holds nothing but a signature.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from comptoir.mail.parsing.french_clients import NormalisedLine, normalise, split_lines
from comptoir.mail.parsing.quote_headers import find_headers, is_quoted
from comptoir.mail.parsing.signature import signature_start, starts_signature

_JUNK = re.compile(r"^[\s\-_=*~#+.ᐧ|]*$")
_MAX_FORWARDS = 5  # forwards of forwards opened to find a text


@dataclass(frozen=True)
class Reply:
    """The new text of a reply (``visible``), and what was cut from it."""

    visible: str
    signature: str
    quoted: str


def _quote_block_end(texts: list[str], start: int) -> int:
    """Last line of the ``>`` block starting at ``start``.

    Blank lines inside it belong to it, and so does an unquoted line squeezed between two
    quoted ones (a long quoted line that the sender's client re-wrapped without its ``>``).
    """
    last = start
    index = start
    while index < len(texts):
        if is_quoted(texts[index]):
            last = index
        elif texts[index]:
            wrapped = is_quoted(texts[index - 1]) and index + 1 < len(texts) and is_quoted(texts[index + 1])
            if not wrapped:
                break
        index += 1
    return last


def _next_content(texts: list[str], start: int) -> int | None:
    for index in range(start, len(texts)):
        if texts[index]:
            return index
    return None


@dataclass(frozen=True)
class _Layout:
    """Per-line facts computed once, so that the layout rules stay linear in the mail's length."""

    block_starts: list[int]  # first line of each ">" block, in order
    quoted_after: list[bool]  # a ">" line at or after this line?

    @classmethod
    def of(cls, texts: list[str]) -> _Layout:
        starts: list[int] = []
        index = 0
        while index < len(texts):
            if is_quoted(texts[index]):
                starts.append(index)
                index = _quote_block_end(texts, index) + 1
            else:
                index += 1
        quoted_after = [False] * (len(texts) + 1)
        for position in range(len(texts) - 1, -1, -1):
            quoted_after[position] = quoted_after[position + 1] or is_quoted(texts[position])
        return cls(starts, quoted_after)

    def blocks_from(self, start: int) -> int:
        """How many ">" blocks start at or after ``start``."""
        return len(self.block_starts) - bisect.bisect_left(self.block_starts, start)


def _header_block_end(texts: list[str], last: int) -> int:
    """End of a forwarded header block: the ``Key: value`` lines (and their continuations) until a blank."""
    index = last + 1
    while index < len(texts) and texts[index] and not is_quoted(texts[index]):
        index += 1
    return index - 1


def _classify(texts: list[str], headers: dict[int, int]) -> tuple[list[bool], int | None]:
    """Which normalised lines are quoted history; and the first header when the history runs to the end."""
    removed = [False] * len(texts)
    layout = _Layout.of(texts)
    seen_text = False
    index = 0
    while index < len(texts):
        text = texts[index]
        if index in headers:
            last = headers[index]
            following = _next_content(texts, last + 1)
            if following is not None and is_quoted(texts[following]):
                block_end = _quote_block_end(texts, following)
                after = _next_content(texts, block_end + 1)
                if _is_tail(texts, block_end + 1, layout):
                    for position in range(index, block_end + 1):
                        removed[position] = True
                    return removed, None
                if after is not None and after not in headers:
                    if layout.blocks_from(
                        block_end + 1
                    ):  # answers between quotes: keep them with their context
                        index = block_end + 1
                        continue
                    if not seen_text:  # bottom-posted: the history is above the answer
                        for position in range(index, block_end + 1):
                            removed[position] = True
                        index = block_end + 1
                        continue
            for position in range(index, len(texts)):
                removed[position] = True
            return removed, index
        if is_quoted(text):
            block_end = _quote_block_end(texts, index)
            if _is_tail(texts, block_end + 1, layout):
                start = index
                previous = _previous_content(texts, index)
                if (
                    previous is not None
                    and texts[previous].rstrip().endswith((":", "："))
                    and not is_quoted(texts[previous])
                ):
                    start = previous
                for position in range(start, block_end + 1):
                    removed[position] = True
                return removed, None
            index = block_end + 1
            continue
        if text:
            seen_text = True
        index += 1
    return removed, None


def _is_tail(texts: list[str], start: int, layout: _Layout) -> bool:
    """Nothing but blank lines or a signature/footer from ``start`` to the end?"""
    following = _next_content(texts, start)
    if following is None:
        return True
    return not layout.quoted_after[following] and starts_signature(texts[following : following + 20])


def _previous_content(texts: list[str], index: int) -> int | None:
    for position in range(index - 1, -1, -1):
        if texts[position]:
            return position
    return None


def _original(lines: list[str], norm: list[NormalisedLine], indices: list[int]) -> str:
    selected: list[str] = []
    for index in indices:
        selected.extend(lines[norm[index].first : norm[index].last + 1])
    while selected and not selected[0].strip():
        selected.pop(0)
    return "\n".join(selected).rstrip()


def extract_reply(text: str, *, sender_name: str = "", strip_closings: bool = True) -> Reply:
    """The new text of ``text`` (a plain-text mail body), its signature and its quoted history.

    ``sender_name`` (the From display name) lets a trailing block that starts with the
    sender's name count as a signature. ``strip_closings`` (on by default) cuts a closing
    formula and the short block after it ("Cordialement,\\nMarie Dupont\\nService compta")
    into the signature.
    """
    return _extract(text, sender_name=sender_name, strip_closings=strip_closings, depth=0)


def _extract(text: str, *, sender_name: str, strip_closings: bool, depth: int) -> Reply:
    """:func:`extract_reply`, opening at most ``_MAX_FORWARDS`` nested forwards without comment."""
    lines = split_lines(text)
    norm = normalise(lines)
    texts = [line.text for line in norm]
    headers = find_headers(norm)
    removed, history_header = _classify(texts, headers)
    visible = [index for index, gone in enumerate(removed) if not gone]
    quoted = [index for index, gone in enumerate(removed) if gone]
    if not any(texts[index] for index in visible):
        if history_header is not None and depth < _MAX_FORWARDS:
            body_start = _header_block_end(texts, headers[history_header]) + 1
            inner = _extract(
                _original(lines, norm, list(range(body_start, len(norm)))),
                sender_name=sender_name,
                strip_closings=strip_closings,
                depth=depth + 1,
            )
            if inner.visible:
                head = _original(lines, norm, list(range(history_header, body_start)))
                return Reply(
                    visible=inner.visible, signature=inner.signature, quoted=_join(head, inner.quoted)
                )
        visible, quoted = list(range(len(norm))), []
    cut = signature_start(
        [texts[index] for index in visible], closings=strip_closings, sender_name=sender_name
    )
    signature: list[int] = []
    if cut is not None:
        visible, signature = visible[:cut], visible[cut:]
    # Separator lines left at the end ("____", "--", "ᐧ") go with what follows them.
    while visible and _JUNK.match(texts[visible[-1]]):
        junk = visible.pop()
        if signature or not quoted:
            signature.insert(0, junk)
        else:
            quoted.insert(0, junk)
    quoted.sort()
    return Reply(
        visible=_original(lines, norm, visible),
        signature=_original(lines, norm, signature).strip(),
        quoted=_original(lines, norm, quoted).strip(),
    )


def _join(first: str, second: str) -> str:
    return "\n".join(part for part in (first, second) if part)
