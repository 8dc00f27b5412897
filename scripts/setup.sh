#!/usr/bin/env bash
# One command to set up a development machine: system packages (fonts for accented Latin and
# CJK, the libraries Qt needs, Xvfb for real-window screenshots, strace for the no-network
# test, desktop-file-utils and appstream for the packaging checks) and a virtual environment
# in .venv with camtranslate and every optional part (GUI, EasyOCR, model manager,
# distillation, test tools). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(fonts-noto-core fonts-noto-cjk fontconfig libegl1 libgl1 libxkbcommon0
              libfontconfig1 libdbus-1-3 libglib2.0-0 xvfb libxcb-icccm4 libxcb-keysyms1
              libxcb-cursor0 desktop-file-utils appstream strace)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[gui,easyocr,models,distill,dev]"
.venv/bin/camtranslate --version
