#!/usr/bin/env bash
# Build the Debian package from a built app folder, with dpkg-deb (Debian's own tool):
#
#   /opt/camtranslate/                  the app (PyInstaller onedir)
#   /usr/bin/camtranslate               launcher (sets a UTF-8 locale when the session has none)
#   /usr/share/applications/camtranslate.desktop
#   /usr/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml   (software centres)
#   /usr/share/icons/hicolor/{48x48,128x128,256x256,scalable}/apps/camtranslate.{png,svg}
#   /usr/share/doc/camtranslate/copyright, THIRD_PARTY_LICENSES.txt
#
#   packaging/linux/build-deb.sh APP_DIR OUT.deb
#
# APP_DIR must hold share/ (packaging/linux/stage-share.sh). Depends: is computed from the
# libraries the app loads from the OS (packaging/trim.py deb-depends: dpkg -S on the build host).
# No maintainer scripts: dpkg's file triggers refresh the menu and icon caches. Reproducible:
# every mtime is SOURCE_DATE_EPOCH, owner root, dpkg-deb sorts the members. DEB_COMPRESSION
# (default "-Zxz -z6") is passed to dpkg-deb.
set -euo pipefail
APP="$1"
OUT="$2"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON_FOR_TOOLS:-python3}"
EPOCH="${SOURCE_DATE_EPOCH:-0}"
VERSION="$("$PY" "$REPO/packaging/requirements.py" version)"
[[ -d "$APP/share/applications" ]] || { echo "build-deb.sh: $APP has no share/ (stage-share.sh)" >&2; exit 1; }

ROOT="$(mktemp -d)"
trap 'rm -rf "$ROOT"' EXIT
chmod 755 "$ROOT"
mkdir -p "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/DEBIAN"
cp -a "$APP" "$ROOT/opt/camtranslate"
# install.sh is the per-user installer: apt owns this copy
rm -rf "$ROOT/opt/camtranslate/install.sh" "$ROOT/opt/camtranslate/share"
cp -a "$APP/share" "$ROOT/usr/share"
rm -rf "$ROOT/usr/share/camtranslate"
sed "s|@APPDIR@|/opt/camtranslate|" "$APP/share/camtranslate/camtranslate-launcher.in" \
  > "$ROOT/usr/bin/camtranslate"
chmod 755 "$ROOT/usr/bin/camtranslate"

DOC="$ROOT/usr/share/doc/camtranslate"
rm -f "$DOC/LICENSE"
if [[ -f "$ROOT/opt/camtranslate/_internal/THIRD_PARTY_LICENSES.txt" ]]; then
  rm -f "$DOC/THIRD_PARTY_LICENSES.txt"
  ln -s /opt/camtranslate/_internal/THIRD_PARTY_LICENSES.txt "$DOC/THIRD_PARTY_LICENSES.txt"
fi
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: camtranslate"
  echo "Comment: The app in /opt/camtranslate bundles third-party software (Qt/PySide6 under the"
  echo " LGPL-3.0, OpenCV, ONNX Runtime, CTranslate2, NumPy, Pillow, the translation models,"
  echo " fonts ...): see /usr/share/doc/camtranslate/THIRD_PARTY_LICENSES.txt for each"
  echo " component's licence and full text, and how to use your own build of the Qt libraries."
  echo
  echo "Files: *"
  echo "Copyright: 2026 camtranslate developers"
  echo "License: MIT"
  sed -e 's/^$/./' -e 's/^/ /' "$APP/share/doc/camtranslate/LICENSE"
} > "$DOC/copyright"
chmod 644 "$DOC/copyright"

DEPENDS="$("$PY" "$REPO/packaging/trim.py" deb-depends "$ROOT/opt/camtranslate")"
GLIBC_MIN="$("$PY" "$REPO/packaging/trim.py" glibc-min "$ROOT/opt/camtranslate")"
[[ $GLIBC_MIN == - ]] && GLIBC_MIN=2.17
INSTALLED_KB="$(du -sk --apparent-size "$ROOT" | cut -f1)"
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: camtranslate
Version: $VERSION
Architecture: amd64
Maintainer: camtranslate developers <camtranslate@users.noreply.github.com>
Installed-Size: $INSTALLED_KB
Depends: ${DEPENDS:+$DEPENDS, }libc6 (>= $GLIBC_MIN)
Recommends: fonts-noto-cjk
Section: graphics
Priority: optional
Description: offline camera translation: text in pictures translated in place
 Point a webcam at a sign, or drop a photo on the window, and read the
 translation drawn in place over the picture. Text recognition (RapidOCR, ONNX
 Runtime) and translation (CTranslate2) run on this computer: no network, no
 account. English and Portuguese are built in; more pairs can be installed.
 .
 The app is self-contained in /opt/camtranslate; camtranslate --self-test checks it.
CONTROL
( cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum ) > "$ROOT/DEBIAN/md5sums"
find "$ROOT" -depth -exec touch -h -d "@$EPOCH" {} +
rm -f "$OUT"
# DEB_COMPRESSION: dpkg-deb's -Z/-z (default xz level 6, the release setting; "-Zzstd -z3" makes
# a quick package for install tests)
# shellcheck disable=SC2086
dpkg-deb --root-owner-group ${DEB_COMPRESSION:--Zxz -z6} --build "$ROOT" "$OUT" >/dev/null
echo "built $OUT"
