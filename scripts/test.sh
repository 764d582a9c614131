#!/usr/bin/env bash
# Installs what the tests need (see setup-env.sh), then runs linters and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh desktop,softphone,dev
.venv/bin/ruff check cti desktop tests bench
.venv/bin/ruff format --check cti desktop tests bench
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
