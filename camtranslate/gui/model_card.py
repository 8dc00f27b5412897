"""What the Model info box tells a user about a translation model (Qt-free, tested alone).

The manifest and MODEL_CARD.md are written for developers: provenance paragraphs, training
notes, relative paths into the build tree ("../shared/..."), licence reasoning. A user asks
other questions: which languages, is it built in or one I installed, how big, may I share it.
Those go in the card; the developer text goes in its details (the box's "Show Details...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from camtranslate.models.registry import ORIGIN_EMBEDDED, ORIGIN_EXTRA, ORIGIN_USER, InstalledModel

LANGUAGE_NAMES = {
    "auto": "Auto-detect",
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}
ORIGIN_WORDS = {
    ORIGIN_EMBEDDED: "built in",
    ORIGIN_USER: "installed by you",
    ORIGIN_EXTRA: "from an extra model folder",
}
LICENCES = (
    "MPL-2.0",
    "Apache-2.0",
    "MIT",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "GPL-3.0",
    "LGPL-3.0",
    "BSD-3-Clause",
    "BSD-2-Clause",
    "CC0-1.0",
)
_UNCLEAR = re.compile(r"^\s*(unclear|unknown|n/?a|none|other|see .*)?\s*\.?\s*$", re.IGNORECASE)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class ModelCard:
    title: str
    """ "English → Portuguese" """
    text: str
    """A few plain lines for anyone."""
    details: str
    """The developer text: id, format, folder, provenance, the licence as written."""
    label: str
    """Short name for the model picker: "en→pt · built in"."""


def licence_summary(text: str) -> str:
    """The licence in a word a user can look up, or a plain "not stated" sentence.

    A manifest may hold a licence id ("MIT"), "Unclear", or a paragraph that reasons its way to
    one ("... its metadata says MIT ... Treat these weights as MPL-2.0."): then the id named
    last is the conclusion."""
    if _UNCLEAR.match(text or ""):
        return "not stated by its publisher: ask them before sharing it"
    found = [
        (m.start(), lic)
        for lic in LICENCES
        for m in re.finditer(rf"(?<![\w-]){re.escape(lic)}(?![\w-])", text, re.IGNORECASE)
    ]
    if not found:
        return "see Show Details"
    return max(found)[1]


def _size_mb(model: InstalledModel) -> float | None:
    total = 0
    try:
        for rel in model.manifest.files:
            total += (model.path / rel).stat().st_size
    except OSError:
        return None
    return total / 1e6


def card_for(model: InstalledModel) -> ModelCard:
    mf = model.manifest
    sources = ", ".join(language_name(c) for c in mf.source_langs)
    targets = ", ".join(language_name(c) for c in mf.target_langs)
    title = f"{sources} → {targets}"
    origin = ORIGIN_WORDS.get(model.origin, model.origin)
    size = _size_mb(model)
    lines = [
        f"Translates {sources} into {targets} on this computer; nothing is sent anywhere.",
        f"Model: {origin}" + (f", {size:.1f} MB" if size is not None else "") + ".",
        f"Licence: {licence_summary(mf.license)}.",
    ]
    if mf.multilingual:
        lines.insert(1, "One model for many languages: slower to load, larger on disk.")
    details = "\n".join(
        [
            f"Id: {mf.id} (version {mf.version})" if mf.version else f"Id: {mf.id}",
            f"Format: {mf.family}, {mf.format} {mf.quantization}",
            f"Folder: {Path(model.path).resolve()}",
            f"Made from: {mf.source}",
            f"Licence as written: {mf.license}",
        ]
    )
    pair = f"{'/'.join(mf.source_langs)}→{'/'.join(mf.target_langs)}"
    return ModelCard(title, "\n".join(lines), details, f"{pair} · {origin}")


def no_model_card(what: str) -> ModelCard:
    """``what``: "No model for en→ja" or "No translation model"."""
    text = (
        f"{what} is installed, so that text is shown as it is.\n"
        "Install one with: camtranslate models install <model id>, then restart camtranslate."
    )
    return ModelCard(what, text, "", what)
