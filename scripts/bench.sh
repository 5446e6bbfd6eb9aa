#!/usr/bin/env bash
# `make bench`: the timing scenarios of issue 7 (bench/run.py) on this machine, after `make run`'s
# set-up. Starts its own uvicorn and Celery worker on loopback and stops them; never part of
# `make test`. Hard limit 15 minutes: past it the run is stopped (and stops what it started).
set -euo pipefail
cd "$(dirname "$0")/.."
for module in aiohttp psutil; do
  .venv/bin/python -c "import $module" 2>/dev/null \
    || { echo "[bench] $module is missing: run 'bash scripts/setup.sh' (requirements-dev.txt)" >&2; exit 1; }
done
[ -x .venv/bin/py-spy ] || echo "[bench] py-spy is missing: the profile is skipped" >&2
exec timeout --signal=TERM --kill-after=30 900 .venv/bin/python -m bench.run "$@"
