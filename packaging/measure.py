"""Start-time numbers for the built app, each the median of N fresh processes (wall clock).

  python packaging/measure.py --runs 3 --home /tmp/h dist/camtranslate/camtranslate

(paths may be relative to the folder it is run from). Measures `--version` (process start +
CLI), `--self-test` (start, load models, translate the sample, build the window offscreen) and,
when Xvfb and xwininfo exist, the time until the main window is on screen on an X server
(`gui`, then killed): a mapped top-level window of WM_CLASS "camtranslate" larger than 1x1 (Qt
also makes a 1x1 group-leader window of that class, never mapped). Every run gets a clean
environment (PATH, HOME, LANG only) and cwd=/tmp, like a user's launch; the OS file cache is
warm after run one. A failed query of the X server (it may still be starting, or busy) is
retried until the timeout, never fatal. build.sh reports these numbers but does not depend on
them; the exit status is non-zero when a measurement could not be made.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

WM_CLASS = "camtranslate"
GUI_TIMEOUT_S = 60.0
POLL_S = 0.1
# an xwininfo -root -tree line:
#   0x1a00007 "camtranslate": ("camtranslate" "camtranslate")  1400x900+0+0  +0+0
TREE_LINE = re.compile(
    r'^\s*(0x[0-9a-f]+) .*\("([^"]*)" "([^"]*)"\)\s+(\d+)x(\d+)[+-]', re.MULTILINE
)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **extra}


def time_command(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        command, env=env, cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - t0, proc.returncode


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """An X server on a free display number (Xvfb picks it and tells us via -displayfd)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start")
    return server, f":{number}"


def _xwininfo(display: str, *args: str) -> str | None:
    """xwininfo's output, or None when the query failed (server not ready, connection race)."""
    try:
        proc = subprocess.run(
            ["xwininfo", "-display", display, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except subprocess.TimeoutExpired:
        return None
    return proc.stdout if proc.returncode == 0 else None


def main_window_shown(display: str) -> bool:
    """A mapped window of WM_CLASS camtranslate, bigger than Qt's 1x1 leader window."""
    tree = _xwininfo(display, "-root", "-tree")
    if tree is None:
        return False
    for wid, _instance, klass, width, height in TREE_LINE.findall(tree):
        if klass != WM_CLASS or int(width) <= 1 or int(height) <= 1:
            continue
        info = _xwininfo(display, "-id", wid)
        if info and "Map State: IsViewable" in info:
            return True
    return False


def time_window(exe: str, env: dict[str, str], display: str) -> tuple[float, int]:
    """Seconds from launch until the main window exists; exit code 0 if it appeared."""
    t0 = time.perf_counter()
    app = subprocess.Popen(
        [exe, "gui"], env=env, cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - t0 < GUI_TIMEOUT_S and app.poll() is None:
            if main_window_shown(display):
                return time.perf_counter() - t0, 0
            time.sleep(POLL_S)
        return time.perf_counter() - t0, 1
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def summary(label: str, runs: list[tuple[float, int]]) -> str:
    seconds = [s for s, _ in runs]
    rc = max(code for _, code in runs)
    listed = " ".join(f"{s:.2f}" for s in seconds)
    return f"{label}: median {statistics.median(seconds):.2f} s (runs: {listed}; exit {rc})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", help="the built app's executable")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path, required=True, help="HOME for the runs")
    args = parser.parse_args(argv)
    # the runs use cwd=/tmp: resolve paths given relative to the caller's folder first
    args.exe = str(Path(args.exe).resolve())
    args.home = args.home.resolve()
    args.home.mkdir(parents=True, exist_ok=True)
    offscreen = clean_env(args.home, QT_QPA_PLATFORM="offscreen")
    worst = 0
    for flag in ("--version", "--self-test"):
        runs = [time_command([args.exe, flag], offscreen) for _ in range(args.runs)]
        print(summary(flag, runs))
        worst = max(worst, *(code for _, code in runs))
    if shutil.which("Xvfb") and shutil.which("xwininfo"):
        try:
            server, display = start_xvfb()
        except (OSError, RuntimeError) as exc:
            print(f"window shown (gui): not measured ({exc})")
            return 1
        try:
            x11 = clean_env(args.home, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            runs = [time_window(args.exe, x11, display) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait()
        print(summary("main window on screen (gui, Xvfb, WM_CLASS camtranslate)", runs))
        worst = max(worst, *(code for _, code in runs))
    else:
        print("window shown (gui): not measured (needs Xvfb and xwininfo)")
    return worst


if __name__ == "__main__":
    sys.exit(main())
