"""Incremental live OCR on real frames with the real engine: what it reads again and what not."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from camtranslate.bench.videos import write_scene_video
from camtranslate.live.incremental import IncrementalReader, supports_incremental
from camtranslate.live.stabilizer import polygon_iou


def frames_of(path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    out = []
    while True:
        ok, image = cap.read()
        if not ok:
            break
        out.append(image)
    cap.release()
    return out


def texts(regions) -> set[str]:
    return {"".join(r.text.split()).upper() for r in regions}


@pytest.fixture(scope="module")
def engine(pipeline):
    pipeline.warmup()
    return pipeline.ocr


@pytest.fixture(scope="module")
def board_frames(tmp_path_factory, sign_image):
    path = tmp_path_factory.mktemp("scene") / "text.mp4"
    info = write_scene_video(sign_image, path, "textchange", every_s=1.0, fps=5.0)
    frames = frames_of(path)
    per = info["frames_per_text"]
    return frames[0], frames[1], frames[per]  # two noisy frames of "OPEN TODAY", "EXIT ONLY"


def test_the_engine_supports_it(engine):
    assert supports_incremental(engine)
    assert not supports_incremental(object())
    with pytest.raises(TypeError):
        IncrementalReader(object())


def test_an_unchanged_frame_is_not_read_again(engine, board_frames):
    first, again, _ = board_frames
    reader = IncrementalReader(engine)
    regions, report = reader.read(first, now=0.0)
    assert report.kind == "full" and report.reason == "first"
    assert "OPENTODAY" in texts(regions) and report.recognized == len(regions) > 2
    regions2, report2 = reader.read(again, now=0.2)  # the same view, new sensor noise
    assert report2.kind == "partial"
    assert report2.recognized == 0 and report2.reused >= len(regions)
    assert report2.detected_fraction < 0.05
    assert texts(regions2) == texts(regions)
    assert report2.fresh == ()


def test_a_sign_whose_words_changed_is_read_again_the_rest_is_kept(engine, board_frames):
    first, _, changed = board_frames
    reader = IncrementalReader(engine)
    regions, _ = reader.read(first, now=0.0)
    regions2, report = reader.read(changed, now=0.2)
    assert report.kind == "partial"
    assert "EXITONLY" in texts(regions2) and "OPENTODAY" not in texts(regions2)
    assert 1 <= report.recognized <= 2  # the board (not the poster's lines)
    assert report.reused >= len(regions) - 1
    assert report.detected_fraction < 0.3
    board = next(r for r in regions2 if "".join(r.text.split()).upper() == "EXITONLY")
    assert report.is_fresh(board.polygon) and report.is_changed(board.polygon)
    poster = next(r for r in regions2 if "FASTER" in r.text.upper())
    assert not report.is_fresh(poster.polygon)


def test_reused_lines_follow_the_camera(engine, board_frames):
    first, again, _ = board_frames
    move = np.array([[1.0, 0.0, -40.0], [0.0, 1.0, 12.0]])  # the camera moved: 40 px, 12 px
    h, w = again.shape[:2]
    moved = cv2.warpAffine(again, move, (w, h), borderMode=cv2.BORDER_REPLICATE)
    reader = IncrementalReader(engine)
    regions0, _ = reader.read(first, np.eye(3), now=0.0)
    regions, report = reader.read(moved, np.vstack([move, [0, 0, 1]]), now=0.2)
    assert report.kind == "partial"
    assert report.recognized <= 1 and report.reused >= len(regions0) - 1
    assert report.detected_fraction < 0.2  # only the strip the move uncovered
    truth = engine.read(moved)
    matched = 0
    for r in regions:
        same = [t for t in truth if t.text == r.text]
        if same:
            matched += 1
            assert max(polygon_iou(r.polygon, t.polygon) for t in same) > 0.7, r.text
    assert matched >= 3


def test_full_detection_when_due(engine, board_frames):
    first, again, _ = board_frames
    reader = IncrementalReader(engine, full_interval_s=1.0)
    reader.read(first, now=0.0)
    kinds = [reader.read(again, now=0.2 * i)[1] for i in range(1, 7)]
    # 0.2 s between passes of a changing picture add up to the interval
    assert [r.kind for r in kinds][:4] == ["partial"] * 4
    assert "full" in [r.kind for r in kinds] and kinds[-1].kind == "partial"
    full = next(r for r in kinds if r.kind == "full")
    assert full.reason == "interval" and full.recognized == 0  # nothing changed: all reused
    # a long pause does not count as a changing picture
    assert reader.read(again, now=100.0)[1].kind == "partial"
    # tracking lost: full detection, everything read again
    lost = reader.read(again, now=100.1, tracking_lost=True)[1]
    assert lost.kind == "full" and lost.reason == "tracking" and lost.reused == 0
    # a different scene altogether
    other = cv2.flip(first, 1)
    assert reader.read(other, now=100.2)[1].reason == "large-change"


def test_a_line_with_a_hand_next_to_it_is_not_settled(engine, board_frames):
    from camtranslate.bench.videos import draw_hand

    first, again, _ = board_frames
    reader = IncrementalReader(engine)
    regions, _ = reader.read(first, now=0.0)
    board = next(r for r in regions if "".join(r.text.split()).upper() == "OPENTODAY")
    x1 = max(x for x, _ in board.polygon)
    ymid = sum(y for _, y in board.polygon) / 4
    hand = again.copy()
    draw_hand(hand, (x1 + 60, ymid + 160), 200, 0.0)  # fingertips at the board's right end
    _, report = reader.read(hand, now=0.2)
    assert not report.is_settled(board.polygon)
    poster = next(r for r in regions if "FASTER" in r.text.upper())
    assert report.is_settled(poster.polygon)
    _, gone = reader.read(again, now=0.4)  # the hand left: that moved, too
    assert not gone.is_settled(board.polygon)
    _, calm = reader.read(again, now=0.6)  # nothing moves any more
    assert calm.is_settled(board.polygon)
