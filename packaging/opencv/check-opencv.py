"""Check a cv2 build against what camtranslate and rapidocr call, and compare two builds.

    python packaging/opencv/check-opencv.py [--cv2-dir DIR] [--videos DIR] [--json OUT]
    python packaging/opencv/check-opencv.py --compare A.json B.json

With --cv2-dir, `import cv2` takes the one-file extension in DIR (the minimal build of
build-opencv.sh) instead of the installed wheel. Prints (and with --json writes) one summary per
operation: colour conversion, resize, morphology, contours, perspective warps, inpaint (Telea),
optical flow (LK), homography (RANSAC), the encoders the app saves with (PNG, JPEG, WebP, BMP,
TIFF), HDR/PFM decoding, that every cv2.<name> camtranslate/ and rapidocr use (grep) exists,
the VideoCapture backends (FFMPEG for files, V4L2 for cameras), every video in --videos read to
the end, and VideoWriter (mp4v, MJPG). --compare checks that two such
summaries (say the PyPI wheel's and the minimal build's) agree: same frame counts, same decoded
images within a small tolerance (JPEG/WebP encoders may differ by a few bytes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def _run(cv2_dir: str | None, videos: Path | None) -> dict:
    if cv2_dir:
        sys.path.insert(0, cv2_dir)
    import cv2
    import numpy as np

    if cv2_dir:
        assert Path(cv2.__file__).parent == Path(cv2_dir).resolve(), cv2.__file__
    out: dict = {"cv2": cv2.__file__, "version": cv2.__version__}
    # every cv2.<name> the app and rapidocr use (a grep of their sources) must exist
    import re

    import rapidocr

    used: set[str] = set()
    for root in (
        Path(__file__).resolve().parents[2] / "camtranslate",
        Path(rapidocr.__file__).parent,
    ):
        for py in root.rglob("*.py"):
            used |= set(re.findall(r"\bcv2\.([A-Za-z_]\w*)", py.read_text(encoding="utf-8")))
    out["names_used"] = len(used)
    out["names_missing"] = sorted(n for n in used if not hasattr(cv2, n))
    info = cv2.getBuildInformation()
    out["lapack"] = "Lapack:                      YES" in info
    rng = np.random.default_rng(0)
    img = np.full((240, 320, 3), 255, np.uint8)
    cv2.putText(img, "STOP 42", (20, 130), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 200), 3)
    img[::7, ::5] = rng.integers(0, 255, img[::7, ::5].shape, dtype=np.uint8)

    def stat(a) -> list[float]:
        a = np.asarray(a, dtype=np.float64)
        return [round(float(a.mean()), 3), round(float(a.std()), 3), list(a.shape)]

    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    out["cvtColor"] = stat(gray)
    out["resize_area"] = stat(cv2.resize(img, (160, 120), interpolation=cv2.INTER_AREA))
    out["resize_linear"] = stat(cv2.resize(img, (480, 360), interpolation=cv2.INTER_LINEAR))
    out["resize_cubic"] = stat(cv2.resize(img, (200, 150), interpolation=cv2.INTER_CUBIC))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    out["dilate"] = stat(cv2.dilate(gray, kernel))
    out["erode"] = stat(cv2.erode(gray, kernel))
    _, th = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out["otsu"] = stat(th)
    contours, _ = cv2.findContours(255 - th, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out["contours"] = len(contours)
    big = max(contours, key=cv2.contourArea)
    rect = cv2.minAreaRect(big)
    out["minAreaRect"] = [round(v, 2) for v in (*rect[0], *rect[1])]
    out["boxPoints"] = stat(cv2.boxPoints(rect))
    out["convexHull"] = len(cv2.convexHull(big))
    out["boundingRect"] = list(cv2.boundingRect(big))
    src = np.float32([[10, 10], [300, 20], [310, 230], [5, 220]])
    dst = np.float32([[0, 0], [320, 0], [320, 240], [0, 240]])
    m = cv2.getPerspectiveTransform(src, dst)
    out["warpPerspective"] = stat(cv2.warpPerspective(img, m, (320, 240)))
    out["perspectiveTransform"] = stat(cv2.perspectiveTransform(src.reshape(-1, 1, 2), m))
    out["invert"] = stat(cv2.invert(m)[1])
    r = cv2.getRotationMatrix2D((160, 120), 7, 1.0)
    out["warpAffine"] = stat(cv2.warpAffine(img, r, (320, 240), borderMode=cv2.BORDER_REFLECT))
    out["rotate"] = stat(cv2.rotate(img, cv2.ROTATE_180))
    out["copyMakeBorder"] = stat(cv2.copyMakeBorder(img, 2, 2, 2, 2, cv2.BORDER_CONSTANT))
    out["GaussianBlur"] = stat(cv2.GaussianBlur(img, (5, 5), 0))
    out["blur"] = stat(cv2.blur(img, (3, 3)))
    w = np.full(gray.shape, 0.5, np.float32)
    out["blendLinear"] = stat(cv2.blendLinear(img, img[::-1].copy(), w, w))
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillPoly(mask, [np.int32([[20, 100], [250, 100], [250, 140], [20, 140]])], 255)
    out["inpaint"] = stat(cv2.inpaint(img, mask, 3, cv2.INPAINT_TELEA))
    out["intersectConvexConvex"] = round(
        float(cv2.intersectConvexConvex(src, src + np.float32([30, 0]))[0]), 2
    )
    pts = cv2.goodFeaturesToTrack(gray, 50, 0.01, 5)
    out["goodFeaturesToTrack"] = len(pts)
    moved = np.roll(gray, 3, axis=1)
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(
        gray,
        moved,
        pts,
        None,
        criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03),
    )
    flow = (nxt - pts)[st.ravel() == 1]
    out["opticalFlow_dx"] = round(float(np.median(flow[..., 0])), 2)
    h, _ = cv2.findHomography(pts, pts + np.float32([3, 0]), cv2.RANSAC, 3.0)
    out["findHomography_tx"] = round(float(h[0, 2]), 2)
    canvas = img.copy()
    cv2.polylines(canvas, [np.int32(src)], True, (0, 255, 0), 2, cv2.LINE_AA)
    cv2.rectangle(canvas, (5, 5), (50, 50), (255, 0, 0), 1, cv2.LINE_8)
    out["draw"] = stat(canvas)
    out["mean"] = [round(v, 2) for v in cv2.mean(img)]
    out["bitwise_add"] = stat(cv2.add(cv2.bitwise_and(img, img), cv2.bitwise_not(img)))
    for ext, params in (
        (".png", []),
        (".jpg", [cv2.IMWRITE_JPEG_QUALITY, 92]),
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 92]),
        (".bmp", []),
        (".tiff", []),
    ):
        ok, buf = cv2.imencode(ext, img, params)
        back = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        out[f"imencode{ext}"] = [bool(ok), stat(back)]
    for ext in (".hdr", ".pfm"):
        ok, buf = cv2.imencode(ext, img.astype(np.float32) / 255)
        out[f"imdecode{ext}"] = [bool(ok), stat(cv2.imdecode(buf, cv2.IMREAD_COLOR))]
    reg = cv2.videoio_registry
    out["stream_backends"] = sorted(reg.getBackendName(b) for b in reg.getStreamBackends())
    out["camera_backends"] = sorted(reg.getBackendName(b) for b in reg.getCameraBackends())
    with tempfile.TemporaryDirectory() as tmp:
        for name, fourcc in (("w.mp4", "mp4v"), ("w.avi", "MJPG")):
            path = str(Path(tmp) / name)
            wr = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), 10, (320, 240))
            for i in range(5):
                wr.write(np.roll(img, i * 4, axis=1))
            wr.release()
            cap = cv2.VideoCapture(path)
            n = 0
            while cap.read()[0]:
                n += 1
            out[f"VideoWriter_{fourcc}"] = n
    for video in sorted(videos.iterdir()) if videos else []:
        cap = cv2.VideoCapture(str(video))
        frames, first = 0, None
        fps = cap.get(cv2.CAP_PROP_FPS)
        size = [cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)]
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if first is None:
                first = stat(frame)
            frames += 1
        out[f"video {video.name}"] = {
            "opened": cap.isOpened() or frames > 0,
            "frames": frames,
            "fps": round(fps, 2),
            "size": size,
            "first": first,
        }
    cam = cv2.VideoCapture(0)
    out["camera0_opened"] = cam.isOpened()
    return out


def _close(a, b, key: str) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], key) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, key) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, (int, float)):
        # lossy codecs and SIMD paths: decoded means within 1.5 grey levels
        return abs(a - b) <= 1.5
    return a == b


def compare(a: dict, b: dict) -> list[str]:
    skip = {"cv2", "version", "lapack", "stream_backends", "camera_backends"}
    bad = []
    for key in sorted(a.keys() | b.keys()):
        if key in skip:
            continue
        if key not in a or key not in b:
            bad.append(f"{key}: only in {'the first' if key in a else 'the second'}")
        elif not _close(a[key], b[key], key):
            bad.append(f"{key}: {a[key]} vs {b[key]}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv2-dir")
    ap.add_argument("--videos", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--compare", nargs=2, type=Path)
    args = ap.parse_args()
    if args.compare:
        one, two = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        bad = compare(one, two)
        print("\n".join(bad) if bad else f"same results: {len(one)} checks")
        return 1 if bad else 0
    result = _run(args.cv2_dir, args.videos)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
