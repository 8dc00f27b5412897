#!/usr/bin/env bash
# Build the standalone camtranslate app (PyInstaller onedir) from a clean checkout, then prove
# it works away from the checkout: move it elsewhere, run it with an empty environment, run its
# --self-test, and print its size and start times.
#
#   packaging/build.sh            # build venv (reused), build, smoke-test, tarball
#   packaging/build.sh --fresh    # recreate the build venv first
#
# Environment: PYTHON (default python3.11) builds the venv; PIP_ARGS are passed to pip install;
#              CONSTRAINTS (default packaging/constraints.txt; empty: newest releases).
# Outputs: dist/camtranslate/ (the app), dist/camtranslate-<version>-linux-x86_64.tar.gz,
#          build/packaging/build-report.txt (what docs/packaging.md quotes).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO/build/packaging"
VENV="$WORK/venv"
DIST="$REPO/dist"
PYTHON="${PYTHON:-python3.11}"
REPORT="$WORK/build-report.txt"
FRESH=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
mkdir -p "$WORK" "$DIST"
cd "$REPO"

# -- 1. the build venv: the app's runtime deps only (no torch, transformers, easyocr) ----------
if [[ $FRESH == 1 ]]; then rm -rf "$VENV"; fi
if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating build venv with $PYTHON"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
say "installing runtime dependencies (pyproject: dependencies + [gui]) and PyInstaller"
# pyproject.toml is the single list of dependencies; the package itself is taken from the
# checkout by PyInstaller (pathex), so the build leaves no egg-info or build/lib behind.
"$VENV/bin/python" packaging/requirements.py gui > "$WORK/requirements.txt"
cat "$WORK/requirements.txt"
# packaging/constraints.txt pins the versions the last passing build used (reproducible builds);
# CONSTRAINTS= (empty) builds against the newest releases instead.
CONSTRAINTS="${CONSTRAINTS-packaging/constraints.txt}"
# shellcheck disable=SC2086  # PIP_ARGS is a list of words
"$VENV/bin/python" -m pip install -q ${PIP_ARGS:-} ${CONSTRAINTS:+-c "$CONSTRAINTS"} \
  -r "$WORK/requirements.txt" "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2024.8"
"$VENV/bin/python" - <<'EOF'
import importlib.util, sys
heavy = [m for m in ("torch", "transformers", "easyocr", "tensorflow") if importlib.util.find_spec(m)]
if heavy:
    sys.exit(f"build venv must not contain {heavy}: the default app needs none of them")
EOF

# -- 2. inputs the bundle needs ---------------------------------------------------------------
say "checking embedded models and resources"
if ! find models -name manifest.json -print -quit | grep -q .; then
  echo "build.sh: models/ holds no model (no manifest.json): the app could not translate" >&2
  exit 1
fi
du -sh models resources

# -- 3. PyInstaller ---------------------------------------------------------------------------
say "PyInstaller (onedir)"
t0=$(date +%s)
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK/pyinstaller" packaging/camtranslate.spec
echo "PyInstaller took $(( $(date +%s) - t0 )) s"
APP="$DIST/camtranslate"
# Some wheels ship their extensions with DWARF debug info (ctranslate2's _ext: 65 MiB of its
# 66 MiB). Drop only debug sections, only from files that have them (no full strip: that can
# corrupt the patchelf-edited libraries auditwheel produces); the self-test below proves it.
if command -v strip >/dev/null && command -v readelf >/dev/null; then
  before=$(du -sm "$APP" | cut -f1)
  while IFS= read -r -d '' so; do
    if readelf -S "$so" 2>/dev/null | grep -q '\.debug_info'; then
      strip --strip-debug "$so"
    fi
  done < <(find "$APP" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
  echo "stripped debug info: ${before} MiB -> $(du -sm "$APP" | cut -f1) MiB"
fi
VERSION="$("$VENV/bin/python" packaging/requirements.py version)"

# -- 4. smoke test away from the checkout, with an empty environment ----------------------------
say "smoke test: copy the app elsewhere, env -i, cwd=/tmp, no PYTHONPATH"
SMOKE="$(mktemp -d /tmp/camtranslate-smoke.XXXXXX)"
trap 'rm -rf "$SMOKE"' EXIT
cp -a "$APP" "$SMOKE/camtranslate"
mkdir -p "$SMOKE/home"
CLEAN_ENV=(env -i PATH=/usr/bin:/bin HOME="$SMOKE/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen)
EXE="$SMOKE/camtranslate/camtranslate"
(cd /tmp && "${CLEAN_ENV[@]}" "$EXE" --version)
set +e
(cd /tmp && "${CLEAN_ENV[@]}" "$EXE" --self-test) 2>&1 | tee "$WORK/self-test.txt"
SELFTEST_RC=${PIPESTATUS[0]}
set -e
echo "self-test exit code: $SELFTEST_RC"

# The real window on a real X server (xcb platform plugin, fonts, icons), when Xvfb is here:
# open the sample, translate it, save a picture of the window, quit.
GUI_RESULT="not run (no xvfb-run)"
if command -v xvfb-run >/dev/null 2>&1; then
  say "GUI check under Xvfb (xcb): open the sample, translate, screenshot"
  SHOT="$WORK/gui-check.png"
  rm -f "$SHOT"
  t0=$EPOCHREALTIME
  set +e
  (cd /tmp && env -i PATH=/usr/bin:/bin HOME="$SMOKE/home" LANG=C.UTF-8 \
    timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$EXE" gui "$SMOKE/camtranslate/_internal/resources/samples/sign.jpg" --screenshot "$SHOT")
  GUI_RC=$?
  set -e
  GUI_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if [[ $GUI_RC == 0 && -s "$SHOT" ]]; then
    GUI_RESULT="ok: window opened on xcb, sample translated, screenshot saved, ${GUI_S} s"
  else
    GUI_RESULT="FAILED (exit $GUI_RC)"
  fi
  echo "GUI check: $GUI_RESULT"
fi

# -- 5. size and start times ---------------------------------------------------------------------
say "start times (median of 3, wall clock, clean environment)"
TIMES_RC=0
TIMES="$("$VENV/bin/python" packaging/measure.py --runs 3 --home "$SMOKE/home" "$EXE")" || TIMES_RC=$?
echo "$TIMES"
SIZE="$(du -sh "$APP" | cut -f1)"
SIZE_MB="$(du -sm "$APP" | cut -f1)"

# The release tarball: the app plus the per-user installer and its desktop entry.
RELEASE="camtranslate-$VERSION-linux-x86_64"
TARBALL="$DIST/$RELEASE.tar.gz"
rm -rf "${WORK:?}/$RELEASE"
mkdir -p "$WORK/$RELEASE"
cp -al "$APP" "$WORK/$RELEASE/camtranslate" 2>/dev/null || cp -a "$APP" "$WORK/$RELEASE/camtranslate"
cp packaging/linux/install.sh packaging/linux/camtranslate.desktop "$WORK/$RELEASE/"
tar -C "$WORK" -czf "$TARBALL" "$RELEASE"
rm -rf "${WORK:?}/$RELEASE"
TARBALL_SIZE="$(du -sh "$TARBALL" | cut -f1)"

# -- 6. the release tarball installs for a user (HOME in a temp dir) and its launcher runs -------
say "install check: unpack the tarball, install.sh with a temporary HOME, run the launcher"
mkdir -p "$SMOKE/unpacked" "$SMOKE/user"
tar -C "$SMOKE/unpacked" -xzf "$TARBALL"
env -i PATH=/usr/bin:/bin HOME="$SMOKE/user" bash "$SMOKE/unpacked/$RELEASE/install.sh"
INSTALL_RESULT="FAILED"
if (cd /tmp && env -i PATH=/usr/bin:/bin HOME="$SMOKE/user" \
  "$SMOKE/user/.local/bin/camtranslate" --version); then
  INSTALL_RESULT="ok: ~/.local/opt, launcher, .desktop, hicolor icons; launcher --version runs"
  if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$SMOKE/user/.local/share/applications/camtranslate.desktop" \
      || INSTALL_RESULT="FAILED (installed .desktop does not validate)"
  fi
fi
echo "install check: $INSTALL_RESULT"

{
  echo "camtranslate $VERSION build report ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo "host: $(uname -srm), $(nproc) CPUs; python: $("$VENV/bin/python" -V 2>&1)"
  echo "pyinstaller: $("$VENV/bin/python" -m PyInstaller --version)"
  echo "onedir size: $SIZE ($SIZE_MB MiB) at dist/camtranslate"
  echo "tarball: $TARBALL_SIZE $(basename "$TARBALL")"
  echo "$TIMES"
  echo "self-test exit code: $SELFTEST_RC"
  echo "GUI check (Xvfb): $GUI_RESULT"
  echo "install check: $INSTALL_RESULT"
  echo "largest parts:"
  du -sm "$APP"/_internal/* 2>/dev/null | sort -rn | head -12 | sed 's/^/  /'
} > "$REPORT"
say "report ($REPORT)"
cat "$REPORT"
if [[ $SELFTEST_RC != 0 || $TIMES_RC != 0 || $INSTALL_RESULT != ok* || $GUI_RESULT == FAILED* ]]
then
  echo "build.sh: the build does not pass its checks (see above)" >&2
  exit 1
fi
echo "build.sh: OK"
