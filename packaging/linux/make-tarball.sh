#!/usr/bin/env bash
# The release tarball, reproducibly: members sorted by name, owner root:root, every mtime set
# to SOURCE_DATE_EPOCH, no pax atime/ctime headers, xz at a fixed preset and thread count (the
# same input always gives the same bytes).
#
#   packaging/linux/make-tarball.sh APP_DIR OUT.tar.xz TOP_FOLDER_NAME
#
# The tarball holds one folder, TOP_FOLDER_NAME: the app itself (executable, _internal/,
# install.sh, share/). Unpack and run its install.sh.
set -euo pipefail
APP="$1"
OUT="$2"
TOP="$3"
EPOCH="${SOURCE_DATE_EPOCH:-0}"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
# hard links keep the copy free; fall back to a real copy across file systems
cp -al "$APP" "$STAGE/$TOP" 2>/dev/null || cp -a "$APP" "$STAGE/$TOP"
rm -f "$OUT"
tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --hard-dereference -cf - "$TOP" | xz -T2 -6 > "$OUT"
