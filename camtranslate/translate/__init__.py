"""Translation: the Translator protocol, the CTranslate2 backend, the phrase cache and routing.

Importing this package is cheap: ctranslate2, sentencepiece and py3langid load on first use.
"""

from __future__ import annotations

from camtranslate.translate.base import Translator
from camtranslate.translate.cache import CachedTranslator, PhraseCache, normalize_text
from camtranslate.translate.ct2 import CT2Translator, DecodeOptions
from camtranslate.translate.langdetect import UNKNOWN, LanguageDetector
from camtranslate.translate.service import TranslationOutcome, TranslationService

__all__ = [
    "UNKNOWN",
    "CT2Translator",
    "CachedTranslator",
    "DecodeOptions",
    "LanguageDetector",
    "PhraseCache",
    "TranslationOutcome",
    "TranslationService",
    "Translator",
    "normalize_text",
]
