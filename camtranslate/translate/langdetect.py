"""Language of short OCR text: Unicode script first, then py3langid over a short candidate list.

Signs are short ("EXIT", "Push", "24/7"), where n-gram identifiers guess wildly among 97
languages. Two things make it usable:
- the script decides outright where it can (kana → ja, hangul → ko, han → zh, greek → el, ...),
  and narrows py3langid's candidates where it cannot (cyrillic → ru/uk/bg/...);
- for Latin text only a short list is considered: the languages our models serve plus a few
  common ones. Strings with too few letters (numbers, prices, "OK") are "unknown", and
  `detect_frame` gives unknown and low-confidence short bits the frame's dominant language.
"""

from __future__ import annotations

import copy
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

UNKNOWN = "unknown"

WEAK_FOREIGN = 0.0
"""Below this confidence a non-preferred language used to lose to the best preferred one (0.5).
Off: with en→pt and pt→en installed it sent 249 of 3,083 test texts (Tatoeba .short in six
languages, ALL-CAPS sign words) through a model of another language, mostly Spanish, Italian,
French and German into en→pt (benchmarks/bench_signs.py langid; docs/results/translate.md).
A language we cannot translate is now reported as such, not guessed away."""

PRIOR_LETTERS = 8
"""The translatable-language prior applies only to texts of at most this many letters: lone
sign words ("EXIT", "FOOD") that py3langid cannot place, not sentences, which it can."""

COMMON_LATIN = (
    "en",
    "pt",
    "es",
    "fr",
    "de",
    "it",
    "nl",
    "pl",
    "sv",
    "tr",
    "ro",
    "cs",
    "id",
    "ms",
    "vi",
)
"""Latin-script languages always considered (besides those served by installed models); Malay is
there so Singapore's and Malaysia's signs are reported as Malay, not guessed as English."""

_SCRIPT_LANG = {  # scripts that name one language outright
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "GREEK": "el",
    "HEBREW": "he",
    "THAI": "th",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "KHMER": "km",
    "LAO": "lo",
}
_SCRIPT_CANDIDATES = {  # scripts shared by several languages: let py3langid choose among these
    "CYRILLIC": ("ru", "uk", "bg", "sr"),  # the big four; more guesses hurt short text
    "ARABIC": ("ar", "fa", "ur"),
}


@dataclass(frozen=True)
class Detection:
    lang: str
    confidence: float
    letters: int


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    if name.startswith("CJK") or name.startswith("IDEOGRAPHIC"):
        return "HAN"
    return name.split(" ", 1)[0]


_LANG_SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"HAN"}),
    "ja": frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "HAN"}),
    **{lang: frozenset({script}) for script, lang in _SCRIPT_LANG.items() if lang not in ("ja",)},
    **{lang: frozenset({s}) for s, langs in _SCRIPT_CANDIDATES.items() for lang in langs},
}


def script_fits(text: str, lang: str) -> bool:
    """Whether the text's main script can be written in `lang` (Latin for languages we do not
    list). When the user says the text is English, a Chinese shop name in the same frame must
    pass through instead of being forced through an en→X model (which outputs garbage)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    script, _ = Counter(_script(c) for c in letters).most_common(1)[0]
    return script in _LANG_SCRIPTS.get(lang, frozenset({"LATIN"}))


class LanguageDetector:
    """Thread-safe detector; build once (loading py3langid's model takes ~0.1 s)."""

    def __init__(
        self,
        served: Iterable[str] = (),
        *,
        extra: Sequence[str] = COMMON_LATIN,
        min_letters: int = 3,
        min_confidence: float = 0.0,
        weak_foreign: float = WEAK_FOREIGN,
        prior_letters: int = PRIOR_LETTERS,
    ) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        known = set(self._ident.labels)
        self.latin = tuple(sorted({*served, *extra} & known))
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.weak_foreign = weak_foreign
        self.prior_letters = prior_letters
        self._known = known
        self._restricted: dict[tuple[str, ...] | None, object] = {}
        self._lock = threading.Lock()

    def _identifier(self, candidates: tuple[str, ...] | None):
        """A restricted copy per candidate set: set_languages slices the whole model, so do it
        once, not per call (8 ms → 0.3 ms a text)."""
        ident = self._restricted.get(candidates)
        if ident is None:
            with self._lock:
                ident = copy.copy(self._ident)
                ident.set_languages(list(candidates) if candidates else None)
                self._restricted[candidates] = ident
        return ident

    def detect_one(self, text: str, prefer: Iterable[str] = (), boost: float = 1.0) -> Detection:
        """Language of one text. `prefer` languages get their probability multiplied by `boost`
        (a prior: the camera is most likely pointed at a language we can translate) when the
        text has at most `prior_letters` letters."""
        letters = [c for c in text if c.isalpha()]
        n = len(letters)
        if n == 0:
            return Detection(UNKNOWN, 0.0, 0)
        scripts = Counter(_script(c) for c in letters)
        script, _ = scripts.most_common(1)[0]
        if scripts.get("HIRAGANA") or scripts.get("KATAKANA"):
            return Detection("ja", 1.0, n)  # Japanese mixes kana with han
        if script == "HAN":
            return Detection("zh", 1.0, n)
        if script in _SCRIPT_LANG:
            return Detection(_SCRIPT_LANG[script], 1.0, n)
        if n < self.min_letters:
            return Detection(UNKNOWN, 0.0, n)
        if script == "LATIN":
            candidates = self.latin
        elif script in _SCRIPT_CANDIDATES:
            candidates = tuple(c for c in _SCRIPT_CANDIDATES[script] if c in self._known)
        else:
            candidates = None  # a script we do not know: ask py3langid with every language
        if candidates is not None and len(candidates) == 1:
            return Detection(candidates[0], 1.0, n)
        ident = self._identifier(candidates or None)
        if self.prior_letters and n > self.prior_letters:
            boost = 1.0
        preferred = set(prefer) & set(ident.nb_classes) if boost != 1.0 else set()
        if preferred:
            ranked = [
                (lang, p * (boost if lang in preferred else 1.0)) for lang, p in ident.rank(text)
            ]
            total = sum(p for _, p in ranked) or 1.0
            lang, score = max(ranked, key=lambda x: x[1])
            if lang not in preferred and score / total < self.weak_foreign:
                # optional (off by default, see WEAK_FOREIGN): a weak foreign guess yields
                lang, score = max((r for r in ranked if r[0] in preferred), key=lambda x: x[1])
            conf = score / total
        else:
            lang, conf = ident.classify(text)
        if conf < self.min_confidence:
            return Detection(UNKNOWN, float(conf), n)
        return Detection(str(lang), float(conf), n)

    def detect(self, text: str) -> str:
        return self.detect_one(text).lang

    def detect_frame(self, texts: Sequence[str], **options: Any) -> list[str]:
        """Per-text languages (`detect_frame_scored` without the confidences)."""
        return [d.lang for d in self.detect_frame_scored(texts, **options)]

    def detect_frame_scored(
        self,
        texts: Sequence[str],
        *,
        prefer: Iterable[str] = (),
        boost: float = 1.0,
        keep: Iterable[str] = (),
        short_letters: int = 12,
        weak_confidence: float = 0.9,
    ) -> list[Detection]:
        """Per-text detections, with undetectable or weakly-detected short bits given the
        frame's dominant language (weighted by letters), so "Exit" beside a paragraph of
        Portuguese is not called Catalan. Only texts detected with some certainty (long, or
        sure) vote: a frame of short guesses keeps them, so one brand name read as Czech
        ("METOUSTH") does not make "SUSHI" Czech, nor a weak German guess turn "EXIT" German.
        Texts detected as a `keep` language (the target: bilingual signs) are never overridden.
        A text given the frame's language carries that language's best confidence in the frame.
        """
        prefer = tuple(prefer)
        keep = set(keep)
        dets = [self.detect_one(t, prefer, boost) for t in texts]

        def weak(d: Detection) -> bool:
            return d.letters < short_letters and d.confidence < weak_confidence

        votes: dict[str, float] = {}
        best: dict[str, float] = {}
        for d in dets:
            if d.lang != UNKNOWN and (not weak(d) or d.lang in prefer):
                votes[d.lang] = votes.get(d.lang, 0.0) + d.letters * d.confidence
                best[d.lang] = max(best.get(d.lang, 0.0), d.confidence)
        if not votes:
            return dets
        majority = max(votes, key=lambda lang: votes[lang])
        out = []
        for text, d in zip(texts, dets, strict=True):
            override = d.lang == UNKNOWN or (weak(d) and d.lang not in keep)
            # never across scripts: "EXIT" beside Chinese shop names is not Chinese
            if override and script_fits(text, majority):
                out.append(Detection(majority, best[majority], d.letters))
            else:
                out.append(d)
        return out
