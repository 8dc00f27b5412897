"""No invented text: check every translation against its source before it is drawn or cached.

Small MT models (and the Bergamot teacher they learn from) add things a sign never said:
"Men's Wear" → "Men's Wear (em inglês)", "Farn" → "Farn (o)", "Tel. 555-0123" → "Tel. 55,R ⁇ 123".
A reader trusts what is drawn over the picture, so:

- bracketed notes and quote marks the source did not have are removed, when what is left is
  still a translation; a source with brackets of its own keeps them, and a translation whose
  brackets no longer fit (more of them, or unbalanced: "B(st)" → "B (em inglês))") is not
  drawn;
- digits must survive: the translation's digit runs must be the source's (same multiset), else
  the source is kept;
- SentencePiece's unknown mark "⁇" means the model could not spell something: source kept;
- a translation the model was unsure of (mean token log-probability below `min_score`, measured
  in docs/results/translate.md) is not drawn: the source is kept and marked untranslated.

`GuardedTranslator` applies this inside the cache (a guarded result is what gets cached) and
keeps its entries under their own cache namespace (`GUARD_VERSION`), so phrases cached before
the guard existed, or by an older guard, are never served again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from camtranslate.translate.ct2 import CT2Translator, Scored

GUARD_VERSION = 3
"""Bump when a rule changes (here or in how ct2.py spells sign text for the model): cached
results of older rules are then ignored. 2: sign variants and `pick_variant`; 3: brackets are
checked when the source has its own, texts that lost a sentence are re-translated, and copied
words keep the source's capitals (`ct2.keep_source_case`)."""

MIN_SCORE = -0.2
"""Mean token log-probability below which a translation is not drawn. Measured on Tatoeba vs
nonsense, for the interim students and the grafted probes (bench_signs.py confidence;
docs/results/translate.md): it drops 0.1 % of Tatoeba translations for en→pt and 1.3 % for the
weak interim pt→en student (those score chrF 25 against 56 for all), and keeps the source for
2-16 % of random-letter strings and cut fragments. The grafted models are confident even on
nonsense (they copy it through unchanged), so the invented-text rules below do most of the
work; -0.6 caught nothing at all."""

KEPT = "\ue000"
"""Private-use mark that starts a cached "kept the source" entry: KEPT + reason. OCR and the
models never produce it, so it cannot be confused with a real translation."""

UNSURE = "unsure"
INVENTED = "invented text"
DIGITS = "numbers changed"
UNKNOWN_PIECE = "unknown characters"
EMPTY = "empty translation"

_NOTE = re.compile(r"\s*[(\[{（【][^()\[\]{}（）【】]*[)\]}）】]")
_BRACKETS = "()[]{}（）【】"
_QUOTES = '"“”„«»'
_DIGITS = re.compile(r"\d+")
_UNK = "⁇"
_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Verdict:
    """What to show for one text: `text` is the translation, or the source when `reason` says
    why it was kept."""

    text: str
    reason: str = ""

    @property
    def kept(self) -> bool:
        return bool(self.reason)


def _has_any(text: str, chars: str) -> bool:
    return any(c in text for c in chars)


def _brackets(text: str) -> Counter[str]:
    return Counter(c for c in text if c in _BRACKETS)


def _more(have: Counter[str], allowed: Counter[str]) -> bool:
    return any(n > allowed[c] for c, n in have.items())


def _balanced(text: str) -> bool:
    counts = _brackets(text)
    return all(counts[o] == counts[c] for o, c in zip(_BRACKETS[::2], _BRACKETS[1::2], strict=True))


def _bracket_trouble(source: str, translation: str) -> bool:
    """More brackets than the source had, or unbalanced ones where the source's were not (a
    translation may drop a bracketed pair: "Exit (left)" → "Saída à esquerda")."""
    return _more(_brackets(translation), _brackets(source)) or (
        _balanced(source) and not _balanced(translation)
    )


def strip_invented(source: str, translation: str) -> str:
    """The translation without bracketed notes and quote marks that the source lacks. When the
    source has brackets of its own, notes are taken off from the end while the translation has
    more brackets than the source ("(24h) (em inglês)" → "(24h)")."""
    out = translation
    if not _has_any(source, _BRACKETS):
        out = _NOTE.sub("", out)
        out = "".join(c for c in out if c not in _BRACKETS)  # a note cut off by the length cap
    else:
        allowed = _brackets(source)
        while _more(_brackets(out), allowed):
            notes = list(_NOTE.finditer(out))
            if not notes:
                break
            out = out[: notes[-1].start()] + out[notes[-1].end() :]
    if not _has_any(source, _QUOTES):
        out = "".join(c for c in out if c not in _QUOTES)
    return _SPACES.sub(" ", out).strip()


def digit_runs(text: str) -> Counter[str]:
    return Counter(_DIGITS.findall(text))


def check(
    source: str, translation: str, score: float | None = None, *, min_score: float = MIN_SCORE
) -> Verdict:
    """The verdict for one model output (see the module doc for the rules, in order)."""
    if score is not None and score < min_score:
        return Verdict(source, f"{UNSURE} ({score:.2f})")
    if _UNK in translation and _UNK not in source:
        return Verdict(source, UNKNOWN_PIECE)
    cleaned = strip_invented(source, translation)
    if not cleaned or not any(c.isalnum() for c in cleaned):
        return Verdict(source, INVENTED if translation.strip() else EMPTY)
    if _bracket_trouble(source, cleaned):
        # the source's own brackets came back wrong: "B(st)" → "B (em inglês))" (without
        # brackets in the source, strip_invented has already taken every one out)
        return Verdict(source, INVENTED)
    if digit_runs(cleaned) != digit_runs(source):
        return Verdict(source, DIGITS)
    return Verdict(cleaned)


def invented(source: str, translation: str) -> bool:
    """Whether a translation adds a bracket, quote mark or digits the source did not have, or
    loses the source's digits (what the benchmark counts)."""
    return (
        strip_invented(source, translation) != _SPACES.sub(" ", translation).strip()
        or digit_runs(source) != digit_runs(translation)
        or (_UNK in translation and _UNK not in source)
    )


def encode(verdict: Verdict) -> str:
    """The cache form of a verdict: the translation, or KEPT + reason."""
    return KEPT + verdict.reason if verdict.kept else verdict.text


def decode(source: str, cached: str) -> Verdict:
    """Inverse of `encode` for a cached or freshly guarded string."""
    if cached.startswith(KEPT):
        return Verdict(source, cached[len(KEPT) :] or UNSURE)
    return Verdict(cached)


class GuardedTranslator:
    """A Translator whose outputs have passed `check`; kept sources come back `encode`d.

    Sits between the CTranslate2 translator and the phrase cache, so a guarded result is what is
    cached. Its `model_id` carries the guard version: the cache key changes with the rules.
    """

    def __init__(self, inner: CT2Translator, min_score: float = MIN_SCORE) -> None:
        self.inner = inner
        self.min_score = min_score
        self.source_lang = inner.source_lang
        self.target_lang = inner.target_lang
        self.model_id = f"{inner.model_id}+guard{GUARD_VERSION}"

    def verdicts(self, texts: Sequence[str]) -> list[Verdict]:
        scored: list[Scored] = self.inner.translate_scored(texts)
        return [
            check(src, s.text, s.score, min_score=self.min_score) if s.text else Verdict(s.text)
            for src, s in zip(texts, scored, strict=True)
        ]

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [encode(v) for v in self.verdicts(texts)]
