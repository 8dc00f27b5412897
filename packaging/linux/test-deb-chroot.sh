#!/usr/bin/env bash
# The .deb in a clean Debian 12 chroot (root): proves that its Depends: is complete, which the
# round trip on the build machine (test-deb.sh) cannot, since everything is installed there.
# Copies a minbase chroot, runs test-deb.sh inside it (apt-get install pulls the Depends from the
# Debian mirror, --self-test from /usr/bin, apt-get remove), then installs the package again and
# runs ldd on every ELF file of /opt/camtranslate (the Qt platform plugins, xcb and Wayland,
# which the offscreen self-test does not load): any "not found" is a missing dependency.
#
#   packaging/linux/test-deb-chroot.sh dist/camtranslate_0.1.0_amd64.deb [BASE]
#
# BASE: a minbase chroot, default build/chroot/bookworm, made when missing with
#   debootstrap --variant=minbase bookworm BASE http://deb.debian.org/debian
# (apt-get install debootstrap). The copy lives in a temporary folder and is deleted afterwards.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DEB="$(realpath "$1")"
BASE="${2:-$REPO/build/chroot/bookworm}"
fail() { echo "deb chroot check: FAILED: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "needs root (chroot, mount)"
if [[ ! -x $BASE/usr/bin/apt-get ]]; then
  command -v debootstrap >/dev/null || fail "no chroot at $BASE and no debootstrap (apt-get install debootstrap)"
  echo "making a Debian 12 minbase chroot at $BASE (debootstrap, a few minutes)"
  mkdir -p "$BASE"
  debootstrap --variant=minbase bookworm "$BASE" http://deb.debian.org/debian
fi

WORK="$(mktemp -d /var/tmp/camtranslate-chroot.XXXXXX)"
ROOT="$WORK/root"
cleanup() {
  umount "$ROOT/dev" 2>/dev/null || true
  umount "$ROOT/proc" 2>/dev/null || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
cp -a "$BASE" "$ROOT"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
cp "$DEB" "$ROOT/tmp/"
cp "$HERE/test-deb.sh" "$ROOT/tmp/test-deb.sh"
IN=(chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive)
before="$("${IN[@]}" dpkg-query -W -f='${Package}\n')"
echo "clean chroot: Debian $(<"$ROOT/etc/debian_version"), $(wc -l <<< "$before") packages"
"${IN[@]}" apt-get update -q > "$WORK/update.log" 2>&1 || { cat "$WORK/update.log"; fail "apt-get update"; }

echo "== test-deb.sh inside the chroot"
"${IN[@]}" bash /tmp/test-deb.sh "/tmp/$(basename "$DEB")" || fail "round trip in the clean chroot"
after="$("${IN[@]}" dpkg-query -W -f='${Package}\n')"
added="$(comm -13 <(sort <<< "$before") <(sort <<< "$after"))"
echo "packages the .deb pulled into the clean chroot: $(wc -l <<< "$added")"

echo "== ldd on every ELF file of the installed app"
"${IN[@]}" apt-get install -y -q --no-install-recommends "/tmp/$(basename "$DEB")" > "$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; fail "reinstall"; }
report="$("${IN[@]}" bash -c '
  dirs="$(find /opt/camtranslate -name "*.so*" -type f -printf "%h\n" | sort -u | tr "\n" ":")"
  n=0
  while IFS= read -r -d "" f; do
    head="$(od -An -c -N4 "$f")"
    [[ $head == *E*L*F* ]] || continue
    n=$((n + 1))
    out="$(LD_LIBRARY_PATH="$dirs" ldd "$f" 2>&1 || true)"
    if [[ $out == *"not found"* ]]; then
      while IFS= read -r line; do
        [[ $line == *"not found"* ]] && echo "MISSING ${f#/opt/camtranslate/}: ${line%% =>*}"
      done <<< "$out"
    fi
  done < <(find /opt/camtranslate -type f \( -name "*.so*" -o -name camtranslate \) -print0)
  echo "checked $n ELF files"
')"
echo "$report" | sort -u
"${IN[@]}" apt-get purge -y -q camtranslate > /dev/null 2>&1 || true
[[ $report != *MISSING* ]] || fail "libraries not found in the clean chroot (above): add their packages to Depends"
echo "deb chroot check: OK (Depends complete on a clean Debian 12)"
