from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from camtranslate.errors import SourceError
from camtranslate.live.sources import CameraSource, VideoFileSource, list_cameras


def test_video_file_reads_all_frames_and_stops_without_loop(make_video):
    path, transforms = make_video("pan", seconds=1.0)
    src = VideoFileSource(path, loop=False, realtime=False)
    src.open()
    assert src.size == (640, 360)
    assert src.fps == pytest.approx(15.0)
    frames = []
    while (frame := src.read()) is not None:
        frames.append(frame)
    src.close()
    assert src.exhausted
    assert len(frames) == len(transforms)
    assert [f.index for f in frames] == list(range(len(frames)))
    assert frames[0].image.shape == (360, 640, 3)


def test_video_file_loops_and_paces_at_its_fps(make_video):
    path, transforms = make_video("still", seconds=1.0)
    with VideoFileSource(path, loop=True, realtime=True) as src:
        t0 = time.monotonic()
        frames = [src.read() for _ in range(len(transforms) + 5)]
        elapsed = time.monotonic() - t0
    assert all(f is not None for f in frames)
    assert not src.exhausted
    # 20 frames at 15 fps take about 1.3 s; unpaced decoding takes a few ms
    assert elapsed > (len(frames) - 2) / 15.0


def test_missing_or_bad_files_raise_source_error(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        VideoFileSource(tmp_path / "nope.mp4").open()
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(SourceError, match="cannot read video"):
        VideoFileSource(junk).open()


def test_camera_that_does_not_exist_raises_clear_error():
    with pytest.raises(SourceError, match="camera 97"):
        CameraSource(97).open()


def test_list_cameras_is_quiet_and_returns_a_list(capfd):
    cams = list_cameras(max_index=3)
    assert isinstance(cams, list)
    for cam in cams:  # on a machine with a webcam: real entries
        assert cam.size[0] > 0 and cam.size[1] > 0
    assert "ERROR" not in capfd.readouterr().err


def test_deleted_file_stops_delivering_like_an_unplugged_camera(make_video, tmp_path):
    src_path, _ = make_video("still", seconds=0.5)
    path = tmp_path / "cam.mp4"
    path.write_bytes(src_path.read_bytes())
    src = VideoFileSource(path, loop=True, realtime=False)
    src.open()
    n = 0
    while src.read() is not None and n < 100:
        n += 1
        if n == 3:
            path.unlink()
    assert 3 <= n < 100  # read what was buffered/open, then nothing: the loop cannot reopen
    assert src.read() is None and not src.exhausted
    with pytest.raises(SourceError):
        src.open()
    src.close()


def test_greyscale_frames_become_bgr(tmp_path):
    path = tmp_path / "grey.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48), False)
    for i in range(5):
        writer.write(np.full((48, 64), i * 40, np.uint8))
    writer.release()
    with VideoFileSource(path, loop=False, realtime=False) as src:
        frame = src.read()
    assert frame is not None and frame.image.shape == (48, 64, 3)
