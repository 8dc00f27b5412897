"""camtranslate: offline instant camera translation for the desktop.

The public API is small on purpose: build a :class:`Pipeline` from a
:class:`PipelineConfig`, feed it BGR frames, get :class:`FrameResult` back.
"""

from __future__ import annotations

__version__ = "0.1.0"

from camtranslate.config import PipelineConfig
from camtranslate.errors import CamtranslateError
from camtranslate.privacy import disable_telemetry
from camtranslate.types import FrameResult, TextRegion, TranslatedRegion

# Every entry point (CLI, GUI, frozen app, self-test, library use) imports this package before
# anything can import onnxruntime: switch its telemetry off here (see camtranslate/privacy.py).
disable_telemetry()

__all__ = [
    "CamtranslateError",
    "FrameResult",
    "Pipeline",
    "PipelineConfig",
    "TextRegion",
    "TranslatedRegion",
    "__version__",
]


def __getattr__(name: str):  # lazy: importing the package must stay cheap (cold start)
    if name == "Pipeline":
        from camtranslate.pipeline import Pipeline

        return Pipeline
    raise AttributeError(name)
