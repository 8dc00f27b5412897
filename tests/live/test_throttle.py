from __future__ import annotations

import threading
import time

import cv2
import numpy as np

from camtranslate.live.sources import Frame, VideoFileSource
from camtranslate.live.throttle import ChangeDetector, LatestFrameSlot


def _frame(i: int) -> Frame:
    return Frame(np.zeros((4, 4, 3), np.uint8), i, float(i))


def test_slot_keeps_only_the_newest_frame():
    slot = LatestFrameSlot()
    for i in range(100):
        slot.put(_frame(i))
        assert len(slot) == 1  # never grows
    assert slot.dropped == 99
    got = slot.take(timeout=0)
    assert got is not None and got.index == 99
    assert len(slot) == 0 and slot.take(timeout=0) is None


def test_slot_fast_producer_slow_consumer_sees_latest_only():
    slot = LatestFrameSlot()
    taken: list[int] = []
    done = threading.Event()

    def consumer() -> None:
        while not done.is_set() or len(slot):
            f = slot.take(timeout=0.05)
            if f is not None:
                taken.append(f.index)
                time.sleep(0.02)  # a slow "OCR"

    t = threading.Thread(target=consumer)
    t.start()
    for i in range(300):
        slot.put(_frame(i))
        time.sleep(0.001)
    done.set()
    t.join()
    assert taken == sorted(taken) and taken[-1] == 299
    assert len(taken) < 150  # most frames were superseded, not queued
    assert slot.dropped + len(taken) == 300


def test_slot_take_waits_and_close_wakes():
    slot = LatestFrameSlot()
    threading.Timer(0.05, slot.put, args=(_frame(7),)).start()
    got = slot.take(timeout=2.0)
    assert got is not None and got.index == 7
    threading.Timer(0.05, slot.close).start()
    t0 = time.monotonic()
    assert slot.take(timeout=5.0) is None
    assert time.monotonic() - t0 < 2.0


def _noisy(image: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


def test_change_detector_skips_identical_and_noisy_frames(sign_image):
    det = ChangeDetector()
    frame = cv2.resize(sign_image, (640, 360))
    assert det.changed(frame)  # nothing read yet
    det.accept(frame)
    assert not det.changed(frame.copy())
    for seed in range(5):  # sensor noise well above a real webcam's
        assert not det.changed(_noisy(frame, 6.0, seed))
    brighter = np.clip(frame.astype(np.int16) + 6, 0, 255).astype(np.uint8)
    assert not det.changed(brighter)  # auto-exposure drift


def test_change_detector_skips_identical_frames_of_a_still_video(make_video):
    path, _ = make_video("still", seconds=1.0, noise=4.0)
    det = ChangeDetector()
    with VideoFileSource(path, loop=False, realtime=False) as src:
        first = src.read()
        assert first is not None
        det.accept(first.image)
        changed = [det.changed(f.image) for f in iter(src.read, None)]
    assert changed and not any(changed)


def test_change_detector_triggers_on_real_changes(sign_image, make_video):
    det = ChangeDetector()
    frame = cv2.resize(sign_image, (640, 360))
    det.accept(frame)
    shifted = np.roll(frame, 12, axis=1)  # the camera moved a bit
    assert det.changed(shifted)
    patched = frame.copy()  # a small new sign in a corner: 1.5% of the frame
    cv2.rectangle(patched, (20, 300), (80, 340), (255, 255, 255), -1)
    cv2.putText(patched, "EXIT", (24, 332), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2)
    assert det.changed(patched)
    path, _ = make_video("pan", seconds=1.0)
    with VideoFileSource(path, loop=False, realtime=False) as src:
        frames = [f.image for f in iter(src.read, None)]
    det.reset()
    det.accept(frames[0])
    assert det.changed(frames[5])  # a third of a second into a pan


def test_change_detector_accumulates_slow_drift(sign_image):
    det = ChangeDetector()
    frame = cv2.resize(sign_image, (640, 360))
    det.accept(frame)
    # each step is tiny, but the reference is the last OCR'd frame: the drift adds up
    results = [det.changed(np.roll(frame, dx, axis=1)) for dx in range(0, 40, 2)]
    assert not results[0] and results[-1]
