"""The Debian package: its metadata files, a .deb built from a stand-in app, and the real one.

The stand-in tests build a .deb in a second with packaging/linux/build-deb.sh around a tiny
script in place of the PyInstaller app, and check what dpkg-deb says about it. The round-trip
test needs a real built .deb (packaging/build.sh makes dist/camtranslate_<version>_amd64.deb, or
set CAMTRANSLATE_DEB): it installs it with apt-get, runs the self-test from /usr/bin and removes
it (packaging/linux/test-deb.sh); without one, or without root and apt, it is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
METAINFO = REPO / "resources" / "metainfo" / "io.github.camtranslate.camtranslate.metainfo.xml"
needs_dpkg = pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="dpkg-deb absent")


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream (appstreamcli) absent")
def test_metainfo_passes_appstreamcli_validate() -> None:
    proc = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_metainfo_names_the_desktop_entry_and_licences() -> None:
    text = METAINFO.read_text(encoding="utf-8")
    assert "<id>io.github.camtranslate.camtranslate</id>" in text
    assert '<launchable type="desktop-id">camtranslate.desktop</launchable>' in text
    assert "<project_license>MIT</project_license>" in text
    assert (LINUX / "camtranslate.desktop").is_file()


def _stand_in_app(root: Path) -> Path:
    app = root / "camtranslate"
    (app / "_internal").mkdir(parents=True)
    (app / "_internal" / "THIRD_PARTY_LICENSES.txt").write_text("stand-in\n")
    exe = app / "camtranslate"
    exe.write_text('#!/bin/sh\necho "camtranslate stand-in $*"\n')
    exe.chmod(0o755)
    licences = root / "THIRD_PARTY_LICENSES.txt"
    licences.write_text("stand-in\n")
    subprocess.run([str(LINUX / "stage-share.sh"), str(app), str(licences)], check=True)
    return app


def _build(root: Path, epoch: str = "1700000000") -> Path:
    app = _stand_in_app(root)
    deb = root / "camtranslate_test_amd64.deb"
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run([str(LINUX / "build-deb.sh"), str(app), str(deb)], check=True, env=env)
    return deb


@needs_dpkg
def test_deb_control_is_well_formed(tmp_path: Path) -> None:
    deb = _build(tmp_path)
    fields = {}
    for key in (
        "Package",
        "Version",
        "Architecture",
        "Maintainer",
        "Installed-Size",
        "Depends",
        "Section",
        "Priority",
        "Description",
    ):
        proc = subprocess.run(
            ["dpkg-deb", "-f", str(deb), key], capture_output=True, text=True, check=True
        )
        fields[key] = proc.stdout.strip()
        assert fields[key], f"control has no {key}"
    assert fields["Package"] == "camtranslate" and fields["Architecture"] == "amd64"
    assert fields["Installed-Size"].isdigit()
    assert "libc6 (>= " in fields["Depends"]
    # dpkg's own parser accepts the whole control file
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True)
    assert info.returncode == 0, info.stderr


@needs_dpkg
def test_deb_installs_where_a_linux_desktop_looks(tmp_path: Path) -> None:
    deb = _build(tmp_path)
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()]
    paths = {row[5].removeprefix(".") for row in rows}
    assert all(row[1] == "root/root" for row in rows), "files must be owned by root"
    for path in (
        "/opt/camtranslate/camtranslate",
        "/usr/bin/camtranslate",
        "/usr/share/applications/camtranslate.desktop",
        "/usr/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml",
        "/usr/share/icons/hicolor/48x48/apps/camtranslate.png",
        "/usr/share/icons/hicolor/128x128/apps/camtranslate.png",
        "/usr/share/icons/hicolor/256x256/apps/camtranslate.png",
        "/usr/share/icons/hicolor/scalable/apps/camtranslate.svg",
        "/usr/share/doc/camtranslate/copyright",
    ):
        assert path in paths, f"{path} missing from the .deb"
    # the per-user installer is not part of the system package
    assert "/opt/camtranslate/install.sh" not in paths
    assert not any(p.startswith("/usr/share/camtranslate") for p in paths)

    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    launcher = (root / "usr" / "bin" / "camtranslate").read_text(encoding="utf-8")
    assert 'exec "/opt/camtranslate/camtranslate" "$@"' in launcher
    assert "C.UTF-8" in launcher
    entry = (root / "usr/share/applications/camtranslate.desktop").read_text(encoding="utf-8")
    assert "\nExec=camtranslate gui %F\n" in entry  # /usr/bin is on PATH
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(root / "usr/share/applications/camtranslate.desktop")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout


@needs_dpkg
def test_deb_build_is_reproducible(tmp_path: Path) -> None:
    one = _build(tmp_path / "one").read_bytes()
    two = _build(tmp_path / "two").read_bytes()
    assert one == two, "two .deb builds of the same input differ"


def _built_deb() -> Path | None:
    if os.environ.get("CAMTRANSLATE_DEB"):
        return Path(os.environ["CAMTRANSLATE_DEB"])
    found = sorted((REPO / "dist").glob("camtranslate_*_amd64.deb"))
    return found[-1] if found else None


def _round_trip_skip_reason() -> str | None:
    deb = _built_deb()
    if deb is None or not deb.is_file():
        return "no built .deb (packaging/build.sh makes dist/camtranslate_*_amd64.deb)"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "needs root and apt-get to install the .deb"
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "camtranslate"], capture_output=True, text=True
    ).stdout
    if status.endswith("ok installed"):
        return "camtranslate is installed on this machine already: not touching it"
    return None


@pytest.mark.skipif(_round_trip_skip_reason() is not None, reason=str(_round_trip_skip_reason()))
def test_real_deb_installs_self_tests_and_removes_cleanly() -> None:
    proc = subprocess.run(
        [str(LINUX / "test-deb.sh"), str(_built_deb())],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "deb round trip: OK" in proc.stdout
