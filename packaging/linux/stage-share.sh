#!/usr/bin/env bash
# Put the desktop-integration files beside the built app, in the layout they install to, so that
# every package (tarball + install.sh, .deb, AppImage) takes them from one place and an
# installed app carries its own installer (install.sh --uninstall works without the tarball):
#
#   APP/install.sh                                  per-user installer / uninstaller
#   APP/share/camtranslate/camtranslate-launcher.in launcher template (@APPDIR@ -> the app folder)
#   APP/share/applications/camtranslate.desktop
#   APP/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml
#   APP/share/icons/hicolor/{48x48,128x128,256x256,scalable}/apps/camtranslate.{png,svg}
#   APP/share/doc/camtranslate/{LICENSE,THIRD_PARTY_LICENSES.txt}
#
#   packaging/linux/stage-share.sh APP_DIR THIRD_PARTY_LICENSES.txt
set -euo pipefail
APP="$1"
LICENSES="$2"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
METAINFO=io.github.camtranslate.camtranslate.metainfo.xml

rm -rf "$APP/share"
install -m 755 "$REPO/packaging/linux/install.sh" "$APP/install.sh"
install -D -m 644 "$REPO/packaging/linux/camtranslate-launcher.in" \
  "$APP/share/camtranslate/camtranslate-launcher.in"
install -D -m 644 "$REPO/packaging/linux/camtranslate.desktop" \
  "$APP/share/applications/camtranslate.desktop"
install -D -m 644 "$REPO/resources/metainfo/$METAINFO" "$APP/share/metainfo/$METAINFO"
for size in 48 128 256; do
  install -D -m 644 "$REPO/resources/icons/camtranslate-$size.png" \
    "$APP/share/icons/hicolor/${size}x${size}/apps/camtranslate.png"
done
install -D -m 644 "$REPO/resources/icons/camtranslate.svg" \
  "$APP/share/icons/hicolor/scalable/apps/camtranslate.svg"
install -D -m 644 "$REPO/LICENSE" "$APP/share/doc/camtranslate/LICENSE"
install -D -m 644 "$LICENSES" "$APP/share/doc/camtranslate/THIRD_PARTY_LICENSES.txt"
