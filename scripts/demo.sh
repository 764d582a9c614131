#!/usr/bin/env bash
# Installs the project (see setup-env.sh), then runs the demo: the built-in PBX
# simulator (real AMI on 127.0.0.1), the server and four demo agents whose screen-pops
# appear live in this terminal, and simulated customers who email, chat and post a web
# form; with a display, the agent desktop opens as well. Ctrl-C
# stops it. Extra arguments go to `cti demo` (e.g. --calls 5 to stop after five calls,
# --speed 5 to play calls faster, --no-desktop to keep to the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."

# The `demo` extra brings the simulated customers' mail: aiosmtpd and Debian's dovecot-imapd.
# With a display the desktop opens, so it needs the `desktop` extra (PyQt6) and the
# Debian packages of Qt's xcb plugin; without one the terminal view needs neither.
extras="demo"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --no-desktop "* ]]; then
  extras="desktop,demo"
fi
scripts/setup-env.sh "$extras"
exec .venv/bin/cti demo "$@"
