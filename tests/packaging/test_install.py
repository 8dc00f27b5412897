"""packaging/linux/install.sh with HOME in a temp dir: the files land where desktops look.

The app installed here is a stand-in folder with a tiny `camtranslate` script, because the
real PyInstaller build takes minutes (packaging/build.sh installs and runs the real one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "packaging" / "linux" / "install.sh"


def _stand_in_app(root: Path) -> Path:
    app = root / "build" / "camtranslate"
    (app / "_internal" / "resources").mkdir(parents=True)
    shutil.copytree(REPO / "resources" / "icons", app / "_internal" / "resources" / "icons")
    exe = app / "camtranslate"
    exe.write_text('#!/bin/sh\necho "camtranslate stand-in $*"\n')
    exe.chmod(0o755)
    return app


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    return subprocess.run(
        ["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, check=False
    )


def test_install_and_uninstall_in_a_temp_home(tmp_path: Path) -> None:
    home = tmp_path / "home with space"
    home.mkdir()
    app = _stand_in_app(tmp_path)
    proc = _run([str(app)], home)
    assert proc.returncode == 0, proc.stderr

    launcher = home / ".local" / "bin" / "camtranslate"
    out = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "camtranslate stand-in --version"
    assert (home / ".local" / "opt" / "camtranslate" / "camtranslate").is_file()

    desktop = home / ".local" / "share" / "applications" / "camtranslate.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f'Exec="{launcher}" gui %F' in text
    assert f"TryExec={launcher}" in text
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert check.returncode == 0, check.stdout

    hicolor = home / ".local" / "share" / "icons" / "hicolor"
    for size in (48, 128, 256):
        assert (hicolor / f"{size}x{size}" / "apps" / "camtranslate.png").is_file()
    assert (hicolor / "scalable" / "apps" / "camtranslate.svg").is_file()

    # Reinstalling over an existing install replaces it in place.
    assert _run([str(app)], home).returncode == 0

    proc = _run(["--uninstall"], home)
    assert proc.returncode == 0, proc.stderr
    assert not launcher.exists() and not desktop.exists()
    assert not (home / ".local" / "opt" / "camtranslate").exists()


def test_install_without_a_build_says_so(tmp_path: Path) -> None:
    proc = _run([str(tmp_path / "nowhere")], tmp_path)
    assert proc.returncode == 1
    assert "no built app" in proc.stderr


def test_help_lists_the_install_locations(tmp_path: Path) -> None:
    proc = _run(["--help"], tmp_path)
    assert proc.returncode == 0 and ".local/opt/camtranslate" in proc.stdout
