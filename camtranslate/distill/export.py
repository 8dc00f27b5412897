"""Trained student (HF checkpoint) → CTranslate2 int8 model folder with manifest.json."""

from __future__ import annotations

from pathlib import Path

from camtranslate.models.convert import convert_model
from camtranslate.models.manifest import ModelManifest


def export_student(
    hf_dir: Path | str,
    out_dir: Path | str,
    *,
    model_id: str,
    source_lang: str,
    target_lang: str,
    quantization: str = "int8",
    source: str = "",
    license: str = "",
    version: str = "1",
    force: bool = False,
) -> ModelManifest:
    """Convert with CTranslate2's TransformersConverter; the joint spm is kept once.

    The manifest names the same SentencePiece file as source and target tokenizer.
    """
    return convert_model(
        hf_dir,
        out_dir,
        model_id=model_id,
        quantization=quantization,
        langs=(source_lang, target_lang),
        source=source or f"distilled student, converted from {Path(hf_dir).name} ({quantization})",
        license=license,
        version=version,
        overwrite=force,
    )
