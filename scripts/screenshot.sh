#!/usr/bin/env bash
# Writes docs/desktop-demo.png: `cti demo` on a virtual X display (Xvfb), the desktop
# signed in as agent 1001, grabbed from the X server while the first call is on screen.
# Then, next to it, the card in each state of one call (scripts/cardshots.py):
# desktop-card-ringing.png, -on-call.png, -on-hold.png and -after-call.png; and the
# contact-centre parts (scripts/centreshots.py): desktop-agent-paused.png,
# -agent-wrapup.png, -transfer-presence.png and -wallboard.png.
# Usage: scripts/screenshot.sh [OUT.png] [SECONDS_AFTER_FIRST_RING]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh desktop,dev >/dev/null
out="${1:-docs/desktop-demo.png}"
wait_after="${2:-2}"
log="$(mktemp)"
exec 3< <(Xvfb -displayfd 1 -screen 0 900x640x24 -nolisten tcp 2>/dev/null)  # the window size
xvfb_pid=$!
read -r display <&3
export DISPLAY=":${display}"
unset QT_QPA_PLATFORM
.venv/bin/cti demo --calls 3 --exit-after-calls --speed 2 --seed "${SEED:-4}" >"$log" 2>&1 &
demo_pid=$!
trap 'kill "$demo_pid" "$xvfb_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 300); do
  grep -q "agent1001/1001 call.ringing" "$log" && break
  sleep 0.1
done
sleep "$wait_after"
.venv/bin/python scripts/xshot.py "$out"
wait "$demo_pid"
.venv/bin/python scripts/cardshots.py --seed "${SEED:-4}" "$(dirname "$out")"
.venv/bin/python scripts/centreshots.py --seed "${SEED:-4}" "$(dirname "$out")"
