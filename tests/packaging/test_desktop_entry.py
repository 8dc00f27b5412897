"""Fast checks of the packaging inputs: desktop entry, icons, PyInstaller spec, shell scripts.

The full PyInstaller build takes minutes, so it is packaging/build.sh (run before a release,
results in docs/packaging.md); these tests catch the cheap mistakes that would break it.
"""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / "linux" / "camtranslate.desktop"
ICONS = REPO / "resources" / "icons"
SPEC = PACKAGING / "camtranslate.spec"


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_desktop_entry_has_the_required_keys() -> None:
    entry = _desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "camtranslate"
    assert entry["Icon"] == "camtranslate"
    assert entry["Exec"].split()[:2] == ["camtranslate", "gui"]
    assert entry["Exec"].endswith("%F")  # the GUI opens the files it is given
    categories = [c for c in entry["Categories"].split(";") if c]
    # exactly one main category, or menus list the app twice (desktop-file-validate hints it)
    main = {
        "AudioVideo",
        "Audio",
        "Video",
        "Development",
        "Education",
        "Game",
        "Graphics",
        "Network",
        "Office",
        "Science",
        "Settings",
        "System",
        "Utility",
    }
    assert len(set(categories) & main) == 1, categories
    assert entry["Categories"].endswith(";")
    assert entry["StartupWMClass"] == "camtranslate"
    mimetypes = entry["MimeType"].rstrip(";").split(";")
    assert {"image/png", "image/jpeg"} <= set(mimetypes)
    assert all(re.fullmatch(r"(image|video)/[a-z0-9.+-]+", m) for m in mimetypes)


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    proc = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    problems = [
        line for line in proc.stdout.splitlines() if ": error:" in line or ": hint:" in line
    ]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr


def test_desktop_file_name_matches_the_gui() -> None:
    """Wayland docks find the icon through QGuiApplication.desktopFileName: same name."""
    text = (REPO / "camtranslate" / "gui" / "app.py").read_text(encoding="utf-8")
    assert re.search(r'DESKTOP_FILE_NAME = "' + DESKTOP.stem + '"', text)
    assert "setDesktopFileName(DESKTOP_FILE_NAME)" in text


@pytest.mark.parametrize("size", [48, 128, 256])
def test_icon_pngs_have_their_size(size: int) -> None:
    assert _png_size(ICONS / f"camtranslate-{size}.png") == (size, size)


def test_icon_svg_is_an_svg() -> None:
    text = (ICONS / "camtranslate.svg").read_text(encoding="utf-8")
    assert "<svg" in text and 'viewBox="0 0 256 256"' in text


def test_spec_references_existing_paths() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)  # a spec is Python
    paths = re.findall(r'REPO((?:\s*/\s*"[^"]+")+)', text)
    assert paths, "the spec names no repo paths"
    for match in paths:
        rel = Path(*re.findall(r'"([^"]+)"', match))
        if rel.parts[0] in ("build", "dist"):
            continue  # outputs and caches the build makes (absent in a fresh clone)
        assert (REPO / rel).exists(), f"spec references missing {rel}"
    for name in ("torch", "transformers", "easyocr", "tkinter"):
        assert f'"{name}"' in text, f"spec does not exclude {name}"


def test_spec_bundles_an_embedded_model() -> None:
    manifests = list((REPO / "models").glob("*/manifest.json"))
    assert manifests, "models/ holds no embedded model for the app to bundle"


def test_hooks_are_valid_python() -> None:
    hooks = sorted((PACKAGING / "hooks").glob("hook-*.py"))
    assert {h.name for h in hooks} >= {"hook-rapidocr.py", "hook-ctranslate2.py"}
    for hook in hooks:
        ast.parse(hook.read_text(encoding="utf-8"), filename=str(hook))


SHELL_SCRIPTS = sorted(
    p.relative_to(REPO).as_posix()
    for p in [
        *PACKAGING.rglob("*.sh"),
        *(REPO / "scripts").glob("*.sh"),
        *(REPO / "benchmarks").glob("*.sh"),
        REPO / ".ci" / "run",
    ]
)


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_shell_scripts_parse_and_are_executable(script: str) -> None:
    path = REPO / script
    if script.startswith("packaging/"):
        # a script (shebang) runs, a library of functions (packaging/common.sh) is sourced
        runs = path.read_text(encoding="utf-8").startswith("#!")
        executable = bool(path.stat().st_mode & 0o111)
        assert executable == runs, f"{script}: shebang {runs}, executable {executable}"
    subprocess.run(["bash", "-n", str(path)], check=True)


# A pipe whose reader may stop early (head, grep -q, grep -m) kills the writer with SIGPIPE;
# under `set -o pipefail` the whole pipeline then fails at random (build.sh exited 141 one time
# in five; `readelf | grep -q` silently left libraries unstripped).
EARLY_EXIT_READER = re.compile(
    r"\|\s*(head\b|grep\s+(-\w*[qm]\w*\b|--quiet|--max-count)|sed\s+(-n\s+)?['\"]?\d*q)"
)


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_no_pipe_into_an_early_exiting_reader_under_pipefail(script: str) -> None:
    text = (REPO / script).read_text(encoding="utf-8")
    if "pipefail" not in text:
        return
    code = [
        line.split(" #", 1)[0] for line in text.splitlines() if not line.lstrip().startswith("#")
    ]
    bad = [line.strip() for line in code if EARLY_EXIT_READER.search(line)]
    assert not bad, f"{script}: SIGPIPE-prone pipes under pipefail: {bad}"


def test_the_sigpipe_check_catches_the_old_patterns() -> None:
    for line in (
        "du -sm x/* | sort -rn | head -12",
        "readelf -S f | grep -q debug",
        "find . -print | grep -m1 x",
        "cmd | sed 1q",
    ):
        assert EARLY_EXIT_READER.search(line), line
    for line in ("du -sm x | cut -f1", "tar -cf - x | xz > y", "grep -q x file"):
        assert not EARLY_EXIT_READER.search(line), line
