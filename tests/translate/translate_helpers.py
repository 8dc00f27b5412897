"""Helpers shared by the translation tests (a uniquely named module: tests are not packages)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from camtranslate.models.manifest import ModelManifest

REPO = Path(__file__).resolve().parents[2]
EN_PT = REPO / "models" / "en-pt"


class CountingTranslator:
    """Wraps a real translator and records every batch it is asked to translate."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.source_lang = inner.source_lang
        self.target_lang = inner.target_lang
        self.model_id = inner.model_id
        self.batches: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return self.inner.translate_batch(texts)


def clone_model(dst: Path, **changes: object) -> Path:
    """A real CT2 model folder (copy of en-pt) whose manifest declares something else."""
    shutil.copytree(EN_PT, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    replace(ModelManifest.load(dst), **changes).save(dst)
    return dst
