from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from camtranslate.errors import OcrUnavailableError
from camtranslate.ocr import create_ocr_engine
from camtranslate.ocr.rapid import CLS_MODEL, DET_MODEL, REC_MODEL, model_dir
from camtranslate.paths import sample_image_path

from .conftest import ICDAR, find_font, render_lines, words


def _check_regions(regions, image, min_confidence=0.5):
    h, w = image.shape[:2]
    for r in regions:
        assert len(r.polygon) == 4
        assert all(0 <= x <= w - 1 and 0 <= y <= h - 1 for x, y in r.polygon)
        xs, ys = np.array(r.polygon).T
        assert np.dot(xs, np.roll(ys, -1)) - np.dot(np.roll(xs, -1), ys) > 0  # clockwise on screen
        assert r.polygon[1][0] > r.polygon[0][0]  # starts at the text's top-left (upright text)
        assert min_confidence <= r.confidence <= 1.0
        assert r.text.strip() == r.text and r.text


def test_uses_the_models_shipped_in_the_wheel():
    for name in (DET_MODEL, REC_MODEL, CLS_MODEL):
        assert (model_dir() / name).is_file()


def test_never_downloads(monkeypatch, sign_image):
    """RapidOCR fetches unknown models from modelscope.cn; ours must never reach that code."""
    from rapidocr.utils.download_file import DownloadFile

    def refuse(*args, **kwargs):
        raise AssertionError("rapidocr tried to download a model")

    monkeypatch.setattr(DownloadFile, "run", refuse)
    engine = create_ocr_engine("rapid", ("en", "zh", "ja"))
    assert "TAP" in words(engine.read(sign_image))


def test_reads_the_bundled_sign(rapid, sign_image):
    regions = rapid.read(sign_image)
    _check_regions(regions, sign_image)
    found = words(regions)
    assert {"TAP", "GO", "FASTER", "GIFT", "WRAP", "PLEASE"} <= found, found
    order = [r.text for r in regions]
    first = {
        t: next(i for i, s in enumerate(order) if t in s.upper())
        for t in ("FASTER", "PLEASE", "TAP")
    }
    assert first["FASTER"] < first["PLEASE"] < first["TAP"]  # top-to-bottom reading order


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_downscaled_detection_maps_boxes_to_full_frame(rapid, sign_image):
    """A 2x frame detected at 1280 px must give the original boxes, doubled."""
    big = cv2.resize(sign_image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    small_boxes = [r.bbox() for r in rapid.read(sign_image)]
    big_regions = rapid.read(big)
    _check_regions(big_regions, big)
    halved = [tuple(v / 2 for v in r.bbox()) for r in big_regions]
    best = [max(_iou(h, s) for s in small_boxes) for h in halved]
    assert len(best) >= 3
    assert sum(b > 0.6 for b in best) >= 0.75 * len(best), best
    # and they are not where the unscaled boxes would be (i.e. they were mapped back up)
    assert max(r.bbox()[2] for r in big_regions) > max(s[2] for s in small_boxes) * 1.5


def test_small_detect_side_boxes_are_full_frame():
    """Detecting a 1280 px frame at 640 px sees what a half-size frame shows: boxes are 2x those."""
    image = cv2.imread(str(sample_image_path().with_name("station.jpg")))
    half = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    engine = create_ocr_engine("rapid", max_detect_side=640, min_confidence=0.3)
    full_boxes = [r.bbox() for r in engine.read(image)]
    half_boxes = [tuple(2 * v for v in r.bbox()) for r in engine.read(half)]
    assert full_boxes and half_boxes
    for box in full_boxes:
        assert max(_iou(box, h) for h in half_boxes) > 0.8, (box, half_boxes)


@pytest.fixture(scope="module")
def latin_font():
    font = find_font("NotoSans-Regular.ttf")
    if font is None:
        pytest.skip("Noto Sans is not installed (apt install fonts-noto-core)")
    return font


@pytest.fixture(scope="module")
def cjk_font():
    font = find_font("NotoSansCJK-Regular.ttc")
    if font is None:
        pytest.skip("Noto Sans CJK is not installed (apt install fonts-noto-cjk)")
    return font


def test_reads_accented_latin(rapid, latin_font):
    img = render_lines(
        [("Saída", latin_font, 0), ("Atenção", latin_font, 0), ("Café à noite", latin_font, 0)]
    )
    texts = [r.text for r in rapid.read(img)]
    assert texts == ["Saída", "Atenção", "Café à noite"]


def test_reads_chinese_and_japanese_and_tags_them(rapid, cjk_font):
    img = render_lines([("出口", cjk_font, 2), ("東京駅はどこですか", cjk_font, 0)])
    regions = rapid.read(img)
    assert [(r.text, r.language) for r in regions] == [("出口", "zh"), ("東京駅はどこですか", "ja")]


def test_blank_grey_and_bgra_frames(rapid, sign_image):
    assert rapid.read(np.full((200, 300, 3), 255, np.uint8)) == []
    expected = {"TAP", "GO", "FASTER", "GIFT", "WRAP", "PLEASE"}
    grey = cv2.cvtColor(sign_image, cv2.COLOR_BGR2GRAY)
    assert words(rapid.read(grey)) & expected
    bgra = cv2.cvtColor(sign_image, cv2.COLOR_BGR2BGRA)
    assert words(rapid.read(bgra)) & expected


def test_min_confidence_filters(sign_image):
    strict = create_ocr_engine("rapid", min_confidence=0.99)
    regions = strict.read(sign_image)
    assert regions and all(r.confidence >= 0.99 for r in regions)


def test_same_result_from_a_worker_thread(rapid, sign_image):
    expected = rapid.read(sign_image)
    out = []
    worker = threading.Thread(target=lambda: out.append(rapid.read(sign_image)))
    worker.start()
    worker.join()
    assert out == [expected]


def test_unsupported_language_is_a_clear_error():
    with pytest.raises(OcrUnavailableError, match="cannot read ko"):
        create_ocr_engine("rapid", ("en", "ko"))


@pytest.mark.shared
def test_icdar_dev_photos(rapid, icdar_items):
    """Real incidental scene text: most legible words on these photos are read exactly."""
    names = ("img_26.jpg", "img_29.jpg", "img_30.jpg", "img_51.jpg")
    items = [it for it in icdar_items if it["image"] in names]
    assert len(items) == len(names)
    gt_words, hits = 0, 0
    for item in items:
        img = cv2.imread(str(ICDAR / "images" / item["image"]))
        regions = rapid.read(img)
        _check_regions(regions, img)
        found = words(regions)
        legible = [b["text"].upper() for b in item["boxes"] if b["text"] != "###"]
        legible = [w for w in legible if w.isalnum()]
        gt_words += len(legible)
        hits += sum(w in found for w in legible)
    assert gt_words >= 30
    assert hits / gt_words >= 0.6, (hits, gt_words)  # 28/35 when written


def test_detect_then_recognize_equals_read(rapid, sign_image):
    """The two halves the live loop uses separately give what one read() gives."""
    from camtranslate.ocr.base import make_regions

    quads = rapid.detect(sign_image)
    assert quads.shape[1:] == (4, 2) and len(quads) >= 4
    read = rapid.recognize_quads(sign_image, quads)
    h, w = sign_image.shape[:2]
    regions = make_regions(
        [(q, t, s) for q, (t, s) in zip(quads, read, strict=True)],
        w,
        h,
        rapid.min_confidence,
        rapid.languages,
    )
    assert regions == rapid.read(sign_image)
    assert rapid.recognize_quads(sign_image, []) == []


def test_detect_in_a_part_at_the_frame_scale(rapid, sign_image):
    """A cut-out detected at the whole frame's scale finds its lines where the full frame does."""
    big = cv2.resize(sign_image, None, fx=2.0, fy=2.0)  # 2560 wide: detected at half size
    scale = rapid.detection_scale(big.shape[1], big.shape[0])
    assert scale == pytest.approx(rapid.max_detect_side / big.shape[1])
    full = rapid.detect(big)
    x0, y0, x1, y1 = 100, 300, 1100, 1300  # the poster, in the upscaled frame
    part = rapid.detect(big[y0:y1, x0:x1], scale) + np.array([x0, y0], np.float32)
    assert len(part) >= 3
    for q in part:  # each line found in the part is a line of the full frame, same place
        assert min(np.abs(f - q).max() for f in full) < 12


def test_onnx_sessions_are_ours_and_offline(rapid):
    sessions = [rapid._engine.text_det.session.session, rapid._engine.text_rec.session.session]
    for sess in sessions:
        assert sess.get_providers()[0] in ("CPUExecutionProvider", "CUDAExecutionProvider")
    assert rapid.providers == sessions[0].get_providers()
