#!/usr/bin/env bash
# Install (or remove) the built camtranslate app for the current user, no root needed:
#   ~/.local/opt/camtranslate/                      the PyInstaller onedir build
#   ~/.local/bin/camtranslate                       launcher (CLI and GUI)
#   ~/.local/share/applications/camtranslate.desktop
#   ~/.local/share/icons/hicolor/{48x48,128x128,256x256,scalable}/apps/camtranslate.{png,svg}
#
#   packaging/linux/install.sh [APP_DIR]     APP_DIR: the onedir build (default: dist/camtranslate
#                                            of this checkout, or ./camtranslate beside this script
#                                            when run from the release tarball)
#   packaging/linux/install.sh --uninstall
#
# XDG_DATA_HOME is honoured for the menu entry and icons; HOME decides everything else.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT_DIR="$HOME/.local/opt/camtranslate"
BIN_DIR="$HOME/.local/bin"
LAUNCHER="$BIN_DIR/camtranslate"
APPS_DIR="$DATA_HOME/applications"
DESKTOP_FILE="$APPS_DIR/camtranslate.desktop"
ICON_ROOT="$DATA_HOME/icons/hicolor"
ICON_SIZES=(48 128 256)

refresh_caches() {
  # Menus and icon themes pick the files up without these too, just later; never fatal.
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f "$ICON_ROOT/index.theme" ]]; then
    gtk-update-icon-cache -q -t "$ICON_ROOT" 2>/dev/null || true
  fi
}

uninstall() {
  rm -rf "$OPT_DIR"
  rm -f "$LAUNCHER" "$DESKTOP_FILE"
  for size in "${ICON_SIZES[@]}"; do
    rm -f "$ICON_ROOT/${size}x${size}/apps/camtranslate.png"
  done
  rm -f "$ICON_ROOT/scalable/apps/camtranslate.svg"
  refresh_caches
  echo "camtranslate removed (your settings, models and phrase cache are kept)."
}

if [[ "${1:-}" == "--uninstall" ]]; then
  uninstall
  exit 0
fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,13p' "$0"
  exit 0
fi

if [[ $# -ge 1 ]]; then
  APP_DIR="$1"
elif [[ -x "$HERE/camtranslate/camtranslate" ]]; then
  APP_DIR="$HERE/camtranslate"            # unpacked release tarball
else
  APP_DIR="$HERE/../../dist/camtranslate" # checkout after packaging/build.sh
fi
if [[ ! -x "$APP_DIR/camtranslate" ]]; then
  echo "install.sh: no built app at $APP_DIR (run packaging/build.sh first)" >&2
  exit 1
fi
APP_DIR="$(cd "$APP_DIR" && pwd)"
TEMPLATE="$HERE/camtranslate.desktop"
if [[ ! -f "$TEMPLATE" ]]; then
  echo "install.sh: missing desktop entry template $TEMPLATE" >&2
  exit 1
fi
ICONS_SRC="$APP_DIR/_internal/resources/icons"
[[ -d "$ICONS_SRC" ]] || ICONS_SRC="$HERE/../../resources/icons"

# 1. the app: copy beside, then swap, so a failed copy never leaves a half-installed app.
mkdir -p "$(dirname "$OPT_DIR")"
if [[ "$APP_DIR" != "$OPT_DIR" ]]; then
  rm -rf "$OPT_DIR.new"
  cp -a "$APP_DIR" "$OPT_DIR.new"
  rm -rf "$OPT_DIR"
  mv "$OPT_DIR.new" "$OPT_DIR"
fi

# 2. the launcher: a script (not a symlink) so the path stays right whatever resolves argv[0].
mkdir -p "$BIN_DIR"
cat > "$LAUNCHER" <<EOF
#!/bin/sh
exec "$OPT_DIR/camtranslate" "\$@"
EOF
chmod 755 "$LAUNCHER"

# 3. the menu entry, with absolute paths: ~/.local/bin is not on every session's PATH.
mkdir -p "$APPS_DIR"
sed -e "s|^Exec=camtranslate |Exec=\"$LAUNCHER\" |" -e "s|^TryExec=camtranslate\$|TryExec=$LAUNCHER|" \
  "$TEMPLATE" > "$DESKTOP_FILE"
chmod 644 "$DESKTOP_FILE"

# 4. icons into the user's hicolor theme.
for size in "${ICON_SIZES[@]}"; do
  src="$ICONS_SRC/camtranslate-$size.png"
  if [[ -f "$src" ]]; then
    install -D -m 644 "$src" "$ICON_ROOT/${size}x${size}/apps/camtranslate.png"
  fi
done
if [[ -f "$ICONS_SRC/camtranslate.svg" ]]; then
  install -D -m 644 "$ICONS_SRC/camtranslate.svg" "$ICON_ROOT/scalable/apps/camtranslate.svg"
fi
refresh_caches

echo "camtranslate installed:"
echo "  app       $OPT_DIR"
echo "  launcher  $LAUNCHER"
echo "  menu      $DESKTOP_FILE"
echo "  icons     $ICON_ROOT/{48x48,128x128,256x256,scalable}/apps/"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) echo "note: $BIN_DIR is not on your PATH; add it to run 'camtranslate' from a terminal." ;;
esac
