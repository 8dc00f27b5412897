from __future__ import annotations

import numpy as np
import pytest

from camtranslate.live.sources import VideoFileSource
from camtranslate.live.tracking import MotionTracker, warp_points

# text regions of sign.jpg in photo pixels (the "TAP&GO" poster, the floor mat, a shop sign)
REGIONS = [
    np.array([[180, 290], [290, 290], [290, 360], [180, 360]], float),
    np.array([[430, 520], [740, 520], [740, 580], [430, 580]], float),
    np.array([[530, 205], [650, 205], [650, 245], [530, 245]], float),
]


def _h(affine: np.ndarray) -> np.ndarray:
    return np.vstack([affine, [0.0, 0.0, 1.0]])


def _track_video(path, transforms, reseed_every: int = 8) -> list[float]:
    """Track the clip like the session does (re-seed after each 'OCR pass'); return the worst
    corner error per frame between the tracked and the true position of each region."""
    tracker = MotionTracker()
    world_from_photo = _h(transforms[0])  # world = the first frame's pixels
    world_polys = [tuple(map(tuple, warp_points(world_from_photo, r))) for r in REGIONS]
    errors = []
    with VideoFileSource(path, loop=False, realtime=False) as src:
        for frame in iter(src.read, None):
            if frame.index % reseed_every == 0:
                tracker.request_reseed(world_polys)
            m = tracker.update(frame.image, frame.index)
            truth = _h(transforms[frame.index]) @ np.linalg.inv(world_from_photo)
            worst = max(
                float(
                    np.abs(warp_points(m, np.asarray(p)) - warp_points(truth, np.asarray(p))).max()
                )
                for p in world_polys
            )
            errors.append(worst)
    assert len(errors) == len(transforms)
    return errors


@pytest.mark.parametrize("motion", ["pan", "zoom", "shake"])
def test_tracker_follows_known_motion_within_a_few_pixels(make_video, motion):
    path, transforms = make_video(motion, seconds=3.0)
    errors = _track_video(path, transforms)
    moved = max(
        float(
            np.abs(
                warp_points(_h(t) @ np.linalg.inv(_h(transforms[0])), REGIONS[1])
                - warp_points(np.eye(3), warp_points(_h(transforms[0]), REGIONS[1]))
            ).max()
        )
        for t in transforms
    )
    assert moved > 10  # the clip really moves the text
    assert float(np.median(errors)) < 2.0
    assert max(errors) < 5.0


def test_tracker_without_reseeds_drifts_little(make_video):
    path, transforms = make_video("pan", seconds=3.0)
    errors = _track_video(path, transforms, reseed_every=10_000)
    assert max(errors) < 6.0


def test_tracker_history_and_still_video(make_video):
    path, _ = make_video("still", seconds=1.0, noise=4.0)
    tracker = MotionTracker()
    with VideoFileSource(path, loop=False, realtime=False) as src:
        for frame in iter(src.read, None):
            tracker.update(frame.image, frame.index)
    corners = np.array([[0, 0], [639, 0], [639, 359], [0, 359]], float)
    assert np.abs(warp_points(tracker.matrix, corners) - corners).max() < 0.5  # no creep
    assert tracker.matrix_at(0) is not None
    assert tracker.matrix_at(10_000) is None


def test_tracker_on_a_blank_frame_holds_still():
    tracker = MotionTracker()
    blank = np.full((360, 640, 3), 128, np.uint8)
    for i in range(5):
        m = tracker.update(blank, i)
    assert np.allclose(m, np.eye(3))


@pytest.mark.shared
def test_tracker_follows_a_pan_of_a_shared_scene_photo(make_video, shared_photo):
    path, transforms = make_video("pan", seconds=3.0, image=shared_photo, name="icdar")
    errors = _track_video(path, transforms)
    assert float(np.median(errors)) < 2.0
    assert max(errors) < 6.0


def test_a_scene_cut_is_reported_as_lost_and_the_matrix_is_held(sign_image):
    import cv2

    from camtranslate.paths import resources_dir

    other = cv2.imread(str(resources_dir() / "samples" / "station.jpg"))
    assert other is not None
    a = cv2.resize(sign_image, (640, 360))
    b = cv2.resize(other, (640, 360))
    tracker = MotionTracker()
    for i in range(3):
        tracker.update(np.roll(a, 3 * i, axis=1), i)
    before = tracker.matrix
    assert before[0, 2] == pytest.approx(6.0, abs=0.5)  # followed the 3 px/frame pan
    tracker.update(b, 3)  # a cut to another scene: no plausible motion
    assert tracker.lost_count >= 1
    assert np.allclose(tracker.matrix, before)
