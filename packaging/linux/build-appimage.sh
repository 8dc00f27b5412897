#!/usr/bin/env bash
# Build an AppImage from a built app folder (with share/, see stage-share.sh), if the tools are
# here. An AppImage is the type-2 runtime (a small static ELF) followed by a squashfs of an
# AppDir. Neither `appimagetool` nor the runtime is packaged in Debian or on PyPI/npm (the PyPI
# `appimage` and `python-appimage` tools download both from GitHub at build time), so:
#
#   packaging/linux/build-appimage.sh --available    # exit 0 if it can build; else says why
#   packaging/linux/build-appimage.sh APP_DIR OUT.AppImage
#
# uses `appimagetool` from PATH, or else APPIMAGE_RUNTIME=/path/to/runtime-x86_64 (from
# https://github.com/AppImage/type2-runtime/releases) with mksquashfs (apt install squashfs-tools).
set -euo pipefail

why_not() {
  if command -v appimagetool >/dev/null 2>&1; then return 1; fi
  if [[ -n "${APPIMAGE_RUNTIME:-}" && -f "$APPIMAGE_RUNTIME" ]] && command -v mksquashfs >/dev/null 2>&1; then
    return 1
  fi
  echo "no appimagetool on PATH and no APPIMAGE_RUNTIME (type-2 runtime) + mksquashfs: the" \
    "AppImage runtime is in no package registry reachable here (see docs/packaging.md)"
}

if [[ "${1:-}" == "--available" ]]; then
  if why_not; then exit 1; fi
  exit 0
fi
APP="$1"
OUT="$2"
if why_not >&2; then exit 1; fi
EPOCH="${SOURCE_DATE_EPOCH:-0}"
WORKDIR="$(mktemp -d)"
trap 'rm -rf "$WORKDIR"' EXIT
APPDIR="$WORKDIR/camtranslate.AppDir"
mkdir -p "$APPDIR/usr"
cp -a "$APP" "$APPDIR/usr/camtranslate"
rm -f "$APPDIR/usr/camtranslate/install.sh"
cp -a "$APP/share" "$APPDIR/usr/share"
cp "$APP/share/applications/camtranslate.desktop" "$APPDIR/camtranslate.desktop"
cp "$APP/share/icons/hicolor/256x256/apps/camtranslate.png" "$APPDIR/camtranslate.png"
ln -s camtranslate.png "$APPDIR/.DirIcon"
# AppRun = the launcher, pointed at the mounted image ($APPDIR is set by the AppImage runtime)
sed 's|@APPDIR@|${APPDIR:-$(dirname "$(readlink -f "$0")")}/usr/camtranslate|' \
  "$APP/share/camtranslate/camtranslate-launcher.in" > "$APPDIR/AppRun"
chmod 755 "$APPDIR/AppRun"
find "$APPDIR" -depth -exec touch -h -d "@$EPOCH" {} +
rm -f "$OUT"
if command -v appimagetool >/dev/null 2>&1; then
  ARCH=x86_64 appimagetool --no-appstream "$APPDIR" "$OUT"
else
  mksquashfs "$APPDIR" "$WORKDIR/fs.squashfs" -root-owned -noappend -comp zstd -Xcompression-level 19 \
    -mkfs-time "$EPOCH" -all-time "$EPOCH" -quiet
  cat "$APPIMAGE_RUNTIME" "$WORKDIR/fs.squashfs" > "$OUT"
  chmod 755 "$OUT"
fi
echo "built $OUT"
