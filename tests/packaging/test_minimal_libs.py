"""The minimal OpenCV and NumPy build steps and the ICU data trim (issue 10): their fast,
static parts.

The builds themselves take minutes (ICU) to most of an hour (OpenCV) and run in
packaging/build.sh; docs/packaging.md has their checks and numbers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
sys.path.insert(0, str(PACKAGING))
import icu_trim  # noqa: E402


@pytest.mark.parametrize(
    "item",
    [
        "coll/root.res",
        "coll/de.res",
        "coll/ucadata.icu",
        "nfkc.nrm",
        "uts46.nrm",
        "root.res",
        "en.res",
        "res_index.res",
        "cnvalias.icu",
        "brkitr/line.brk",
        "brkitr/cjdict.dict",
        "zoneinfo64.res",
        "pool.res",
    ],
)
def test_icu_trim_keeps_what_qt_reads(item: str) -> None:
    assert not icu_trim.removable(item)


@pytest.mark.parametrize(
    "item",
    [
        "lang/de.res",
        "region/fr.res",
        "curr/pt.res",
        "unit/en.res",
        "zone/ja.res",
        "translit/root.res",
        "rbnf/en.res",
        "ibm-943_P15A-2003.cnv",
        "unames.icu",
        "rfc3491.spp",
        "confusables.cfu",
    ],
)
def test_icu_trim_drops_what_qt_never_reads(item: str) -> None:
    assert icu_trim.removable(item)


def _builds_the_pinned_version(script_path: str, variable: str, dist: str) -> str:
    """The build script's text, after checking that its VARIABLE=version is what
    packaging/constraints.txt pins for `dist` (bump both together)."""
    script = (PACKAGING / script_path).read_text(encoding="utf-8")
    pinned = re.search(rf"^{variable}=(\S+)$", script, re.M)
    constraints = (PACKAGING / "constraints.txt").read_text(encoding="utf-8")
    assert pinned and f"{dist}=={pinned.group(1)}\n" in constraints
    return script


def test_opencv_build_pins_the_constrained_version_by_hash() -> None:
    script = _builds_the_pinned_version(
        "opencv/build-opencv.sh", "OPENCV_VERSION", "opencv-python-headless"
    )
    for name in ("OPENCV_SHA256", "FFMPEG_SHA256"):
        assert re.search(rf"^{name}=[0-9a-f]{{64}}$", script, re.M), name
    # LGPL FFmpeg only, and no BLAS/LAPACK in OpenCV
    ffmpeg = re.search(r"^FFMPEG_OPTIONS=\((.*?)^\)", script, re.M | re.S)
    assert ffmpeg and "--disable-everything" in ffmpeg.group(1)
    assert "--enable-gpl" not in ffmpeg.group(1) and "--enable-nonfree" not in ffmpeg.group(1)
    assert "-DWITH_LAPACK=OFF" in script


def test_spec_and_hook_switch_on_the_same_variable() -> None:
    spec = (PACKAGING / "camtranslate.spec").read_text(encoding="utf-8")
    hook = (PACKAGING / "hooks" / "hook-cv2.py").read_text(encoding="utf-8")
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    for text in (spec, hook, build):
        assert "CAMTRANSLATE_OPENCV_DIR" in text


def test_numpy_build_pins_the_constrained_version_by_hash_and_drops_blas() -> None:
    script = _builds_the_pinned_version("numpy/build-numpy.sh", "NUMPY_VERSION", "numpy")
    assert re.search(r"^NUMPY_SHA256=[0-9a-f]{64}$", script, re.M)
    for option in ("-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true"):
        assert option in script


def test_ctranslate2_build_pins_commits_of_the_constrained_version_cpu_only() -> None:
    script = _builds_the_pinned_version(
        "ctranslate2/build-ctranslate2.sh", "CT2_VERSION", "ctranslate2"
    )
    for name in ("CT2_COMMIT", "ONEDNN_COMMIT"):
        assert re.search(rf"^{name}=[0-9a-f]{{40}}$", script, re.M), name
    for option in ("-DWITH_CUDA=OFF", "-DWITH_MKL=OFF", "-DWITH_DNNL=ON", "-DBUILD_CLI=OFF"):
        assert option in script
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    licenses = (PACKAGING / "licenses.py").read_text(encoding="utf-8")
    assert "CAMTRANSLATE_CT2_DIR" in build and "CAMTRANSLATE_CT2_DIR" in licenses
