from __future__ import annotations

import subprocess
import sys

import pytest

from camtranslate.errors import CamtranslateError
from camtranslate.ocr import available_engines, create_ocr_engine


def test_importing_ocr_does_not_load_heavy_runtimes():
    code = (
        "import sys, camtranslate.ocr;"
        "heavy = ('torch', 'onnxruntime', 'rapidocr', 'easyocr');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_engine_names_the_choices():
    with pytest.raises(CamtranslateError, match=r"unknown OCR engine 'tesseract'.*rapid.*easy"):
        create_ocr_engine("tesseract")


@pytest.mark.parametrize("kwargs", [{"min_confidence": 1.5}, {"max_detect_side": 10}])
def test_bad_options_are_clear_errors(kwargs):
    with pytest.raises(CamtranslateError):
        create_ocr_engine("rapid", **kwargs)


def test_available_engines_describes_both():
    engines = available_engines()
    assert set(engines) == {"rapid", "easy"}
    assert all(isinstance(v, str) and v for v in engines.values())
