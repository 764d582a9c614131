#!/usr/bin/env bash
# Installs the project (see setup-env.sh), then runs the demo: the built-in PBX
# simulator (real AMI on 127.0.0.1), the server and four demo agents whose screen-pops
# appear live in this terminal. Ctrl-C stops it. Extra arguments go to `cti demo`
# (e.g. --calls 5 to stop after five calls, --speed 5 to play calls faster).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh dev
exec .venv/bin/cti demo "$@"
