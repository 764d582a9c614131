#!/usr/bin/env bash
# Prepares everything the project needs on a fresh Debian machine with Python 3.11:
# the Debian packages it uses (via apt-get), a virtual environment in .venv and the
# project with its pip dependencies. Safe to run again: it only installs what is missing.
# Usage: scripts/setup-env.sh [pip extras, default: desktop,dev]
# (dev brings pytest-qt, which refuses to start pytest without PyQt6 from `desktop`)
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS="${1:-desktop,dev}"
# Debian packages the tests use. Qt under Xvfb (desktop screenshot tests): without
# libxcb-cursor0 the xcb platform plugin refuses to load. Offscreen tests need none of them.
# sip-tester is SIPp, the far end of the softphone tests (tests/softphone).
# fonts-droid-fallback draws CJK names (the demo directory has some) instead of boxes.
# matchbox-window-manager, wmctrl and xdotool: the desktop tests close the window through a
# real window manager (its close request) and type Ctrl+Q on a real X keyboard.
APT_PACKAGES=(
  xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-shape0
  libxcb-xinerama0 libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xkb1
  fonts-droid-fallback sip-tester
  matchbox-window-manager wmctrl xdotool
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup: need root or sudo for: $*" >&2; return 1
  fi
}

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "setup: apt-get install ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "${#APT_PACKAGES[@]}" -gt 0 ]; then
  # Not fatal, so the demo still runs without root; the tests that need Xvfb or SIPp then
  # fail and name what is missing.
  apt_install "${APT_PACKAGES[@]}" || echo "setup: could not install ${APT_PACKAGES[*]}" >&2
fi

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install "python3-venv"
    python3 -m venv .venv
  fi
fi
stamp=".venv/.installed-$(cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)-${EXTRAS//,/_}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[${EXTRAS}]"
  touch "$stamp"
fi
