#!/usr/bin/env bash
# Prepares everything the project needs on a fresh Debian machine with Python 3.11:
# the Debian packages it uses (via apt-get), a virtual environment in .venv and the
# project with its pip dependencies. Safe to run again: it only installs what is missing.
# Usage: scripts/setup-env.sh [pip extras, default: desktop,dev; '' for none]
#        scripts/setup-env.sh --debian-packages [extras]   only prints the Debian packages
# (dev brings pytest-qt, which refuses to start pytest without PyQt6 from `desktop`)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, by the extra that needs them.
# desktop: Qt's xcb platform plugin (the window on an X display) refuses to load without
#   libxcb-cursor0 and the others; fonts-droid-fallback draws CJK names (the demo
#   directory has some) instead of boxes. Offscreen Qt needs none of them.
# dev: the tests also run the desktop under Xvfb, the softphone against SIPp
#   (sip-tester, tests/softphone) and the terminal demo in an 80x24 tmux; they close the
#   desktop through a real window manager's close request (matchbox-window-manager,
#   wmctrl) and type Ctrl+Q on a real X keyboard (xdotool); the HTML report is checked in
#   a real headless browser (chromium, driven through chromium-driver by selenium); the
#   email channel fetches from a real IMAP server (dovecot-imapd, started by the tests with a
#   throwaway config on 127.0.0.1).
# demo: `cti demo` runs a local mailbox for its simulated customers' emails (dovecot-imapd,
#   with a throwaway config on 127.0.0.1); without it the demo runs with email off.
DESKTOP_DEBIAN=(
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-shape0
  libxcb-xinerama0 libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xkb1
  fonts-droid-fallback
)
DEMO_DEBIAN=(dovecot-imapd)
DEV_DEBIAN=(
  xvfb sip-tester tmux matchbox-window-manager wmctrl xdotool chromium chromium-driver
  dovecot-imapd
  "${DESKTOP_DEBIAN[@]}"
)

debian_packages() {  # the Debian packages the extras in $1 need, one a line, each once
  local extra
  local -a extras wanted=()
  IFS=, read -r -a extras <<<"$1"
  for extra in "${extras[@]}"; do
    case "$extra" in
      desktop) wanted+=("${DESKTOP_DEBIAN[@]}") ;;
      demo) wanted+=("${DEMO_DEBIAN[@]}") ;;
      dev) wanted+=("${DEV_DEBIAN[@]}") ;;
    esac
  done
  [ "${#wanted[@]}" -eq 0 ] || printf '%s\n' "${wanted[@]}" | awk '!seen[$0]++'
}

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

installed() {  # true when an earlier run installed these sources with every extra in $2
  local stamp extra have
  local -a wanted
  IFS=, read -r -a wanted <<<"$2"
  for stamp in .venv/.installed-"$1"-*; do
    [ -f "$stamp" ] || continue
    have="_${stamp#.venv/.installed-"$1"-}_"  # the stamp's extras, joined by _
    for extra in "${wanted[@]}"; do
      [[ "$have" == *"_${extra}_"* ]] || continue 2
    done
    return 0
  done
  return 1
}

if [ "${1:-}" = "--debian-packages" ]; then
  debian_packages "${2-desktop,dev}"
  exit 0
fi
EXTRAS="${1-desktop,dev}"

mapfile -t APT_PACKAGES < <(debian_packages "$EXTRAS")
if [ "${#APT_PACKAGES[@]}" -gt 0 ]; then
  # Not fatal, so the terminal demo still runs without root; the desktop window, or the
  # tests that need Xvfb or SIPp, then fail and name what is missing.
  apt_install "${APT_PACKAGES[@]}" || echo "setup: could not install ${APT_PACKAGES[*]}" >&2
fi

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install "python3-venv"
    python3 -m venv .venv
  fi
fi
sources="$(cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)"
if ! installed "$sources" "$EXTRAS"; then
  echo "setup: installing the project into .venv (extras: ${EXTRAS:-none})" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  # -qq: setuptools' warning about editable installs is noise to someone trying the demo
  .venv/bin/python -m pip install -qq -e ".${EXTRAS:+[$EXTRAS]}"
  touch ".venv/.installed-$sources-${EXTRAS//,/_}"
fi
