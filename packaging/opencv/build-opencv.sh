#!/usr/bin/env bash
# Build the minimal OpenCV the packaged app uses (issue 10): one static Python extension,
# cv2.cpython-311-x86_64-linux-gnu.so, with only the modules camtranslate and rapidocr call
# (core, imgproc, imgcodecs, videoio, video, photo, geometry, features + flann), no BLAS/LAPACK,
# no IPP, no OpenCL, and a minimal FFmpeg linked in statically (decoders for the video files the GUI
# opens, nothing else). The PyPI wheel stays in the dev venv; only packaging/build.sh uses this.
#
#   nice -n 15 packaging/opencv/build-opencv.sh [--python PY] [--jobs N]
#
# Prints the folder holding cv2.*.so on its last line (with build-info.txt and licenses/).
# Cached: the output folder is named after a hash of the pinned inputs and the FFmpeg/OpenCV
# build options below (RECIPE, FFMPEG_OPTIONS, OPENCV_OPTIONS), so a second run is instant;
# change one of those and it rebuilds (stdout/stderr of each step: $WORK/src-<key>/*.log).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${OPENCV_MIN_DIR:-$ROOT/build/opencv-min}"
PY="${PYTHON_FOR_OPENCV:-$ROOT/build/packaging/venv/bin/python}"
JOBS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# Pinned inputs (sha256). OpenCV: the sdist of the opencv-python-headless version in
# packaging/constraints.txt (pip download --no-binary :all: --no-deps opencv-python-headless==V).
# FFmpeg: Debian 12's upstream tarball (apt-get source --download-only ffmpeg, see fetch_ffmpeg).
OPENCV_VERSION=5.0.0.93
OPENCV_SDIST="opencv_python_headless-$OPENCV_VERSION.tar.gz"
OPENCV_SHA256=b82f9831daab90b725c7c1ee1b36cb5732c367096ac76d119e64e14eb70d5f3c
FFMPEG_VERSION=5.1.9
FFMPEG_DEB_VERSION="7:5.1.9-0+deb12u1"
FFMPEG_TARBALL="ffmpeg_$FFMPEG_VERSION.orig.tar.xz"
FFMPEG_SHA256=d9b593bb2ba93d4b50f74177e0cdcd41747e708596367deed0c30348a71dd176

# Build options; part of the cache key. FFmpeg: static, PIC, LGPL (no --enable-gpl), demuxers
# and decoders for the videos the GUI opens (mp4/m4v/mov, mkv/webm, avi, mpg/ts, wmv/asf, ogg:
# H.264, HEVC, MPEG-4/H.263, MPEG-1/2, MJPEG, VP8, VP9, WMV1-3/VC-1, Theora), the mp4v/MJPEG
# writers VideoWriter uses; no network, no devices, no filters, no external libraries but zlib.
RECIPE=1
FFMPEG_OPTIONS=(
  --enable-static --disable-shared --enable-pic --disable-debug --disable-doc
  --disable-programs --disable-network --disable-autodetect --enable-pthreads --enable-zlib
  --disable-everything --disable-avdevice --disable-avfilter --disable-swresample
  --disable-postproc
  --enable-protocol=file
  --enable-demuxer=mov,matroska,avi,asf,mpegps,mpegts,mpegvideo,m4v,h264,hevc,ivf,ogg,mjpeg
  --enable-decoder=h264,hevc,mpeg4,h263,msmpeg4v1,msmpeg4v2,msmpeg4v3,mpeg1video,mpeg2video,mjpeg,vp8,vp9,wmv1,wmv2,wmv3,vc1,theora,rawvideo
  --enable-parser=h264,hevc,mpeg4video,mpegvideo,vp8,vp9,mjpeg,vc1,h263
  --enable-bsf=h264_mp4toannexb,hevc_mp4toannexb,mpeg4_unpack_bframes,vp9_superframe_split
  --enable-encoder=mpeg4,mjpeg --enable-muxer=mp4,mov,avi
)
# OpenCV: only the modules camtranslate and rapidocr call (cv2.* grep: core, imgproc, imgcodecs,
# videoio, video = optical flow, photo = inpaint, geometry = findHomography and friends,
# features = goodFeaturesToTrack (in OpenCV 5 it left imgproc), flann which geometry needs;
# packaging/opencv/check-opencv.py checks every cv2.* name they use), one static extension, SSE3 baseline + SSE4.1/AVX2 dispatch, no BLAS or
# LAPACK (OpenCV's own fallbacks), no IPP/OpenCL/TBB; image codecs for what the app writes
# (PNG, JPEG, WebP, BMP, TIFF) and reads only through OpenCV (HDR, PFM, PNM); V4L2 cameras.
# --exclude-libs keeps the static libjpeg/libpng/libtiff/libwebp/FFmpeg symbols private, so they
# cannot clash with Qt's or Pillow's copies in the same process; no RUNPATH (OpenCV's default
# was "::::", empty entries, which the loader reads as the current directory).
OPENCV_OPTIONS=(
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
  -DBUILD_LIST=core,flann,geometry,imgproc,features,imgcodecs,videoio,video,photo,python3
  -DCPU_BASELINE=SSE3 -DCPU_DISPATCH=SSE4_1,AVX2
  -DCMAKE_C_FLAGS="-ffunction-sections -fdata-sections"
  -DCMAKE_CXX_FLAGS="-ffunction-sections -fdata-sections"
  -DCMAKE_SHARED_LINKER_FLAGS="-Wl,--gc-sections -Wl,--exclude-libs,ALL -Wl,-O1 -s"
  -DCMAKE_MODULE_LINKER_FLAGS="-Wl,--gc-sections -Wl,--exclude-libs,ALL -Wl,-O1 -s"
  -DCMAKE_SKIP_RPATH=ON
  -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOCS=OFF
  -DBUILD_opencv_apps=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_js=OFF -DBUILD_opencv_python2=OFF
  -DBUILD_opencv_python3=ON -DOPENCV_SKIP_PYTHON_LOADER=ON -DOPENCV_PYTHON_SKIP_DETECTION=OFF
  -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_OPENCL=OFF
  -DWITH_CUDA=OFF -DWITH_VULKAN=OFF -DWITH_OPENVX=OFF -DWITH_TBB=OFF -DWITH_OPENMP=OFF
  -DWITH_PROTOBUF=OFF -DWITH_ADE=OFF -DWITH_KLEIDICV=OFF -DWITH_FASTCV=OFF -DWITH_CAROTENE=OFF
  -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_WAYLAND=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF
  -DWITH_GSTREAMER=OFF -DWITH_1394=OFF -DWITH_GPHOTO2=OFF -DWITH_OBSENSOR=OFF -DWITH_GDAL=OFF
  -DWITH_GDCM=OFF -DWITH_OPENNI2=OFF -DWITH_XINE=OFF -DWITH_AVFOUNDATION=OFF
  -DWITH_FFMPEG=ON -DOPENCV_FFMPEG_USE_FIND_PACKAGE=OFF -DVIDEOIO_ENABLE_PLUGINS=OFF
  -DWITH_V4L=ON
  -DWITH_JPEG=ON -DBUILD_JPEG=ON -DWITH_PNG=ON -DBUILD_PNG=ON -DWITH_SPNG=OFF
  -DWITH_WEBP=ON -DBUILD_WEBP=ON -DWITH_TIFF=ON -DBUILD_TIFF=ON -DBUILD_ZLIB=OFF
  -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF -DWITH_AVIF=OFF -DWITH_JPEGXL=OFF
  -DWITH_IMGCODEC_GIF=OFF -DWITH_IMGCODEC_HDR=ON -DWITH_IMGCODEC_PFM=ON -DWITH_IMGCODEC_PXM=ON
  -DWITH_IMGCODEC_SUNRASTER=OFF
  -DOPENCV_GENERATE_PKGCONFIG=OFF -DINSTALL_PYTHON_EXAMPLES=OFF -DINSTALL_C_EXAMPLES=OFF
)

# shellcheck source=../common.sh
. "$ROOT/packaging/common.sh"
mkdir -p "$WORK/downloads"
log() { printf '[opencv-min %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

fetch_opencv() {
  local f="$WORK/downloads/$OPENCV_SDIST"
  if [ ! -f "$f" ] && [ -f "$ROOT/build/opencv-src/$OPENCV_SDIST" ]; then
    cp "$ROOT/build/opencv-src/$OPENCV_SDIST" "$f"
  fi
  if [ ! -f "$f" ]; then
    log "downloading $OPENCV_SDIST from PyPI"
    "$PY" -m pip download --no-binary :all: --no-deps --dest "$WORK/downloads" \
      "opencv-python-headless==$OPENCV_VERSION" >&2
  fi
  check_sha "$f" "$OPENCV_SHA256"
}

fetch_ffmpeg() {
  local f="$WORK/downloads/$FFMPEG_TARBALL"
  if [ ! -f "$f" ]; then
    # FFmpeg is in no Python registry; Debian's source archive has it. A private apt state
    # (nothing under /etc or /var changes) with deb-src lines for bookworm.
    log "downloading $FFMPEG_TARBALL from Debian's source archive"
    local apt="$WORK/apt"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial"
    printf '%s\n' "deb-src http://deb.debian.org/debian bookworm main" \
      "deb-src http://deb.debian.org/debian-security bookworm-security main" >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives")
    apt-get "${opts[@]}" update >&2
    (cd "$apt" && apt-get "${opts[@]}" source --download-only "ffmpeg=$FFMPEG_DEB_VERSION" >&2)
    cp "$apt/$FFMPEG_TARBALL" "$f"
  fi
  check_sha "$f" "$FFMPEG_SHA256"
}

for tool in cmake ninja nasm make pkg-config; do
  command -v "$tool" >/dev/null || { echo "build-opencv.sh needs $tool (apt-get install cmake ninja-build nasm pkg-config)" >&2; exit 1; }
done
[ -x "$PY" ] || { echo "no python at $PY (run packaging/build.sh once, or pass --python)" >&2; exit 1; }

fetch_opencv
fetch_ffmpeg

PYINFO="$("$PY" -c 'import sys,sysconfig,numpy;print(sys.version.split()[0], numpy.__version__, sysconfig.get_config_var("EXT_SUFFIX"))')"
read -r PYVER NPVER EXT_SUFFIX <<<"$PYINFO"
KEY="$(cache_key "$RECIPE" "$OPENCV_SHA256" "$FFMPEG_SHA256" "$PYVER" "$NPVER" \
  "${FFMPEG_OPTIONS[@]}" "${OPENCV_OPTIONS[@]}")"
OUT="$WORK/out-$KEY"
if [ -f "$OUT/cv2$EXT_SUFFIX" ] && [ -f "$OUT/build-info.txt" ]; then
  log "cached: $OUT"
  echo "$OUT"
  exit 0
fi

SRC="${OPENCV_MIN_SRC:-$WORK/src-$KEY}"  # OPENCV_MIN_SRC: reuse a build tree made with the same options
FF_SRC="$SRC/ffmpeg-$FFMPEG_VERSION"
FF_PREFIX="$SRC/ffmpeg-prefix"
OCV_SRC="$SRC/opencv_python_headless-$OPENCV_VERSION/opencv"
OCV_BUILD="$SRC/opencv-build"
mkdir -p "$SRC"
START=$(date +%s)

# --- FFmpeg: static, PIC, demux + decode only (plus the mp4v/MJPEG writers VideoWriter uses).
if [ ! -f "$FF_PREFIX/lib/libavcodec.a" ]; then
  rm -rf "$FF_SRC"
  tar -C "$SRC" -xJf "$WORK/downloads/$FFMPEG_TARBALL"
  log "configuring FFmpeg $FFMPEG_VERSION"
  run_logged "$SRC/ffmpeg-configure.log" \
    env -C "$FF_SRC" ./configure --prefix="$FF_PREFIX" "${FFMPEG_OPTIONS[@]}"
  log "building FFmpeg (make -j$JOBS)"
  run_logged "$SRC/ffmpeg-build.log" make -C "$FF_SRC" -j"$JOBS"
  make -C "$FF_SRC" install >>"$SRC/ffmpeg-build.log" 2>&1
  log "FFmpeg done"
fi

# --- OpenCV: static modules linked into the one Python extension.
if [ ! -d "$OCV_SRC" ]; then
  tar -C "$SRC" -xzf "$WORK/downloads/$OPENCV_SDIST" "opencv_python_headless-$OPENCV_VERSION/opencv"
fi
NUMPY_INC="$("$PY" -c 'import numpy;print(numpy.get_include())')"
PY_INC="$("$PY" -c 'import sysconfig;print(sysconfig.get_paths()["include"])')"
log "configuring OpenCV $OPENCV_VERSION"
mkdir -p "$OCV_BUILD"
run_logged "$SRC/opencv-configure.log" env PKG_CONFIG_PATH="$FF_PREFIX/lib/pkgconfig" \
  PKG_CONFIG_LIBDIR="$FF_PREFIX/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig" \
  cmake -S "$OCV_SRC" -B "$OCV_BUILD" -G Ninja \
  -DPYTHON3_EXECUTABLE="$PY" -DPYTHON3_INCLUDE_DIR="$PY_INC" -DPYTHON3_NUMPY_INCLUDE_DIRS="$NUMPY_INC" \
  -DPYTHON_DEFAULT_EXECUTABLE="$PY" "${OPENCV_OPTIONS[@]}"
if [ -n "${OPENCV_MIN_SRC:-}" ]; then
  # a reused tree: the Python binding generator does not rerun when only the module list
  # changed (its outputs keep the old modules' headers), so make it
  rm -f "$OCV_BUILD"/modules/python_bindings_generator/pyopencv_generated_*
fi
log "building OpenCV (ninja -j$JOBS), log: $SRC/opencv-build.log"
run_logged "$SRC/opencv-build.log" ninja -C "$OCV_BUILD" -j"$JOBS" opencv_python3

SO="$(find "$OCV_BUILD/lib" -name "cv2*.so" -print)"
[ -n "$SO" ] || { echo "no cv2*.so under $OCV_BUILD/lib" >&2; exit 1; }
mkdir -p "$OUT.tmp"
cp "$SO" "$OUT.tmp/cv2$EXT_SUFFIX"
strip --strip-unneeded "$OUT.tmp/cv2$EXT_SUFFIX"
# The licences of what is linked in (packaging/licenses.py puts them in THIRD_PARTY_LICENSES).
mkdir -p "$OUT.tmp/licenses"
cp "$OCV_SRC/LICENSE" "$OUT.tmp/licenses/opencv-LICENSE.txt"
cp "$OCV_SRC/3rdparty/libjpeg-turbo/LICENSE.md" "$OUT.tmp/licenses/libjpeg-turbo-LICENSE.md"
cp "$OCV_SRC/3rdparty/libjpeg-turbo/README.ijg" "$OUT.tmp/licenses/libjpeg-turbo-README.ijg"
cp "$OCV_SRC/3rdparty/libpng/LICENSE" "$OUT.tmp/licenses/libpng-LICENSE.txt"
cp "$OCV_SRC/3rdparty/libwebp/COPYING" "$OUT.tmp/licenses/libwebp-COPYING.txt"
cp "$OCV_SRC/3rdparty/libtiff/LICENSE.md" "$OUT.tmp/licenses/libtiff-LICENSE.md"
cp "$FF_SRC/LICENSE.md" "$OUT.tmp/licenses/ffmpeg-LICENSE.md"
cp "$FF_SRC/COPYING.LGPLv2.1" "$OUT.tmp/licenses/ffmpeg-COPYING.LGPLv2.1.txt"
{
  echo "opencv-python-headless $OPENCV_VERSION (sdist sha256 $OPENCV_SHA256)"
  echo "ffmpeg $FFMPEG_VERSION (Debian $FFMPEG_DEB_VERSION, orig.tar.xz sha256 $FFMPEG_SHA256)"
  echo "python $PYVER, numpy $NPVER, key $KEY"
  echo "build seconds: $(( $(date +%s) - START ))"
  echo "ffmpeg configure: ${FFMPEG_OPTIONS[*]}"
  echo "opencv cmake: ${OPENCV_OPTIONS[*]}"
  "$PY" - "$OUT.tmp" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1])
import cv2
assert cv2.__file__.startswith(sys.argv[1]), cv2.__file__
print(cv2.getBuildInformation())
PYEOF
} >"$OUT.tmp/build-info.txt"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
log "done: $OUT"
echo "$OUT"
