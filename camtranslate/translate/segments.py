"""Split one OCR text into the pieces a model should see and the pieces it must not touch.

Signs mix things a translation model mangles or drops:
- web addresses, e-mail addresses, @handles and #CamelCaseTags: "info@shop.com" came back as
  "info.shop.com", "https://x.com" as "https://x.com.", "instagram.com/mango" was reported as
  Italian with "no model for it→pt", "#GVSuntecCty" as Romanian (words glued together are a
  name, not a sentence). They are copied through verbatim, never translated or reported;
- names and terms in the user's glossary (translate/glossary.py): kept as written or drawn as
  the user's translation;
- two scripts on one line, as on bilingual signs: "出口 EXIT" came back as "- SAÍDA" and
  "ENTRADA 入口" as "ENTRADA" (the Latin-script model drops what it cannot read). Each script
  run is translated (or kept) on its own and the line is put back together in its order.

`split` returns the pieces; `TranslationService.translate` sends every translatable piece of a
frame through the usual detection, routing and guard, in one batch, and joins the results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from camtranslate.translate.glossary import Span

_TLD = (
    r"(?:com|org|net|edu|gov|info|biz|io|co|app|shop|store"
    r"|br|pt|uk|us|de|fr|es|it|jp|cn|kr|eu|ca|au|me|tv)"
)
_PROTECTED = re.compile(
    r"""
    (?:https?://|ftp://)\S+                                  # a URL with a scheme
  | www\.\S+                                                 # www.anything
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                             # an e-mail address
  | (?<![\w@])@\w{2,}                                        # an @handle
  | (?<![\w#])\#(?=(?-i:\w*(?:[a-z][A-Z]|\d)))\w{2,}            # a #CamelCase or #tag2024
  | (?<![\w@.])[\w-]+(?:\.[\w-]+)*\."""
    + _TLD
    + r"""\b(?:/\S*)?   # a bare domain, maybe a path
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}\"'»”’"
"""Punctuation that ends a sentence around an address rather than belonging to it."""

_SCRIPT_GROUP = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HAN": "CJK", "HANGUL": "CJK"}
MIN_RUN_LETTERS = 2
"""A script run shorter than this stays with its neighbours ("5 Ω resistor" is one piece)."""


@dataclass(frozen=True)
class Piece:
    text: str
    translate: bool
    """False: copied through (an address, a handle, a glossary term, the spaces between runs)."""
    shown: str | None = None
    """What to draw for a piece copied through, when not its text (a glossary translation)."""

    @property
    def output(self) -> str:
        return self.text if self.shown is None else self.shown


def _script_group(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    if name.startswith(("CJK", "IDEOGRAPHIC")):
        return "CJK"
    script = name.split(" ", 1)[0]
    return _SCRIPT_GROUP.get(script, script)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PROTECTED.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if end - start >= 3:
            spans.append((start, end))
    return spans


def _script_runs(text: str) -> list[str]:
    """The text cut where the letters' script changes, runs of fewer than MIN_RUN_LETTERS
    letters merged into a neighbour; non-letters stay with the run before them."""
    runs: list[tuple[str, list[str]]] = []  # (group, chars)
    for ch in text:
        group = _script_group(ch) if ch.isalpha() else ""
        if runs and (not group or group == runs[-1][0] or not runs[-1][0]):
            if group and not runs[-1][0]:
                runs[-1] = (group, runs[-1][1])
            runs[-1][1].append(ch)
        else:
            runs.append((group, [ch]))
    merged: list[tuple[str, str]] = []
    for group, chars in runs:
        piece = "".join(chars)
        letters = sum(c.isalpha() for c in piece)
        if merged and (letters < MIN_RUN_LETTERS or group == merged[-1][0]):
            merged[-1] = (merged[-1][0], merged[-1][1] + piece)
        elif merged and sum(c.isalpha() for c in merged[-1][1]) < MIN_RUN_LETTERS:
            merged[-1] = (group, merged[-1][1] + piece)
        else:
            merged.append((group, piece))
    return [piece for _, piece in merged]


def _with_spaces(piece: str) -> list[Piece]:
    """A translatable run with its surrounding white space split off, so the join keeps it."""
    core = piece.strip()
    if not core:
        return [Piece(piece, False)]
    start = piece.index(core[0])
    out = []
    if start:
        out.append(Piece(piece[:start], False))
    out.append(Piece(core, True))
    if start + len(core) < len(piece):
        out.append(Piece(piece[start + len(core) :], False))
    return out


def split(text: str, terms: Sequence[Span] = ()) -> list[Piece]:
    """The pieces of `text`, in order; joining their texts gives `text` back exactly.

    `terms`: glossary spans (translate/glossary.py), copied through as the glossary says; they
    win over an address that overlaps them. A text with nothing to protect and one script is
    one translatable piece (the common case).
    """
    pieces: list[Piece] = []
    pos = 0
    shown = {(t.start, t.end): t.text for t in terms}
    spans = [(t.start, t.end) for t in terms]
    for span in _protected_spans(text):
        if all(span[1] <= s or span[0] >= e for s, e in spans):
            spans.append(span)
    for start, end in [*sorted(spans), (len(text), len(text))]:
        between = text[pos:start]
        if between.strip():
            for run in _script_runs(between):
                pieces.extend(_with_spaces(run))
        elif between:
            pieces.append(Piece(between, False))
        if end > start:
            pieces.append(Piece(text[start:end], False, shown.get((start, end))))
        pos = end
    words = [p for p in pieces if not p.text.isspace()]
    if len(words) == 1 and words[0].translate:
        return [Piece(text, True)]  # one run with spaces around: the text as it was
    return pieces
