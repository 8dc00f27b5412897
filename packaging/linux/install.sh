#!/usr/bin/env bash
# Install (or remove) the built camtranslate app for the current user, no root needed:
#   ~/.local/opt/camtranslate/                      the app (PyInstaller onedir), with this script
#   ~/.local/bin/camtranslate                       launcher (CLI and GUI; sets a UTF-8 locale)
#   ~/.local/bin/camtranslate-uninstall             runs the installed copy of this script
#   ~/.local/share/applications/camtranslate.desktop
#   ~/.local/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml
#   ~/.local/share/icons/hicolor/{48x48,128x128,256x256,scalable}/apps/camtranslate.{png,svg}
#
#   install.sh [APP_DIR]        APP_DIR: the app folder (default: the folder this script is in,
#                               when that is an unpacked release; else dist/camtranslate of this
#                               checkout)
#   install.sh --uninstall [--purge [--yes]]   (or: camtranslate-uninstall [--purge [--yes]])
#              keeps your settings, phrase cache and models; --purge also deletes the settings
#              and the cache after asking (--yes: without asking); models you installed stay.
#
# XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and CAMTRANSLATE_HOME are honoured.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT_DIR="$HOME/.local/opt/camtranslate"
BIN_DIR="$HOME/.local/bin"
LAUNCHER="$BIN_DIR/camtranslate"
UNINSTALLER="$BIN_DIR/camtranslate-uninstall"
APPS_DIR="$DATA_HOME/applications"
DESKTOP_FILE="$APPS_DIR/camtranslate.desktop"
METAINFO_NAME="io.github.camtranslate.camtranslate.metainfo.xml"
METAINFO_FILE="$DATA_HOME/metainfo/$METAINFO_NAME"
ICON_ROOT="$DATA_HOME/icons/hicolor"
ICON_SIZES=(48 128 256)
# where the app keeps its own files (camtranslate/paths.py: platformdirs, or CAMTRANSLATE_HOME)
if [[ -n "${CAMTRANSLATE_HOME:-}" ]]; then
  USER_CONFIG="$CAMTRANSLATE_HOME/config"
  USER_CACHE="$CAMTRANSLATE_HOME/cache"
  USER_DATA="$CAMTRANSLATE_HOME/data"
else
  USER_CONFIG="${XDG_CONFIG_HOME:-$HOME/.config}/camtranslate"
  USER_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/camtranslate"
  USER_DATA="$DATA_HOME/camtranslate"
fi

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
  local purge=0 yes=0 arg
  for arg in "$@"; do
    case "$arg" in
      --purge) purge=1 ;;
      --yes|-y) yes=1 ;;
      *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
    esac
  done
  # This script may be the installed copy inside OPT_DIR: bash keeps reading it from the open
  # file after the folder is gone.
  rm -rf "$OPT_DIR"
  rm -f "$LAUNCHER" "$UNINSTALLER" "$DESKTOP_FILE" "$METAINFO_FILE"
  for size in "${ICON_SIZES[@]}"; do
    rm -f "$ICON_ROOT/${size}x${size}/apps/camtranslate.png"
  done
  rm -f "$ICON_ROOT/scalable/apps/camtranslate.svg"
  refresh_caches
  echo "camtranslate removed."
  if [[ $purge == 0 ]]; then
    echo "Kept your files: settings $USER_CONFIG, phrase cache $USER_CACHE, models $USER_DATA"
    echo "(camtranslate-uninstall --purge, or install.sh --uninstall --purge, deletes the first two)."
    return
  fi
  if [[ $yes == 0 ]]; then
    local answer=""
    printf 'Also delete your settings (%s) and phrase cache (%s)? [y/N] ' "$USER_CONFIG" "$USER_CACHE"
    read -r answer || answer=""
    case "$answer" in
      y|Y|yes|YES|Yes) ;;
      *) echo "Settings and cache kept."; return ;;
    esac
  fi
  rm -rf "$USER_CONFIG" "$USER_CACHE"
  echo "Deleted settings and phrase cache. Models you installed are kept in $USER_DATA."
}

case "${1:-}" in
  --uninstall) shift; uninstall "$@"; exit 0 ;;
  -h|--help) sed -n '2,17p' "$SELF"; exit 0 ;;
  -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac

if [[ $# -ge 1 ]]; then
  APP_DIR="$1"
elif [[ -x "$HERE/camtranslate" && -d "$HERE/_internal" ]]; then
  APP_DIR="$HERE"                         # unpacked release: this script sits in the app folder
else
  APP_DIR="$HERE/../../dist/camtranslate" # checkout after packaging/build.sh
fi
if [[ ! -x "$APP_DIR/camtranslate" ]]; then
  echo "install.sh: no built app at $APP_DIR (run packaging/build.sh first)" >&2
  exit 1
fi
APP_DIR="$(cd "$APP_DIR" && pwd)"

# Desktop files come with the app (packaging/linux/stage-share.sh put them in APP_DIR/share);
# a bare PyInstaller folder takes them from the checkout this script is in.
CHECKOUT="$HERE/../.."
pick() { # first existing file of the arguments
  local f
  for f in "$@"; do [[ -f "$f" ]] && { echo "$f"; return 0; }; done
  return 1
}
TEMPLATE="$(pick "$APP_DIR/share/applications/camtranslate.desktop" "$HERE/camtranslate.desktop")" || {
  echo "install.sh: missing desktop entry camtranslate.desktop" >&2; exit 1; }
LAUNCHER_IN="$(pick "$APP_DIR/share/camtranslate/camtranslate-launcher.in" \
  "$HERE/camtranslate-launcher.in")" || {
  echo "install.sh: missing launcher template camtranslate-launcher.in" >&2; exit 1; }
METAINFO_SRC="$(pick "$APP_DIR/share/metainfo/$METAINFO_NAME" \
  "$CHECKOUT/resources/metainfo/$METAINFO_NAME")" || METAINFO_SRC=""
icon_src() { # size (48, 128, 256 or scalable)
  if [[ $1 == scalable ]]; then
    pick "$APP_DIR/share/icons/hicolor/scalable/apps/camtranslate.svg" \
      "$APP_DIR/_internal/resources/icons/camtranslate.svg" "$CHECKOUT/resources/icons/camtranslate.svg"
  else
    pick "$APP_DIR/share/icons/hicolor/$1x$1/apps/camtranslate.png" \
      "$APP_DIR/_internal/resources/icons/camtranslate-$1.png" "$CHECKOUT/resources/icons/camtranslate-$1.png"
  fi
}
# read everything from the source before the copy below may replace it (reinstall in place)
TEMPLATE_TEXT="$(cat "$TEMPLATE")"
LAUNCHER_TEXT="$(cat "$LAUNCHER_IN")"
SELF_TEXT="$(cat "$SELF")"

# 1. the app: copy beside, then swap, so a failed copy never leaves a half-installed app.
mkdir -p "$(dirname "$OPT_DIR")"
if [[ "$APP_DIR" != "$OPT_DIR" ]]; then
  rm -rf "$OPT_DIR.new"
  cp -a "$APP_DIR" "$OPT_DIR.new"
  rm -rf "$OPT_DIR"
  mv "$OPT_DIR.new" "$OPT_DIR"
fi
# the installed app carries this script, so it can be removed without the tarball
printf '%s\n' "$SELF_TEXT" > "$OPT_DIR/install.sh.new"
chmod 755 "$OPT_DIR/install.sh.new"
mv "$OPT_DIR/install.sh.new" "$OPT_DIR/install.sh"

# 2. the launcher (a script, not a symlink, so the path stays right whatever resolves argv[0])
#    and the uninstaller.
mkdir -p "$BIN_DIR"
printf '%s\n' "${LAUNCHER_TEXT//@APPDIR@/$OPT_DIR}" > "$LAUNCHER"
chmod 755 "$LAUNCHER"
cat > "$UNINSTALLER" <<EOF
#!/bin/sh
# Remove camtranslate installed by install.sh; --purge also deletes settings and cache.
exec "$OPT_DIR/install.sh" --uninstall "\$@"
EOF
chmod 755 "$UNINSTALLER"

# 3. the menu entry, with absolute paths: ~/.local/bin is not on every session's PATH.
mkdir -p "$APPS_DIR"
printf '%s\n' "$TEMPLATE_TEXT" \
  | sed -e "s|^Exec=camtranslate |Exec=\"$LAUNCHER\" |" -e "s|^TryExec=camtranslate\$|TryExec=$LAUNCHER|" \
  > "$DESKTOP_FILE"
chmod 644 "$DESKTOP_FILE"
if [[ -n $METAINFO_SRC ]]; then
  install -D -m 644 "$METAINFO_SRC" "$METAINFO_FILE"
fi

# 4. icons into the user's hicolor theme.
for size in "${ICON_SIZES[@]}"; do
  if src="$(icon_src "$size")"; then
    install -D -m 644 "$src" "$ICON_ROOT/${size}x${size}/apps/camtranslate.png"
  fi
done
if src="$(icon_src scalable)"; then
  install -D -m 644 "$src" "$ICON_ROOT/scalable/apps/camtranslate.svg"
fi
refresh_caches

echo "camtranslate installed:"
echo "  app        $OPT_DIR"
echo "  launcher   $LAUNCHER"
echo "  uninstall  $UNINSTALLER  (--purge also deletes settings and cache)"
echo "  menu       $DESKTOP_FILE"
echo "  icons      $ICON_ROOT/{48x48,128x128,256x256,scalable}/apps/"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) echo "note: $BIN_DIR is not on your PATH; add it to run 'camtranslate' from a terminal." ;;
esac
