"""What goes into the app folder, and what the built folder needs from the OS.

Used two ways:

* by the PyInstaller spec (`prune(a.binaries)`): leave out the shared libraries that every
  supported desktop already has (glib, X11/xcb, fontconfig/freetype, D-Bus, zlib, libstdc++,
  OpenSSL 3 ...) — they were copied from the build host, raised the glibc floor to the host's
  (2.36 on Debian 12) and duplicated what the distribution keeps patched — and then every
  library that nothing left in the bundle loads (left behind by dropped plugins).
* from the command line, on a built folder (build.sh and docs/packaging.md use these):

    python packaging/trim.py parts DIR       # MiB per part (Qt, OpenCV, models ...), largest first
    python packaging/trim.py glibc DIR       # the glibc / libstdc++ floor, and which files set it
    python packaging/trim.py host-needs DIR  # sonames the bundle loads from the OS
    python packaging/trim.py deb-depends DIR # those sonames as Debian package names (dpkg -S)
    python packaging/trim.py glibc-min DIR   # just the glibc floor, e.g. 2.34 (for Depends)
    python packaging/trim.py manifest DIR    # every file: size, sha256 (reproducibility checks)
    python packaging/trim.py compare A B     # two manifests: same file list? sizes within 1 %?

Every external tool's output is read whole (subprocess, no shell pipe), so nothing here can
die of SIGPIPE the way `readelf | grep -q` did under `set -o pipefail`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# Libraries found in the build host's system folders that the bundle keeps anyway: they are
# not installed by default on every supported desktop (xcb-util family: Qt's xcb plugin needs
# them, and Ubuntu 22.04 lacks libxcb-cursor0 out of the box) and they only need glibc 2.14.
KEEP_HOST = (
    "libxcb-cursor.so",
    "libxcb-icccm.so",
    "libxcb-image.so",
    "libxcb-keysyms.so",
    "libxcb-render-util.so",
    "libxcb-util.so",
)
HOST_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")
# Loaded with dlopen() (no DT_NEEDED points at them): never pruned as orphans.
DLOPENED = ("libonnxruntime_providers_shared.so",)
PYTHON_EXT = re.compile(r"\.(cpython-[^.]+|abi3)\.so$")
PARTS = (  # (label, path prefixes under _internal/) for the size table
    ("Qt (PySide6, ICU)", ("PySide6/", "shiboken6/", "libQt6", "libpyside6", "libshiboken6")),
    ("OpenCV (cv2 + its libs)", ("cv2/", "cv2.", "opencv_python_headless.libs/", "opencv")),
    ("CTranslate2", ("ctranslate2/", "ctranslate2.libs/")),
    ("ONNX Runtime", ("onnxruntime/",)),
    ("translation models", ("models/",)),
    ("OCR models (rapidocr)", ("rapidocr/",)),
    ("NumPy (+ OpenBLAS)", ("numpy/", "numpy.libs/")),
    ("Pillow", ("PIL/", "pillow.libs/")),
    ("shapely (GEOS)", ("shapely/", "shapely.libs/")),
    ("sentencepiece", ("sentencepiece/", "sentencepiece.libs/")),
    ("fonts, icons, samples", ("resources/",)),
    ("Python (libpython, stdlib)", ("libpython", "base_library.zip", "python3.")),
)


def elf_needed(path: str | Path) -> list[str]:
    """DT_NEEDED sonames of an ELF file ([] for anything readelf cannot read)."""
    proc = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", proc.stdout)


def _versions(path: Path, prefix: str) -> list[tuple[int, ...]]:
    """Versions of `prefix` (GLIBC, GLIBCXX ...) the file requires (.gnu.version_r only)."""
    proc = subprocess.run(["readelf", "-V", str(path)], capture_output=True, text=True, check=False)
    _, _, needs = proc.stdout.partition("Version needs section")
    found = re.findall(rf"Name: {prefix}_([0-9.]+)\b", needs)
    return [tuple(int(p) for p in v.split(".") if p) for v in set(found)]


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def is_host_library(src: str) -> bool:
    real = os.path.realpath(src)
    return real.startswith(HOST_DIRS) and "-packages/" not in real


def _is_entry_point(dest: str) -> bool:
    name = dest.rsplit("/", 1)[-1]
    return (
        bool(PYTHON_EXT.search(name))
        or "/lib-dynload/" in dest
        or "/plugins/" in dest
        or name.startswith(("libpython", *DLOPENED))
    )


def prune(binaries: Iterable[tuple]) -> tuple[list[tuple], list[tuple[str, str]]]:
    """(kept TOC entries, [(dest, why)] left out): host libraries, then orphans, to a fixpoint."""
    kept, dropped = [], []
    for entry in binaries:
        dest, src = entry[0], entry[1]
        name = dest.rsplit("/", 1)[-1]
        if is_host_library(src) and not name.startswith(KEEP_HOST):
            dropped.append((dest, "from the OS"))
        else:
            kept.append(entry)
    needed_by = {e[0]: set(elf_needed(e[1])) for e in kept}
    while True:
        wanted = set().union(*needed_by.values()) if needed_by else set()
        orphans = [
            e for e in kept if not _is_entry_point(e[0]) and e[0].rsplit("/", 1)[-1] not in wanted
        ]
        if not orphans:
            return kept, dropped
        for e in orphans:
            kept.remove(e)
            needed_by.pop(e[0], None)
            dropped.append((e[0], "nothing loads it"))


def _elf_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink() and is_elf(p)]


def parts(app: Path) -> list[tuple[str, float]]:
    internal = app / "_internal"
    sizes: dict[str, int] = defaultdict(int)
    for path in app.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(internal).as_posix() if internal in path.parents else path.name
        label = next((lab for lab, pre in PARTS if rel.startswith(pre)), "other")
        sizes[label] += path.stat().st_size
    return sorted(((k, v / 2**20) for k, v in sizes.items()), key=lambda kv: -kv[1])


def glibc_floor(app: Path) -> dict[str, tuple[tuple[int, ...], list[str]]]:
    """{'GLIBC': (highest version, [files needing it]), 'GLIBCXX': (...)}"""
    result = {}
    for prefix in ("GLIBC", "GLIBCXX", "CXXABI"):
        best: tuple[int, ...] = ()
        files: list[str] = []
        for path in _elf_files(app):
            versions = _versions(path, prefix)
            if not versions:
                continue
            top = max(versions)
            rel = str(path.relative_to(app))
            if top > best:
                best, files = top, [rel]
            elif top == best:
                files.append(rel)
        result[prefix] = (best, files)
    return result


def host_needs(app: Path) -> list[str]:
    bundled = {p.name for p in app.rglob("*") if p.is_file() or p.is_symlink()}
    needed: set[str] = set()
    for path in _elf_files(app):
        needed.update(elf_needed(path))
    return sorted(n for n in needed if n not in bundled)


# sonames that glibc itself provides (the libc6 package); never a separate dependency
GLIBC_SONAMES = re.compile(
    r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|libnsl|libanl|ld-linux-x86-64)\.so"
)


# Packages Ubuntu 24.04 renamed for the 64-bit time_t transition (same sonames on amd64).
T64_RENAMED = {
    "libglib2.0-0",
    "libssl3",
    "libdbus-1-3",
    "libpng16-16",
    "libsqlite3-0",
    "libxkbcommon0",
    "libfreetype6",
    "libharfbuzz0b",
    "libfontconfig1",
    "libexpat1",
    "libffi8",
}


# The GCC release whose libstdc++ first has a GLIBCXX symbol version (libstdc++6's package
# version starts with it): the bundle's floor becomes `libstdc++6 (>= N)` in Depends.
GLIBCXX_GCC = {(3, 4, 29): "11", (3, 4, 30): "12", (3, 4, 31): "13", (3, 4, 32): "14"}


# Debian packages of sonames the build host may lack (Qt's Wayland and EGL plugins need them)
KNOWN_PACKAGES = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
}


def deb_depends(app: Path) -> list[str]:
    """Debian package names providing the sonames the bundle takes from the OS (dpkg -S).

    Each name also accepts its Ubuntu 24.04 "t64" rename, so the list installs on Debian 12,
    Ubuntu 22.04 and later alike.
    """
    packages: set[str] = set()
    for soname in host_needs(app):
        if GLIBC_SONAMES.match(soname):
            continue
        proc = subprocess.run(
            ["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False
        )
        owners = {
            line.split(":", 1)[0].split(",")[0].strip()
            for line in proc.stdout.splitlines()
            if line.rstrip().endswith("/" + soname) and ":" in line
        }
        owners = {o for o in owners if not o.endswith("-dev")}
        if not owners and soname in KNOWN_PACKAGES:  # not installed on the build host
            owners = {KNOWN_PACKAGES[soname]}
        if not owners:
            print(f"trim.py: no package known for {soname}: not in Depends", file=sys.stderr)
            continue
        packages.add(sorted(owners, key=len)[0])
    packages.discard("libc6")
    gcc = GLIBCXX_GCC.get(glibc_floor(app)["GLIBCXX"][0]) if "libstdc++6" in packages else None
    return [
        f"{p} | {p}t64"
        if p in T64_RENAMED
        else f"{p} (>= {gcc})"
        if p == "libstdc++6" and gcc
        else p
        for p in sorted(packages)
    ]


def manifest(app: Path) -> list[str]:
    import hashlib

    rows = []
    for path in sorted(app.rglob("*")):
        rel = path.relative_to(app).as_posix()
        if path.is_symlink():
            rows.append(f"{rel}\tlink\t{os.readlink(path)}")
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            rows.append(f"{rel}\t{path.stat().st_size}\t{digest}")
    return rows


def compare(a: Path, b: Path) -> tuple[bool, list[str]]:
    """(same file list and total size within 1 %, report lines)."""

    def load(p: Path) -> dict[str, tuple[str, str]]:
        out = {}
        for line in p.read_text(encoding="utf-8").splitlines():
            rel, size, digest = line.split("\t")
            out[rel] = (size, digest)
        return out

    one, two = load(a), load(b)
    only_a, only_b = sorted(one.keys() - two.keys()), sorted(two.keys() - one.keys())
    common = one.keys() & two.keys()
    same = sum(1 for k in common if one[k] == two[k])
    size_a = sum(int(s) for s, _ in one.values() if s.isdigit())
    size_b = sum(int(s) for s, _ in two.values() if s.isdigit())
    diff_pct = 100.0 * abs(size_a - size_b) / max(size_a, 1)
    differing = sorted(
        (abs(int(one[k][0]) - int(two[k][0])), k)
        for k in common
        if one[k] != two[k] and one[k][0].isdigit()
    )[::-1]
    lines = [
        f"files: {len(one)} vs {len(two)}; only in the first: {len(only_a)}, only in the "
        f"second: {len(only_b)}",
        f"identical (sha256): {same} of {len(common)}; differing: {len(common) - same}",
        f"total size: {size_a} vs {size_b} bytes ({diff_pct:.3f} % apart)",
        *(f"  only in the first: {k}" for k in only_a[:10]),
        *(f"  only in the second: {k}" for k in only_b[:10]),
        *(f"  differs: {k} ({d:+d} bytes)" for d, k in differing[:10]),
    ]
    return (not only_a and not only_b and diff_pct <= 1.0), lines


def _fmt(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version)) or "-"


def main(argv: list[str]) -> int:
    commands = ("parts", "glibc", "glibc-min", "host-needs", "deb-depends", "manifest")
    if len(argv) == 3 and argv[0] == "compare":
        ok, lines = compare(Path(argv[1]), Path(argv[2]))
        print("\n".join(lines))
        print("reproducible: " + ("yes (same file list, sizes within 1 %)" if ok else "NO"))
        return 0 if ok else 1
    if len(argv) != 2 or argv[0] not in commands:
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    cmd, app = argv[0], Path(argv[1])
    if cmd == "parts":
        total = sum(mib for _, mib in parts(app))
        for label, mib in parts(app):
            print(f"{mib:7.1f} MiB  {label}")
        print(f"{total:7.1f} MiB  total")
    elif cmd == "glibc":
        for prefix, (version, files) in glibc_floor(app).items():
            shown = ", ".join(files[:6]) + (f" (+{len(files) - 6} more)" if len(files) > 6 else "")
            print(f"{prefix} {_fmt(version)}: {shown}")
    elif cmd == "glibc-min":
        print(_fmt(glibc_floor(app)["GLIBC"][0]))
    elif cmd == "manifest":
        print("\n".join(manifest(app)))
    elif cmd == "host-needs":
        print("\n".join(host_needs(app)))
    else:
        print(", ".join(deb_depends(app)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
