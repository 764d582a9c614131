#!/usr/bin/env bash
# Installs the project (see setup-env.sh), then shows it working: a recorded real
# Asterisk 22 queue call replayed over loopback through the AMI client and the call
# tracker, printing the screen-pop events as JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh dev
for scenario in queue_answered blind_transfer abandoned_ringing; do
  echo "== ${scenario} (tests/fixtures/ami/${scenario}.raw)"
  .venv/bin/cti replay "tests/fixtures/ami/${scenario}.raw"
done
