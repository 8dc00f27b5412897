"""Write THIRD_PARTY_LICENSES.txt for the packaged app, from what is really in it.

  build/packaging/venv/bin/python packaging/licenses.py > THIRD_PARTY_LICENSES.txt

Run with the build venv's Python: every distribution installed there (less the build tools) is
bundled by PyInstaller, so each gets its name, version, declared licence and the full text of
every licence/notice file it ships (OpenCV's LICENSE-3RD-PARTY.txt covers the FFmpeg, libvpx,
libaom, OpenBLAS ... copies inside its wheel). Then what is not a Python distribution: Qt (LGPL,
with how to replace the Qt libraries), the Python runtime, the embedded translation models, the
fonts, and the X11 helper libraries copied from the build host. The About dialog opens this file.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD_ONLY = {
    "pip",
    "setuptools",
    "wheel",
    "pyinstaller",
    "pyinstaller-hooks-contrib",
    "altgraph",
}
LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)[^/]*$", re.I)
RULE = "=" * 100
COMMON_TEXTS = (
    ("LGPL-3", "GNU Lesser General Public License v3 (Qt, PySide6, Shiboken6)"),
    ("GPL-3", "GNU General Public License v3 (which the LGPL v3 supplements)"),
    ("Apache-2.0", "Apache License 2.0 (flatbuffers, sentencepiece and others)"),
)
QT_NOTE = """\
Qt 6 and PySide6 / Shiboken6 (The Qt Company) -- GNU Lesser General Public License v3
(LGPL-3.0-only); see the PySide6_Essentials and shiboken6 entries below for the texts.

camtranslate uses Qt through PySide6 as separate shared libraries, unmodified, exactly as the
PySide6-Essentials {version} wheel from PyPI ships them. They are in the app folder, under
  _internal/PySide6/Qt/lib/      (libQt6Core.so.6, libQt6Gui.so.6, libQt6Widgets.so.6, ...)
  _internal/PySide6/Qt/plugins/  (platform, image-format and Wayland plugins)
  _internal/PySide6/             (the Python bindings: QtCore.abi3.so, ...)
How to use your own build of these libraries (LGPL section 4): build Qt {version} and PySide6
{version} from their sources (https://download.qt.io/official_releases/, or the sdist of
PySide6 on PyPI) with the same configuration, and replace the files above with yours, keeping
their names; the app loads them at start-up from that folder (no static linking, no checks of
the files). With the .deb they are under /opt/camtranslate/_internal/. The source of the exact
versions used is available from The Qt Company and from PyPI; on request we will provide it.
"""


OPENCV_MIN_NOTE = """\
OpenCV (Apache-2.0), built from source for this app by packaging/opencv/build-opencv.sh, with
libjpeg-turbo (IJG/BSD-3-Clause/zlib), libpng (libpng), libwebp (BSD-3-Clause), libtiff
(libtiff) and FFmpeg's libavcodec/libavformat/libavutil/libswscale (LGPL-2.1-or-later) linked
statically into one file, _internal/cv2.cpython-311-x86_64-linux-gnu.so:
{info}
FFmpeg is under the GNU Lesser General Public License 2.1 or later (configured without
--enable-gpl or --enable-nonfree). How to use your own FFmpeg (LGPL-2.1 section 6): the script
above names the exact sources (the opencv-python-headless sdist from PyPI, Debian's
ffmpeg_5.1.9.orig.tar.xz, both by sha256) and every build option; change the FFmpeg sources or
options there, run it, and replace the cv2 file above with the one it builds. On request we
will provide the sources and the object files.
"""


CT2_CPU_NOTE = """\
CTranslate2 (MIT), built from source for this app by packaging/ctranslate2/build-ctranslate2.sh
for the CPU only, with oneDNN (Apache-2.0), spdlog (MIT) and cpu_features (Apache-2.0) linked
statically into _internal/ctranslate2.libs/libctranslate2-*.so, and GCC's libgomp (GPL-3.0 with
the GCC Runtime Library Exception) beside it:
{info}
The script names the exact sources (git commits) and every build option.
"""


def _first_lines(path: Path, n: int) -> str:
    if not path.is_file():
        return "  (build-info.txt missing)"
    return "\n".join("  " + line for line in path.read_text(encoding="utf-8").splitlines()[:n])


def _own_build_texts(w, folder: Path) -> None:
    """The licence texts a build step of ours copied into its output's licenses/ folder."""
    for text in sorted((folder / "licenses").glob("*")):
        w(f"\n--- {text.name}\n")
        w(text.read_text(encoding="utf-8", errors="replace").rstrip() + "\n")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(meta) -> str:
    expr = meta.get("License-Expression")
    if expr:
        return expr
    lic = (meta.get("License") or "").strip()
    if lic and len(lic) < 200 and "\n" not in lic:
        return lic
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return "; ".join(classifiers) or (lic.splitlines()[0] if lic else "see the text below")


def distributions() -> list[md.Distribution]:
    seen, dists = set(), []
    for dist in md.distributions():
        name = _norm(dist.metadata["Name"] or "")
        if not name or name in BUILD_ONLY or name in seen or name == "camtranslate":
            continue
        seen.add(name)
        dists.append(dist)
    return sorted(dists, key=lambda d: _norm(d.metadata["Name"]))


def _texts(dist: md.Distribution) -> list[tuple[str, str]]:
    texts = []
    for rel in dist.files or []:
        rel_s = str(rel)
        if "__pycache__" in rel_s or not LICENSE_FILE.search(rel_s):
            continue
        path = Path(dist.locate_file(rel))
        if path.is_file() and path.stat().st_size < 2_000_000:
            texts.append((rel_s, path.read_text(encoding="utf-8", errors="replace")))
    return texts


def _host_copyright(package: str) -> str:
    path = Path("/usr/share/doc") / package / "copyright"
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def main() -> int:
    out: list[str] = []
    w = out.append
    w("camtranslate -- third-party licences\n")
    w("camtranslate itself is MIT-licensed (LICENSE beside this file). The app bundles the")
    w("software below; each entry gives its version, its licence and the licence texts it ships.")
    w("Generated by packaging/licenses.py from the build environment.\n")
    pyside = next(
        (d for d in distributions() if _norm(d.metadata["Name"]).startswith("pyside6")), None
    )
    w(RULE)
    w(QT_NOTE.format(version=pyside.version if pyside else "6"))

    w(RULE)
    w(f"Python {sys.version.split()[0]} (Python Software Foundation License Version 2)")
    for cand in (
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}."
        f"{sys.version_info.minor}" / "LICENSE.txt",
    ):
        if cand.is_file():
            w(cand.read_text(encoding="utf-8", errors="replace"))

    opencv_dir = os.environ.get("CAMTRANSLATE_OPENCV_DIR")
    if opencv_dir:
        w(RULE)
        w(OPENCV_MIN_NOTE.format(info=_first_lines(Path(opencv_dir) / "build-info.txt", 3)))
        _own_build_texts(w, Path(opencv_dir))
    ct2_dir = os.environ.get("CAMTRANSLATE_CT2_DIR")
    if ct2_dir:
        w(RULE)
        w(CT2_CPU_NOTE.format(info=_first_lines(Path(ct2_dir) / "build-info.txt", 3)))
        _own_build_texts(w, Path(ct2_dir))
    for dist in distributions():
        meta = dist.metadata
        if opencv_dir and _norm(meta["Name"]).startswith("opencv-"):
            continue  # the wheel is not bundled: the minimal build above is
        w(RULE)
        w(f"{meta['Name']} {dist.version} -- {_declared(meta)}")
        home = meta.get("Home-page") or next(
            (u.split(",", 1)[1].strip() for u in meta.get_all("Project-URL") or []), ""
        )
        if home:
            w(f"  {home}")
        texts = _texts(dist)
        for rel, text in texts:
            w(f"\n--- {rel}\n")
            w(text.rstrip() + "\n")
        if not texts:
            w("  (the wheel ships no licence file; the full text of the licence named above is at")
            w("  the end of this file; MIT: the text of LICENSE beside this file, with the")
            w("  copyright of that project's authors)")

    w(RULE)
    w("Embedded translation models (models/ in the app)\n")
    for manifest in sorted((REPO / "models").glob("*/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        w(f"{manifest.parent.name} ({data.get('id', '?')}): licence: {data.get('license', '?')}")
        w(f"  provenance: {data.get('source', '?')}")
        w(f"  model card: models/{manifest.parent.name}/MODEL_CARD.md (in the app folder too)\n")

    w(RULE)
    w("Fonts: Noto Sans (resources/fonts) -- SIL Open Font License 1.1\n")
    ofl = REPO / "resources" / "fonts" / "OFL.txt"
    if ofl.is_file():
        w(ofl.read_text(encoding="utf-8", errors="replace"))

    w(RULE)
    w("Sample photos (resources/samples) -- CC BY 4.0\n")
    samples = REPO / "resources" / "samples" / "README.md"
    if samples.is_file():
        w(samples.read_text(encoding="utf-8", errors="replace"))

    host = sorted(
        {
            p
            for p in _dpkg_owners(
                [
                    "libxcb-cursor.so.0",
                    "libxcb-icccm.so.4",
                    "libxcb-image.so.0",
                    "libxcb-keysyms.so.1",
                    "libxcb-render-util.so.0",
                    "libxcb-util.so.1",
                ]
            )
        }
    )
    for package in host:
        text = _host_copyright(package)
        if text:
            w(RULE)
            w(f"{package} (X11 helper library copied from the build system; MIT/X11 licence)\n")
            w(text)
    # Full texts of the licences named above whose wheels carry no copy (Debian's common-licenses)
    for name, title in COMMON_TEXTS:
        path = Path("/usr/share/common-licenses") / name
        if path.is_file():
            w(RULE)
            w(f"{title} (full text)\n")
            w(path.read_text(encoding="utf-8", errors="replace"))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _dpkg_owners(sonames: list[str]) -> set[str]:
    owners = set()
    for soname in sonames:
        proc = subprocess.run(
            ["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False
        )
        for line in proc.stdout.splitlines():
            owners.add(line.split(":", 1)[0].split(",")[0].strip())
    return owners


if __name__ == "__main__":
    sys.exit(main())
