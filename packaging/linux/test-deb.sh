#!/usr/bin/env bash
# The .deb round trip, for real, on this machine (root): install it with apt, run the app's
# self-test from /usr/bin, remove it with apt, check that nothing but the user's own data is
# left. Refuses to touch a camtranslate that is already installed.
#
#   packaging/linux/test-deb.sh dist/camtranslate_0.1.0_amd64.deb
#
# Prints one line per step and "deb round trip: OK" at the end; exit 1 on the first failure.
set -euo pipefail
DEB="$(realpath "$1")"
fail() { echo "deb round trip: FAILED: $*" >&2; exit 1; }
step() { printf '  %-60s' "$1"; }

[[ $(id -u) == 0 ]] || fail "needs root (apt-get install)"
command -v apt-get >/dev/null || fail "no apt-get"
status="$(dpkg-query -W -f='${Status}' camtranslate 2>/dev/null || true)"
[[ $status != *"ok installed" ]] || fail "camtranslate is already installed here; remove it first"

HOME_DIR="$(mktemp -d /tmp/camtranslate-deb-home.XXXXXX)"
trap 'rm -rf "$HOME_DIR"' EXIT
# the user's own data, which must survive the removal
mkdir -p "$HOME_DIR/.config/camtranslate" "$HOME_DIR/.local/share/camtranslate/models"
echo "[ui]" > "$HOME_DIR/.config/camtranslate/settings.ini"
echo keep > "$HOME_DIR/.local/share/camtranslate/models/mine.txt"

step "apt-get install ./$(basename "$DEB")"
t0=$EPOCHREALTIME
apt-get install -y -q --no-install-recommends "$DEB" > "$HOME_DIR/install.log" 2>&1 \
  || { cat "$HOME_DIR/install.log"; fail "apt-get install"; }
echo "ok ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
FILES="$(dpkg -L camtranslate)"
for f in /usr/bin/camtranslate /opt/camtranslate/camtranslate \
  /usr/share/applications/camtranslate.desktop \
  /usr/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml \
  /usr/share/icons/hicolor/256x256/apps/camtranslate.png \
  /usr/share/icons/hicolor/scalable/apps/camtranslate.svg /usr/share/doc/camtranslate/copyright; do
  [[ -e $f ]] || fail "$f not installed"
done
step "installed files: $(wc -l <<< "$FILES") paths, $(du -sm /opt/camtranslate | cut -f1) MiB in /opt/camtranslate"
echo ok

step "which camtranslate (PATH=/usr/bin:/bin)"
[[ "$(env -i PATH=/usr/bin:/bin sh -c 'command -v camtranslate')" == /usr/bin/camtranslate ]] \
  || fail "camtranslate is not /usr/bin/camtranslate"
echo ok
step "camtranslate --version (LANG unset: no Qt locale warning)"
out="$(cd /tmp && env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" camtranslate --version 2>&1)" \
  || fail "--version: $out"
[[ $out != *"locale"* ]] || fail "locale warning: $out"
echo "ok: $out"
step "camtranslate --self-test (offscreen, from /usr/bin)"
t0=$EPOCHREALTIME
(cd /tmp && env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen \
  camtranslate --self-test) > "$HOME_DIR/self-test.txt" 2>&1 \
  || { cat "$HOME_DIR/self-test.txt"; fail "--self-test"; }
[[ $(<"$HOME_DIR/self-test.txt") != *"locale"* ]] || fail "locale warning in the self-test"
echo "ok ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
if command -v desktop-file-validate >/dev/null; then
  step "desktop-file-validate /usr/share/applications/camtranslate.desktop"
  desktop-file-validate /usr/share/applications/camtranslate.desktop || fail "desktop entry"
  echo ok
fi
if command -v appstreamcli >/dev/null; then
  step "appstreamcli validate (installed metainfo)"
  appstreamcli validate --no-net \
    /usr/share/metainfo/io.github.camtranslate.camtranslate.metainfo.xml >/dev/null \
    || fail "metainfo"
  echo ok
fi

step "apt-get remove camtranslate"
apt-get remove -y -q camtranslate > "$HOME_DIR/remove.log" 2>&1 \
  || { cat "$HOME_DIR/remove.log"; fail "apt-get remove"; }
echo ok
step "nothing left of the package"
left=()
while IFS= read -r f; do
  [[ $f == /. || -z $f ]] && continue
  # shared folders (/usr, /usr/share/icons/hicolor/...) stay; the package's own paths must go
  if [[ -e $f && ! -d $f ]] || [[ -d $f && $f == *camtranslate* ]]; then left+=("$f"); fi
done <<< "$FILES"
(( ${#left[@]} == 0 )) || fail "left behind: ${left[*]}"
[[ ! -e /opt/camtranslate && ! -e /usr/bin/camtranslate ]] || fail "/opt/camtranslate or the launcher left"
echo ok
step "the user's own data is untouched"
[[ -f "$HOME_DIR/.config/camtranslate/settings.ini" && \
   -f "$HOME_DIR/.local/share/camtranslate/models/mine.txt" ]] || fail "user data removed"
echo ok
apt-get purge -y -q camtranslate >/dev/null 2>&1 || true
echo "deb round trip: OK"
