"""The engine end to end on real photos with the real models (no mocks)."""

from __future__ import annotations

import threading

import numpy as np

from camtranslate.types import FrameResult


def _changed_fraction(a: np.ndarray, b: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    x0, y0 = max(x0, 0), max(y0, 0)
    diff = np.abs(a[y0:y1, x0:x1].astype(int) - b[y0:y1, x0:x1].astype(int)).sum(axis=2)
    return float((diff > 30).mean()) if diff.size else 0.0


def test_process_translates_the_sample_in_place(pipeline, sample_image):
    result = pipeline.process(sample_image)
    assert isinstance(result, FrameResult)
    assert result.image.shape == sample_image.shape and result.image.dtype == np.uint8
    texts = " ".join(r.region.text.lower() for r in result.regions)
    assert any(w in texts for w in ("tap", "faster", "gift", "please")), texts
    changed = [r for r in result.regions if r.translation != r.region.text]
    assert changed, "no region was translated"
    # Where a translation was drawn, the pixels in the region changed visibly.
    for r in changed:
        assert _changed_fraction(sample_image, result.image, r.region.bbox()) > 0.05, r
    assert set(result.timings_ms) >= {"ocr", "translate", "overlay"}
    assert all(v >= 0 for v in result.timings_ms.values())
    assert not np.shares_memory(result.image, sample_image)


def test_second_pass_hits_the_phrase_cache(pipeline, sample_image):
    pipeline.process(sample_image)
    again = pipeline.process(sample_image)
    translated = [r for r in again.regions if r.translation != r.region.text]
    assert translated and all(r.cached for r in translated)


def test_process_reads_real_scene_photos(pipeline, icdar_dir, icdar_gt):
    import cv2

    name = "img_106.jpg"  # "Marina Link", "MRT Station"
    image = cv2.imread(str(icdar_dir / "images" / name))
    result = pipeline.process(image)
    found = {w.lower().strip(".,") for r in result.regions for w in r.region.text.split()}
    truth = {b["text"].lower() for b in icdar_gt[name] if b["text"] != "###"}
    assert found & truth, (found, truth)


# Blank and malformed frames: tests/hardening/test_pipeline_edges.py (one copy of each case).


def test_render_runs_beside_inference_in_another_thread(pipeline, sample_image):
    translated = pipeline.process(sample_image).regions
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(2):
                pipeline.translate_regions(pipeline.recognize(sample_image))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    while t.is_alive():
        out = pipeline.render(sample_image, translated)
        assert out.shape == sample_image.shape
    t.join()
    assert not errors
