"""Pipeline configuration: one frozen dataclass shared by the GUI, the CLI and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_OCR_ENGINE = "rapid"
AUTO = "auto"


@dataclass(frozen=True)
class PipelineConfig:
    ocr_engine: str = DEFAULT_OCR_ENGINE
    """"rapid" (PP-OCR ONNX, default: measured faster and more accurate here) or "easy"."""
    source_lang: str = AUTO
    """ISO 639-1 code of the text in the picture, or "auto" to detect per region."""
    target_lang: str = "pt"
    device: str = "auto"
    """"auto" (CUDA when present), "cpu" or "cuda"."""
    compute_type: str = "int8"
    """CTranslate2 compute type; int8 is the default (quantized models, fast on CPUs)."""
    threads: int = 0
    """Intra-op threads for translation (0: CTranslate2's default)."""
    max_detect_side: int = 1280
    """Frames whose longer side exceeds this are downscaled for text detection."""
    group_lines: bool = True
    """Join stacked OCR lines of one paragraph into one block before translating."""
    min_confidence: float = 0.5
    """OCR results under this confidence are dropped."""
    allow_downloads: bool = False
    """Let an OCR engine fetch missing weights (EasyOCR languages beyond English). Off: offline."""
    use_cache: bool = True
    cache_path: Path | None = None
    """None: the user cache dir's phrase cache (see paths.phrase_cache_path)."""
    glossary_path: Path | None = None
    """None: the user config dir's glossary (paths.glossary_path)."""
    models_dirs: tuple[Path, ...] = ()
    """Extra model folders searched before the user's and the embedded ones."""
    erase: str = "fill"
    """How the source text is erased: "fill" (border colour, fast) or "inpaint"."""

    def glossary_file(self) -> Path:
        """The glossary this configuration reads (translate/glossary.py)."""
        from camtranslate.paths import glossary_path

        return self.glossary_path or glossary_path()

    def with_(self, **changes: object) -> PipelineConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
