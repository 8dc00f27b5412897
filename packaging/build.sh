#!/usr/bin/env bash
# Build the standalone camtranslate app (PyInstaller onedir) and its Linux packages from a clean
# checkout, then prove it works away from the checkout: move it elsewhere, run it with an empty
# environment, run its --self-test, open the real window under Xvfb, install the tarball.
#
#   packaging/build.sh               # build venv (reused), app, tarball, .deb (+ AppImage if the tool is here)
#   packaging/build.sh --fresh       # recreate the build venv first
#   packaging/build.sh --no-measure  # skip the start-time medians (packaging/measure.py)
#   packaging/build.sh --app-only    # app folder and its checks only: no tarball, .deb, AppImage
#   packaging/build.sh --commit REV  # build the sources of commit REV (git archive into
#                                    # build/packaging/src), not the working tree: what a release
#                                    # and the reproducibility check use
#   packaging/build.sh --opencv-wheel  # bundle the PyPI OpenCV wheel (150 MiB) instead of the
#                                    # minimal OpenCV built from source by
#                                    # packaging/opencv/build-opencv.sh (cached in build/opencv-min;
#                                    # the first build compiles for ~40 CPU-minutes)
#   packaging/build.sh --numpy-wheel   # bundle the PyPI NumPy wheel (with OpenBLAS, 27 MiB more)
#                                    # instead of NumPy built without BLAS/LAPACK by
#                                    # packaging/numpy/build-numpy.sh (cached in build/numpy-noblas)
#   packaging/build.sh --ct2-wheel   # bundle the PyPI CTranslate2 wheel (CUDA + MKL, ~60 MiB more)
#                                    # instead of the CPU-only build of
#                                    # packaging/ctranslate2/build-ctranslate2.sh (cached in
#                                    # build/ctranslate2-cpu; the first build compiles ~30 minutes)
#
# Environment: PYTHON (default python3.11) builds the venv; PIP_ARGS are passed to pip install;
#   CONSTRAINTS (default packaging/constraints.txt; empty: newest releases); SOURCE_DATE_EPOCH
#   (default: the commit's time; every archive's timestamps); BUILD_DIR, BUILD_VENV, DIST_DIR
#   (defaults build/packaging, build/packaging/venv, dist: two builds side by side);
#   CAMTRANSLATE_ICU_TRIM=0 bundles Qt's full ICU data (packaging/icu_trim.py); CT2_GIT_URL
#   (default https://github.com/{owner}/{name}.git) where CTranslate2's pinned commits come from.
# Outputs: dist/camtranslate/ (the app), dist/camtranslate-<version>-linux-x86_64.tar.xz,
#   dist/camtranslate_<version>_amd64.deb, build/packaging/build-report.txt (docs/packaging.md).
# Exit status: non-zero when the app or a package fails its checks; the start-time measurement
# is reported but never decides the result.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BUILD_DIR:-$REPO/build/packaging}"
TOOLS="$REPO"  # the packaging scripts: always this checkout's
VENV="${BUILD_VENV:-$REPO/build/packaging/venv}"
DIST="${DIST_DIR:-$REPO/dist}"
PYTHON="${PYTHON:-python3.11}"
REPORT="$WORK/build-report.txt"
FRESH=0
MEASURE=1
PACKAGES=1
COMMIT=""
OPENCV=minimal
NUMPY=minimal
CT2=minimal
while (( $# )); do
  arg="$1"
  shift
  case "$arg" in
    --commit) COMMIT="${1:?--commit needs a revision}"; shift ;;
    --fresh) FRESH=1 ;;
    --no-measure) MEASURE=0 ;;
    --app-only) PACKAGES=0 ;;
    --opencv-wheel) OPENCV=wheel ;;
    --numpy-wheel) NUMPY=wheel ;;
    --ct2-wheel) CT2=wheel ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/!p}' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
mkdir -p "$WORK" "$DIST"
cd "$REPO"
BUILD_T0=$(date +%s)
# Reproducible builds: one timestamp for every archive member, no hash randomisation.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct ${COMMIT:+"$COMMIT"} 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH PYTHONHASHSEED=0
if [[ -n $COMMIT ]]; then
  say "sources: commit $(git rev-parse --short "$COMMIT") (git archive into $WORK/src)"
  rm -rf "$WORK/src"
  mkdir -p "$WORK/src"
  git archive --format=tar "$COMMIT" | tar -C "$WORK/src" -xf -
  REPO="$WORK/src"
  cd "$REPO"
fi

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

# cached_step VAR CACHE SCRIPT: run a cached build step of this checkout's packaging/ (its cache
# folder under this checkout's build/, named to the script by VAR) with the build venv's Python;
# print the last line it printed (the path of what it built).
cached_step() {
  local out
  out="$(env "$1=$TOOLS/$2" nice -n 15 "$TOOLS/$3" --python "$VENV/bin/python")"
  echo "${out##*$'\n'}"
}

# own_or_wheel HOW PKG VAR CACHE SCRIPT: install PKG as this checkout's SCRIPT builds it (cached,
# see cached_step) when HOW is "minimal", else the PyPI wheel of the version constraints.txt
# pins. Reinstalled every build, so a reused venv never keeps the other build's copy. Sets
# BUILT_WHEEL (empty for the PyPI wheel) and STEP_S (seconds this step took).
own_or_wheel() {
  local how="$1" pkg="$2" pin
  local t0
  t0=$(date +%s)
  BUILT_WHEEL=""
  if [[ $how == minimal ]]; then
    BUILT_WHEEL="$(cached_step "$3" "$4" "$5")"
    "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$BUILT_WHEEL"
  else
    pin="$(sed -n "s/^$pkg==//p" "$REPO/packaging/constraints.txt")"
    # shellcheck disable=SC2086  # PIP_ARGS is a list of words
    "$VENV/bin/python" -m pip install -q ${PIP_ARGS:-} --force-reinstall --no-deps \
      --only-binary "$pkg" "$pkg${pin:+==$pin}"
  fi
  STEP_S=$(( $(date +%s) - t0 ))
}

# NumPy without BLAS/LAPACK (packaging/numpy/build-numpy.sh: the app's matrices are 3x3 and 4x4,
# OpenBLAS and its Fortran runtime were 27 MiB of the app), or the PyPI wheel with --numpy-wheel.
say "NumPy ($NUMPY: packaging/numpy/build-numpy.sh without BLAS, cached after the first build)"
own_or_wheel "$NUMPY" numpy NUMPY_NOBLAS_DIR build/numpy-noblas packaging/numpy/build-numpy.sh
NUMPY_LINE="NumPy: PyPI wheel (--numpy-wheel)"
[[ -z $BUILT_WHEEL ]] || NUMPY_LINE="NumPy: no BLAS, $BUILT_WHEEL ($STEP_S s this build)"
echo "$NUMPY_LINE"

# CTranslate2 for the CPU only (packaging/ctranslate2/build-ctranslate2.sh: oneDNN GEMM, no CUDA
# kernels, no MKL; the wheel's libctranslate2 is 80 MiB), or the PyPI wheel with --ct2-wheel.
# Its sources come from GitHub by commit id; CT2_GIT_URL points the step at another copy.
say "CTranslate2 ($CT2: packaging/ctranslate2/build-ctranslate2.sh for the CPU, cached after the first build)"
own_or_wheel "$CT2" ctranslate2 CT2_CPU_DIR build/ctranslate2-cpu \
  packaging/ctranslate2/build-ctranslate2.sh
CT2_DIR="${BUILT_WHEEL:+$(dirname "$BUILT_WHEEL")}"
CT2_LINE="CTranslate2: PyPI wheel (--ct2-wheel)"
[[ -z $BUILT_WHEEL ]] || CT2_LINE="CTranslate2: CPU only (oneDNN), $BUILT_WHEEL ($STEP_S s this build)"
echo "$CT2_LINE"

# -- 2. inputs the bundle needs ---------------------------------------------------------------
say "checking embedded models and resources"
# (no `find | grep -q`: under pipefail grep's early exit can kill find with SIGPIPE -> 141)
first_manifest="$(find models -name manifest.json -print -quit)"
if [[ -z $first_manifest ]]; then
  echo "build.sh: models/ holds no model (no manifest.json): the app could not translate" >&2
  exit 1
fi
du -sh models resources

# The minimal OpenCV (one static extension: core, imgproc, imgcodecs, videoio with V4L2 and a
# decode-only FFmpeg, video, photo, geometry; no BLAS/LAPACK, no codec libraries): built once per
# pinned input set and cached under build/opencv-min (packaging/opencv/build-opencv.sh).
OPENCV_DIR=""
OPENCV_LINE="OpenCV: PyPI wheel (--opencv-wheel)"
if [[ $OPENCV == minimal ]]; then
  say "minimal OpenCV (packaging/opencv/build-opencv.sh; cached after the first build)"
  t0=$(date +%s)
  OPENCV_DIR="$(cached_step OPENCV_MIN_DIR build/opencv-min packaging/opencv/build-opencv.sh)"
  OPENCV_LINE="OpenCV: minimal, $OPENCV_DIR ($(( $(date +%s) - t0 )) s this build)"
  echo "$OPENCV_LINE"
fi

LICENSES="$WORK/THIRD_PARTY_LICENSES.txt"
CAMTRANSLATE_OPENCV_DIR="$OPENCV_DIR" CAMTRANSLATE_CT2_DIR="$CT2_DIR" \
  "$VENV/bin/python" "$TOOLS/packaging/licenses.py" > "$LICENSES"
echo "THIRD_PARTY_LICENSES.txt: $(wc -l < "$LICENSES") lines"

# -- 3. PyInstaller ---------------------------------------------------------------------------
say "PyInstaller (onedir)"
t0=$(date +%s)
CAMTRANSLATE_OPENCV_DIR="$OPENCV_DIR" CAMTRANSLATE_ICU_CACHE="$TOOLS/build/icu-trim" \
CAMTRANSLATE_LICENSES="$LICENSES" "$VENV/bin/python" -m PyInstaller --noconfirm --clean \
  --log-level WARN --distpath "$DIST" --workpath "$WORK/pyinstaller" "$REPO/packaging/camtranslate.spec"
PYI_S=$(( $(date +%s) - t0 ))
echo "PyInstaller took $PYI_S s"
APP="$DIST/camtranslate"
# Some wheels ship their extensions with DWARF debug info (ctranslate2's _ext: 65 MiB of its
# 66 MiB; libpython 23 MiB of 29) or a full symbol table (libctranslate2: 4.8 MiB). Strip both
# with --strip-unneeded, which keeps the dynamic symbol table the loader needs, only from files
# that have them; the self-test and the GUI check below prove the result. readelf's whole output
# is read before it is tested (a `readelf | grep -q` pipe under pipefail fails at random with
# SIGPIPE and left files unstripped: two builds of one tree differed by 10 MiB), and the pass is
# checked: a build with debug info or a symbol table left anywhere stops here.
# Libraries vendored by auditwheel (`<pkg>.libs/`, rewritten by patchelf) keep their symbol
# table: `strip --strip-unneeded` re-lays out their segments and numpy's OpenBLAS then fails to
# load ("ELF load command address/offset not page-aligned"); only debug info goes from those.
sections_of() { readelf -SW "$1" 2>/dev/null || true; }
vendored() { [[ $1 == *.libs/* ]]; }
strippable() {
  local sections
  sections="$(sections_of "$1")"
  [[ $sections == *" .debug_info "* ]] && return 0
  ! vendored "$1" && [[ $sections == *" .symtab "* ]]
}
before=$(du -sm "$APP" | cut -f1)
stripped=0
while IFS= read -r -d '' so; do
  if strippable "$so"; then
    if vendored "$so"; then strip --strip-debug "$so"; else strip --strip-unneeded "$so"; fi
    stripped=$((stripped + 1))
  fi
done < <(find "$APP" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
left=()
while IFS= read -r -d '' so; do
  if strippable "$so"; then left+=("$so"); fi
done < <(find "$APP" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
if (( ${#left[@]} )); then
  echo "build.sh: debug info or symbol table left after stripping: ${left[*]}" >&2
  exit 1
fi
echo "stripped debug info and symbol tables from $stripped files: ${before} MiB -> $(du -sm "$APP" | cut -f1) MiB"
echo "left out of the bundle (trim.py): $(wc -l < "$WORK/pyinstaller/camtranslate/left-out.txt")" \
  "libraries (list: $WORK/pyinstaller/camtranslate/left-out.txt)"
VERSION="$("$VENV/bin/python" packaging/requirements.py version)"

# The files a desktop install needs, beside the executable, in the layout they install to:
# install.sh (so an installed app can uninstall itself), the launcher template, the menu entry,
# the AppStream metainfo, hicolor icons, the licences.
"$REPO/packaging/linux/stage-share.sh" "$APP" "$LICENSES"

# Reproducibility: every file's size and sha256. A build of a commit (--commit) that was built
# before is compared with that build: same file list, total size within 1 %.
REPRO="not checked (build with --commit REV twice to compare two builds of one commit)"
if [[ -n $COMMIT ]]; then
  mkdir -p "$TOOLS/build/packaging"
  MANIFEST="$TOOLS/build/packaging/manifest-$(git -C "$TOOLS" rev-parse --short "$COMMIT").txt"
  "$VENV/bin/python" "$TOOLS/packaging/trim.py" manifest "$APP" > "$MANIFEST.new"
  if [[ -f $MANIFEST ]]; then
    say "reproducibility: this build vs the previous build of the same commit"
    REPRO="$("$VENV/bin/python" "$TOOLS/packaging/trim.py" compare "$MANIFEST" "$MANIFEST.new" 2>&1)" || true
    echo "$REPRO"
  else
    REPRO="first build of this commit: manifest saved ($MANIFEST); build it again to compare"
  fi
  mv "$MANIFEST.new" "$MANIFEST"
fi

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
(cd /tmp && "${CLEAN_ENV[@]}" "$EXE" --self-test) > "$WORK/self-test.txt" 2>&1
SELFTEST_RC=$?
set -e
cat "$WORK/self-test.txt"
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

# -- 5. start times: reported, never a build failure (a busy or odd X server is not a bad app) ---
TIMES="start times: not measured (--no-measure)"
if [[ $MEASURE == 1 ]]; then
  say "start times (median of 3, wall clock, clean environment)"
  TIMES="$("$VENV/bin/python" "$TOOLS/packaging/measure.py" --runs 3 --home "$SMOKE/home" "$EXE" 2>&1)" \
    || TIMES="$TIMES"$'\n'"start times: measure.py failed (exit $?); the build does not depend on it"
  echo "$TIMES"
fi
SIZE_MB="$(du -sm "$APP" | cut -f1)"

# -- 6. packages ----------------------------------------------------------------------------------
TARBALL_LINE="tarball: not built (--app-only)"
DEB_LINE="deb: not built (--app-only)"
APPIMAGE_LINE="AppImage: not built (--app-only)"
INSTALL_RESULT="not run (--app-only)"
if [[ $PACKAGES == 1 ]]; then
  say "release tarball (deterministic: sorted, fixed owner and times, xz)"
  RELEASE="camtranslate-$VERSION-linux-x86_64"
  TARBALL="$DIST/$RELEASE.tar.xz"
  "$TOOLS/packaging/linux/make-tarball.sh" "$APP" "$TARBALL" "$RELEASE"
  TARBALL_LINE="tarball: $(du -m "$TARBALL" | cut -f1) MiB ($(stat -c %s "$TARBALL") bytes) $(basename "$TARBALL")"
  echo "$TARBALL_LINE"

  say ".deb (dpkg-deb): /opt/camtranslate, /usr/bin launcher, menu entry, icons, metainfo"
  DEB="$DIST/camtranslate_${VERSION}_amd64.deb"
  PYTHON_FOR_TOOLS="$VENV/bin/python" "$REPO/packaging/linux/build-deb.sh" "$APP" "$DEB"
  DEB_LINE="deb: $(du -m "$DEB" | cut -f1) MiB ($(stat -c %s "$DEB") bytes) $(basename "$DEB"), Installed-Size $(dpkg-deb -f "$DEB" Installed-Size) KiB"
  echo "$DEB_LINE"

  APPIMAGE_LINE="AppImage: not built: $("$TOOLS/packaging/linux/build-appimage.sh" --available 2>&1 || true)"
  if "$TOOLS/packaging/linux/build-appimage.sh" --available >/dev/null 2>&1; then
    APPIMAGE="$DIST/camtranslate-$VERSION-x86_64.AppImage"
    "$TOOLS/packaging/linux/build-appimage.sh" "$APP" "$APPIMAGE"
    APPIMAGE_LINE="AppImage: $(du -m "$APPIMAGE" | cut -f1) MiB $(basename "$APPIMAGE")"
  fi
  echo "$APPIMAGE_LINE"

  # the release tarball installs for a user (HOME in a temp dir) and its launcher runs
  say "install check: unpack the tarball, install.sh with a temporary HOME, run the launcher"
  mkdir -p "$SMOKE/unpacked" "$SMOKE/user"
  tar -C "$SMOKE/unpacked" -xf "$TARBALL"
  env -i PATH=/usr/bin:/bin HOME="$SMOKE/user" bash "$SMOKE/unpacked/$RELEASE/install.sh"
  INSTALL_RESULT="FAILED"
  if (cd /tmp && env -i PATH=/usr/bin:/bin HOME="$SMOKE/user" \
    "$SMOKE/user/.local/bin/camtranslate" --version); then
    INSTALL_RESULT="ok: ~/.local/opt, launcher, .desktop, hicolor icons; launcher --version runs"
    if command -v desktop-file-validate >/dev/null 2>&1; then
      desktop-file-validate "$SMOKE/user/.local/share/applications/camtranslate.desktop" \
        || INSTALL_RESULT="FAILED (installed .desktop does not validate)"
    fi
    # the installed copy uninstalls without the tarball
    rm -rf "$SMOKE/unpacked"
    if ! env -i PATH=/usr/bin:/bin HOME="$SMOKE/user" "$SMOKE/user/.local/bin/camtranslate-uninstall" \
      || [[ -e "$SMOKE/user/.local/opt/camtranslate" || -e "$SMOKE/user/.local/bin/camtranslate" ]]; then
      INSTALL_RESULT="FAILED (camtranslate-uninstall)"
    else
      INSTALL_RESULT="$INSTALL_RESULT; camtranslate-uninstall removes it"
    fi
  fi
  echo "install check: $INSTALL_RESULT"
fi

{
  echo "camtranslate $VERSION build report ($(date -u +%Y-%m-%dT%H:%MZ), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
  if [[ -n $COMMIT ]]; then
    echo "commit: $(git -C "$TOOLS" rev-parse --short "$COMMIT") (git archive: no uncommitted change)"
  else
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes (working tree)')"
  fi
  echo "host: $(uname -srm), $(nproc) CPUs; python: $("$VENV/bin/python" -V 2>&1)"
  echo "pyinstaller: $("$VENV/bin/python" -m PyInstaller --version); PyInstaller ${PYI_S} s, build ${BUILD_T0:+$(( $(date +%s) - BUILD_T0 ))} s in all"
  echo "onedir size: $SIZE_MB MiB ($(du -s --apparent-size -B1 "$APP" | cut -f1) bytes apparent, $(find "$APP" -type f | wc -l) files) at dist/camtranslate"
  echo "$OPENCV_LINE"
  echo "$NUMPY_LINE"
  echo "$CT2_LINE"
  echo "$TARBALL_LINE"
  echo "$DEB_LINE"
  echo "$APPIMAGE_LINE"
  echo "$TIMES"
  echo "self-test exit code: $SELFTEST_RC"
  echo "GUI check (Xvfb): $GUI_RESULT"
  echo "install check: $INSTALL_RESULT"
  echo "reproducibility: $REPRO"
  echo "floor (highest symbol versions any bundled file needs):"
  "$VENV/bin/python" "$TOOLS/packaging/trim.py" glibc "$APP" | sed 's/^/  /'
  echo "parts:"
  "$VENV/bin/python" "$TOOLS/packaging/trim.py" parts "$APP" | sed 's/^/  /'
} > "$REPORT"
say "report ($REPORT)"
cat "$REPORT"
if [[ $SELFTEST_RC != 0 || $GUI_RESULT == FAILED* || $INSTALL_RESULT == FAILED* ]]; then
  echo "build.sh: the build does not pass its checks (see above)" >&2
  exit 1
fi
echo "build.sh: OK"
