"""Routing: which text goes to which model, in as few model calls as possible.

For one frame's texts: detect languages when asked ("auto"), let through what needs no
translation (already in the target language, or no letters: "24/7", "€ 3,50"), group the rest by
language pair, and run each group as ONE batch through the direct model, or through English
(X→en→Y) when no direct model exists. Every model output passes the guard (translate/guard.py)
before it is cached or returned. Text that is left as it is for a reason the user should see —
a language with no model ("fr: no model for fr→pt; ..."), a translation the model was unsure
of, one that invented text — carries that reason in its outcome (`untranslated`).
Translators are created on first use and kept, one loaded model per model folder (a
multilingual model serves all its pairs from one load).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from camtranslate.errors import ModelIntegrityError, ModelNotFoundError
from camtranslate.models.registry import InstalledModel, ModelRegistry
from camtranslate.translate import segments
from camtranslate.translate.cache import CachedTranslator, PhraseCache
from camtranslate.translate.ct2 import CT2Translator, DecodeOptions
from camtranslate.translate.glossary import Glossary, GlossaryFile
from camtranslate.translate.guard import MIN_SCORE, GuardedTranslator, decode
from camtranslate.translate.langdetect import UNKNOWN, LanguageDetector, script_fits
from camtranslate.types import UNCLEAR_LANGUAGE

log = logging.getLogger(__name__)

AUTO = "auto"
PIVOT = "en"
PREFER_BOOST = 3.0
"""Prior for the languages we can translate into the target under "auto" (not the target itself:
a lone "Exit" called Portuguese would pass through untranslated), for lone sign words only
(langdetect.PRIOR_LETTERS). Measured with en→pt and pt→en installed, one text at a time
(bench_signs.py langid): ALL-CAPS English sign words found 86% of the time (45% without a
prior); texts routed through a model of another language 21 (→pt) and 40 (→en) of 3,083,
against 249 and 295 with the old ×3 prior on every text plus the weak-foreign override.
See docs/results/translate.md."""
SURE_LANGUAGE = 0.4
"""Below this detection confidence a language with no model is reported as unclear, not by
name. Measured (bench_signs.py langid, →pt): random letters named as some language 76 % of the
time with no floor, 14 % at 0.4; Tatoeba .short de/fr/es/it still named right 98/96/88/95 %
(99/97/93/97 with no floor), the rest said to be unclear rather than named wrong."""
INSTALL_HINT = "install one with `camtranslate models install`"
GLOSSARY = "glossary"
"""The route entry of a text that shows a glossary translation."""


@dataclass(frozen=True)
class TranslationOutcome:
    text: str
    translation: str
    source_lang: str
    """The language translated from (detected under "auto"); "unknown" when undetectable."""
    cached: bool = False
    route: tuple[str, ...] = ()
    """Model ids used in order (two for a pivot), then GLOSSARY when a glossary translation is
    drawn; empty when the text passed through unchanged."""
    reason: str = ""
    """Why the text was left untranslated ("" when it was translated, or needed no translation:
    already in the target language, no letters)."""

    @property
    def passthrough(self) -> bool:
        return not self.route

    @property
    def untranslated(self) -> bool:
        """The source is shown as is, and the user should know why (see `reason`)."""
        return bool(self.reason)


def normalize_lang(code: str) -> str:
    """Reduce "pt-BR" / "pt_br" / "PT" to "pt": models and detection work on ISO 639-1 codes."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


def worth_translating(text: str) -> bool:
    """At least two letters: "0B1", "P" or "24h" carry no language to translate from (and a
    code must not inherit the frame's language and be reported as "no model for it→pt")."""
    return sum(c.isalpha() for c in text) >= 2


class TranslationService:
    def __init__(
        self,
        registry: ModelRegistry,
        cache: PhraseCache | None = None,
        device: str = "auto",
        compute_type: str = "int8",
        threads: int = 0,
        *,
        options: DecodeOptions | None = None,
        min_score: float = MIN_SCORE,
        glossary: Glossary | GlossaryFile | None = None,
    ) -> None:
        self.registry = registry
        self.glossary = glossary
        """The user's terms: kept as written or drawn their way (translate/glossary.py)."""
        self.min_score = min_score
        """Translations the model scores below this are not shown (guard.MIN_SCORE)."""
        self.cache = cache
        self.device = device
        self.compute_type = compute_type
        self.threads = threads
        self.options = options
        self._engines: dict[str, CT2Translator] = {}
        self._translators: dict[tuple[str, str, str], GuardedTranslator | CachedTranslator] = {}
        self._detector: LanguageDetector | None = None
        self._lock = threading.RLock()
        self._verified: dict[str, ModelIntegrityError | None] = {}
        self.notices: list[str] = []
        """One line per fallback taken (a model failed verification and another one serves)."""

    # -- routes ---------------------------------------------------------------------------------
    def route(self, source: str, target: str) -> list[InstalledModel] | None:
        """Models to chain for source→target: [direct], [src→en, en→tgt], or None."""
        source, target = normalize_lang(source), normalize_lang(target)
        direct = self._find(source, target)
        if direct is not None:
            return [direct]
        if PIVOT not in (source, target):
            first = self._find(source, PIVOT)
            second = self._find(PIVOT, target)
            if first is not None and second is not None:
                return [first, second]
        return None

    def _find(self, source: str, target: str) -> InstalledModel | None:
        """The best model for the pair that passes verification; a user model that fails it
        (a corrupted download) must not block a good embedded model for the same pair. When
        none passes, the first is returned so loading it reports the real problem."""
        candidates = self.registry.find_all(source, target)
        failed: list[tuple[InstalledModel, ModelIntegrityError]] = []
        for model in candidates:
            problem = self._check(model)
            if problem is None:
                for bad, why in failed:
                    self._notice(
                        f"{bad.origin} model {bad.id} failed verification ({why}); using "
                        f"{model.origin} model {model.id} ({model.path}) for {source}→{target}"
                    )
                return model
            failed.append((model, problem))
        return candidates[0] if candidates else None

    def _check(self, model: InstalledModel) -> ModelIntegrityError | None:
        key = str(model.path)
        with self._lock:
            if key not in self._verified:
                try:
                    model.verify()
                    self._verified[key] = None
                except ModelIntegrityError as exc:
                    self._verified[key] = exc
            return self._verified[key]

    def _notice(self, message: str) -> None:
        with self._lock:
            if message not in self.notices:
                self.notices.append(message)
                log.warning("%s", message)

    def language_pairs(self) -> list[tuple[str, str]]:
        """Every reachable (source, target), pivots through English included."""
        direct = set(self.registry.pairs())
        into_en = {s for s, t in direct if t == PIVOT}
        from_en = {t for s, t in direct if s == PIVOT}
        pivots = {(s, t) for s in into_en for t in from_en if s != t}
        return sorted(direct | pivots)

    @staticmethod
    def no_model_reason(lang: str, target: str, confidence: float = 1.0) -> str:
        """What the user reads for text in a language nothing translates into the target. A
        weak guess is not named as the language: OCR junk ("Woastal WERPENY", 21 % Romanian)
        must not send the user off to install a Romanian model."""
        if confidence < SURE_LANGUAGE:
            return (
                f"{UNCLEAR_LANGUAGE} ({lang}? {confidence:.0%}); "
                "choose the source language to translate it"
            )
        return f"{lang}: no model for {lang}→{target}; camtranslate models install <model>"

    def _not_found(self, source: str, target: str) -> ModelNotFoundError:
        pairs = ", ".join(f"{s}→{t}" for s, t in self.registry.pairs()) or "none"
        return ModelNotFoundError(
            f"no model translates {source}→{target} (installed: {pairs}); {INSTALL_HINT}"
        )

    # -- translators ----------------------------------------------------------------------------
    def _translator(self, model: InstalledModel, src: str, tgt: str):
        key = (model.manifest.id, src, tgt)
        with self._lock:
            tr = self._translators.get(key)
            if tr is not None:
                return tr
            engine = self._engines.get(model.manifest.id)
            if engine is None:
                engine = CT2Translator(
                    model,
                    self.device,
                    self.compute_type,
                    self.threads,
                    source_lang=src,
                    target_lang=tgt,
                    options=self.options,
                )
                self._engines[model.manifest.id] = engine
            base = GuardedTranslator(
                engine
                if (engine.source_lang, engine.target_lang) == (src, tgt)
                else (engine.for_pair(src, tgt)),
                self.min_score,
            )
            tr = CachedTranslator(base, self.cache) if self.cache is not None else base
            self._translators[key] = tr
            return tr

    def _legs(self, source: str, target: str):
        models = self.route(source, target)
        if models is None:
            raise self._not_found(source, target)
        if len(models) == 1:
            return [self._translator(models[0], source, target)]
        return [
            self._translator(models[0], source, PIVOT),
            self._translator(models[1], PIVOT, target),
        ]

    @staticmethod
    def _run(tr, texts: list[str]) -> list[tuple[str, bool]]:
        """[(guarded translation or guard.encode'd kept source, from cache)] in order."""
        if isinstance(tr, CachedTranslator):
            return tr.translate_with_flags(texts)
        return [(t, False) for t in tr.translate_batch(texts)]

    @staticmethod
    def _model_id(tr: GuardedTranslator | CachedTranslator) -> str:
        guarded = tr.inner if isinstance(tr, CachedTranslator) else tr
        assert isinstance(guarded, GuardedTranslator)  # the only kind `_translator` builds
        return guarded.inner.model_id

    @property
    def detector(self) -> LanguageDetector:
        with self._lock:
            if self._detector is None:
                served = {lang for pair in self.registry.pairs() for lang in pair}
                self._detector = LanguageDetector(served)
            return self._detector

    # -- API ------------------------------------------------------------------------------------
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[TranslationOutcome]:
        """One outcome per text, in order. Explicit pairs without a route raise
        ModelNotFoundError; under "auto", texts in a language nothing can translate are left as
        they are, with the reason (`no_model_reason`), never sent through another pair's model.

        Addresses and handles are copied through, and a line in two scripts is translated run
        by run (translate/segments.py); all pieces of all texts still go in one batch per pair.
        """
        texts = list(texts)
        glossary = self.glossary.current() if self.glossary is not None else None  # one read
        tgt = normalize_lang(target)
        split_texts = [
            segments.split(t, glossary.spans(t, tgt) if glossary is not None else ()) for t in texts
        ]
        if all(len(p) == 1 and p[0].translate for p in split_texts):
            return self._translate_pieces(texts, source, target)
        flat = [p.text for pieces in split_texts for p in pieces if p.translate]
        done = iter(self._translate_pieces(flat, source, target) if flat else [])
        pairs = zip(texts, split_texts, strict=True)
        return [self._joined(text, pieces, done) for text, pieces in pairs]

    @staticmethod
    def _joined(
        text: str, pieces: list[segments.Piece], done: Iterator[TranslationOutcome]
    ) -> TranslationOutcome:
        """One text's outcome from the outcomes of its translatable pieces (in order)."""
        parts: list[str] = []
        outs: list[TranslationOutcome] = []
        for piece in pieces:
            if piece.translate:
                out = next(done)
                outs.append(out)
                parts.append(out.translation)
            else:
                parts.append(piece.output)
        if len(pieces) == 1 and outs:
            return outs[0]
        translated = [o for o in outs if o.route and not o.reason]
        main = max(translated or outs, key=lambda o: len(o.text), default=None)
        route = tuple(dict.fromkeys(m for o in translated for m in o.route))
        if any(p.output != p.text for p in pieces if not p.translate):
            route += (GLOSSARY,)
        # partly translated lines show what was kept in place; a reason only when nothing was
        reason = "" if translated or main is None else main.reason
        return TranslationOutcome(
            text,
            "".join(parts),
            main.source_lang if main is not None else UNKNOWN,
            cached=all(o.cached for o in translated) if translated else False,
            route=route,
            reason=reason,
        )

    def _translate_pieces(
        self, texts: list[str], source: str, target: str
    ) -> list[TranslationOutcome]:
        target = normalize_lang(target)
        auto = normalize_lang(source) == AUTO
        if auto:
            reachable = [s for s, t in self.language_pairs() if t == target]
            if not reachable and any(worth_translating(t) for t in texts):
                raise self._not_found(AUTO, target)  # else every text would pass silently
            scored = self.detector.detect_frame_scored(
                texts, prefer=reachable, boost=PREFER_BOOST, keep=[target]
            )
            langs = [d.lang for d in scored]
            confidence = [d.confidence for d in scored]
        else:
            src = normalize_lang(source)
            if src != target and self.route(src, target) is None:
                raise self._not_found(src, target)
            langs = [src if script_fits(t, src) else UNKNOWN for t in texts]
            confidence = [1.0] * len(texts)

        outcomes: list[TranslationOutcome | None] = [None] * len(texts)
        groups: dict[str, list[int]] = {}
        for i, (text, lang, sure) in enumerate(zip(texts, langs, confidence, strict=True)):
            if not worth_translating(text) or lang in (target, UNKNOWN):
                known = lang if worth_translating(text) else UNKNOWN
                outcomes[i] = TranslationOutcome(text, text, known)
            elif auto and self.route(lang, target) is None:
                log.debug("no route %s→%s for %r: left as is", lang, target, text)
                reason = self.no_model_reason(lang, target, sure)
                outcomes[i] = TranslationOutcome(text, text, lang, reason=reason)
            else:
                groups.setdefault(lang, []).append(i)

        for lang, idx in groups.items():
            legs = self._legs(lang, target)
            current = [texts[i] for i in idx]
            cached = [True] * len(idx)
            reasons = [""] * len(idx)
            for leg in legs:
                live = [j for j, r in enumerate(reasons) if not r]  # a kept text stops here
                results = self._run(leg, [current[j] for j in live])
                for j, (out, hit) in zip(live, results, strict=True):
                    verdict = decode(current[j], out)
                    current[j], reasons[j] = verdict.text, verdict.reason
                    cached[j] = cached[j] and hit
            route = tuple(self._model_id(leg) for leg in legs)
            for j, i in enumerate(idx):
                text = current[j] if not reasons[j] else texts[i]
                outcomes[i] = TranslationOutcome(
                    texts[i], text, lang, cached[j], route, reason=reasons[j]
                )
        return [o for o in outcomes if o is not None]

    def warmup(self, source: str, target: str) -> None:
        """Load the models of source→target and run one tiny uncached translation through each,
        so the first real frame does not pay for loading (and CTranslate2's first-call setup)."""
        source, target = normalize_lang(source), normalize_lang(target)
        if source == AUTO:
            _ = self.detector
            sources = [s for s, t in self.language_pairs() if t == target]
            if not sources:
                raise self._not_found(source, target)
        else:
            sources = [source]
        for src in sources:
            if src == target:
                continue
            for leg in self._legs(src, target):
                inner = leg.inner if isinstance(leg, CachedTranslator) else leg
                inner.translate_batch(["Hello"])

    def stats(self) -> dict[str, float]:
        """Cache hits/misses over all translators, and model calls made."""
        with self._lock:
            cached = [t for t in self._translators.values() if isinstance(t, CachedTranslator)]
            hits = sum(t.hits for t in cached)
            misses = sum(t.misses for t in cached)
            calls = sum(e.model_calls for e in self._engines.values())
        return {
            "cache_hits": hits,
            "cache_misses": misses,
            "hit_rate": hits / (hits + misses) if hits + misses else 0.0,
            "model_calls": calls,
        }
