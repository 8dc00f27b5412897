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
STAGE = REPO / "packaging" / "linux" / "stage-share.sh"


def _stand_in_app(root: Path) -> Path:
    app = root / "build" / "camtranslate"
    (app / "_internal" / "resources").mkdir(parents=True)
    shutil.copytree(REPO / "resources" / "icons", app / "_internal" / "resources" / "icons")
    exe = app / "camtranslate"
    # prints its arguments and the locale the launcher gave it
    exe.write_text('#!/bin/sh\necho "camtranslate stand-in $* LC_CTYPE=${LC_CTYPE:-}"\n')
    exe.chmod(0o755)
    return app


def _staged_app(root: Path) -> Path:
    """The stand-in plus what build.sh adds beside it (stage-share.sh): install.sh, share/."""
    app = _stand_in_app(root)
    licences = root / "THIRD_PARTY_LICENSES.txt"
    licences.write_text("stand-in\n")
    subprocess.run([str(STAGE), str(app), str(licences)], check=True)
    return app


def _run(
    args: list[str], home: Path, script: Path = INSTALL, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    return subprocess.run(
        ["bash", str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        input=stdin,
    )


def test_install_and_uninstall_in_a_temp_home(tmp_path: Path) -> None:
    home = tmp_path / "home with space"
    home.mkdir()
    app = _stand_in_app(tmp_path)
    proc = _run([str(app)], home)
    assert proc.returncode == 0, proc.stderr

    launcher = home / ".local" / "bin" / "camtranslate"
    env = {"PATH": "/usr/bin:/bin"}  # no LANG: the launcher sets a UTF-8 LC_CTYPE
    out = subprocess.run(
        [str(launcher), "--version"], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "camtranslate stand-in --version LC_CTYPE=C.UTF-8"
    env["LANG"] = "pt_BR.UTF-8"  # a real locale is left alone
    out = subprocess.run([str(launcher)], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "camtranslate stand-in  LC_CTYPE="
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


def test_release_layout_installs_and_uninstalls_itself(tmp_path: Path) -> None:
    """The app folder as shipped (install.sh and share/ inside): install from it, delete it,
    then `camtranslate-uninstall --purge` removes everything, settings and cache after asking."""
    home = tmp_path / "home"
    home.mkdir()
    app = _staged_app(tmp_path)
    proc = _run([], home, script=app / "install.sh")  # no argument: the folder it sits in
    assert proc.returncode == 0, proc.stderr
    share = home / ".local" / "share"
    metainfo = share / "metainfo" / "io.github.camtranslate.camtranslate.metainfo.xml"
    assert metainfo.is_file()
    assert (home / ".local" / "opt" / "camtranslate" / "install.sh").is_file()
    shutil.rmtree(app.parent)  # the unpacked tarball is gone

    config = home / ".config" / "camtranslate"
    cache = home / ".cache" / "camtranslate"
    models = share / "camtranslate" / "models"
    for folder in (config, cache, models):
        folder.mkdir(parents=True)
        (folder / "x").write_text("user file")
    uninstaller = home / ".local" / "bin" / "camtranslate-uninstall"

    # --purge asks; "n" keeps the settings and cache
    proc = _run(["--purge"], home, script=uninstaller, stdin="n\n")
    assert proc.returncode == 0, proc.stderr
    assert "[y/N]" in proc.stdout and config.exists() and cache.exists()
    assert not (home / ".local" / "opt" / "camtranslate").exists()
    assert not uninstaller.exists() and not metainfo.exists()

    # reinstall from the checkout's copy, then purge with "y"
    app = _staged_app(tmp_path / "again")
    assert _run([str(app)], home).returncode == 0
    proc = _run(["--purge"], home, script=uninstaller, stdin="y\n")
    assert proc.returncode == 0, proc.stderr
    assert not config.exists() and not cache.exists()
    assert models.exists(), "models the user installed are theirs: never deleted"
    leftovers = sorted(
        p.relative_to(home).as_posix()
        for p in home.rglob("*")
        if p.is_file() and "camtranslate" in str(p)
    )
    assert leftovers == [".local/share/camtranslate/models/x"], leftovers


def test_uninstall_purge_yes_does_not_ask(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".cache" / "camtranslate").mkdir(parents=True)
    proc = _run(["--uninstall", "--purge", "--yes"], home)
    assert proc.returncode == 0, proc.stderr
    assert "[y/N]" not in proc.stdout
    assert not (home / ".cache" / "camtranslate").exists()
