#!/usr/bin/env bash
# Build the NumPy the packaged app bundles (issue 10): the pinned version from
# packaging/constraints.txt, compiled from its PyPI sdist without BLAS/LAPACK. The PyPI wheel
# carries OpenBLAS with gfortran and quadmath (27 MiB in the app, for every CPU) for matrix
# products the app never makes large: its matrices are 3x3 plane fits, homographies and
# tracks (overlay/erase.py, live/incremental.py), which NumPy's own loops and lapack_lite
# handle. Translation (CTranslate2) and OCR (ONNX Runtime, OpenCV) bring their own kernels.
# The dev venv keeps the PyPI wheel; only packaging/build.sh uses this.
#
#   nice -n 15 packaging/numpy/build-numpy.sh [--python PY]
#
# Prints the wheel's path on its last line. Cached under build/numpy-noblas/out-<key>, the key a
# hash of the pinned sdist, the Python version and the build options (a second run is instant).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../common.sh
. "$ROOT/packaging/common.sh"
WORK="${NUMPY_NOBLAS_DIR:-$ROOT/build/numpy-noblas}"
PY="$ROOT/build/packaging/venv/bin/python"
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# Pinned input: the sdist of the version packaging/constraints.txt pins (pip download
# --no-binary numpy --no-deps numpy==V). Bump both together.
NUMPY_VERSION=2.4.6
NUMPY_SHA256=f3a3570c4a2a16746ac2c31a7c7c7b0c186b95ce902e33db6f28094ed7387dda
RECIPE=1
NUMPY_OPTIONS=(
  -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true
)

log() { printf '[numpy-noblas %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

pinned="$(sed -n 's/^numpy==//p' "$ROOT/packaging/constraints.txt")"
if [ -n "$pinned" ] && [ "$pinned" != "$NUMPY_VERSION" ]; then
  echo "packaging/constraints.txt pins numpy==$pinned, build-numpy.sh builds $NUMPY_VERSION:" \
    "update NUMPY_VERSION and NUMPY_SHA256 together" >&2
  exit 1
fi
PYVER="$(python_version "$PY")"
KEY="$(cache_key "$RECIPE" "$NUMPY_SHA256" "$PYVER" "${NUMPY_OPTIONS[@]}")"
OUT="$WORK/out-$KEY"
exit_if_cached "$OUT" "numpy-$NUMPY_VERSION-*.whl"

SDIST="$WORK/downloads/numpy-$NUMPY_VERSION.tar.gz"
mkdir -p "$WORK/downloads"
if [ ! -f "$SDIST" ]; then
  log "downloading numpy-$NUMPY_VERSION.tar.gz from PyPI"
  "$PY" -m pip download -q --no-binary numpy --no-deps --dest "$WORK/downloads" \
    "numpy==$NUMPY_VERSION" >&2
fi
check_sha "$SDIST" "$NUMPY_SHA256"

START=$(date +%s)
log "building NumPy $NUMPY_VERSION without BLAS/LAPACK (log: $WORK/build-$KEY.log)"
rm -rf "$OUT.tmp"
run_logged "$WORK/build-$KEY.log" \
  "$PY" -m pip wheel -v --no-deps --wheel-dir "$OUT.tmp" "${NUMPY_OPTIONS[@]}" "$SDIST"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
wheel="$(find "$OUT" -maxdepth 1 -name "numpy-$NUMPY_VERSION-*.whl" -print -quit)"
log "built in $(( $(date +%s) - START )) s: $wheel"
echo "$wheel"
