#!/usr/bin/env bash
# Run the AMI ingest benchmark with its baselines (panoramisk, pyst2) in their own venv,
# bench/.venv-baselines, with this project installed into it as well (editable).
# Usage: bench/run_ami_ingest.sh [ami_ingest.py flags...]   e.g. --events 50000 --runs 1
# Needs Python >= 3.11 with venv (Debian: apt-get install python3-venv); PYTHON=... picks it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$here/.venv-baselines"

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
    done
fi
if [[ -z "$python" ]] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "run_ami_ingest.sh: need Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
    exit 2
fi

if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "run_ami_ingest.sh: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2
        exit 2
    fi
fi

# Reinstall only when the requirements or the project's metadata changed.
stamp="$venv/.installed"
want="$(cat "$here/requirements-baselines.txt" "$root/setup.cfg" "$root/pyproject.toml" \
    | "$venv/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$venv/bin/python" -m pip install --quiet -r "$here/requirements-baselines.txt"
    "$venv/bin/python" -m pip install --quiet -e "$root"
    echo "$want" >"$stamp"
fi

exec "$venv/bin/python" "$here/ami_ingest.py" "$@"
