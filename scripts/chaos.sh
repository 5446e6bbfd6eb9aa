#!/usr/bin/env bash
# `make chaos`: faults on loopback while SOS arrive (chaos/run.py, docs/reliability.md), after
# `make run`'s set-up. Starts its own Redis, PostgreSQL proxy, uvicorn, Celery worker and beat, and
# stops them; the machine's shared PostgreSQL and Redis are never stopped. Hard limit 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "[chaos] redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
.venv/bin/python -c "import aiohttp" 2>/dev/null \
  || { echo "[chaos] aiohttp is missing: run 'bash scripts/setup.sh' (requirements-dev.txt)" >&2; exit 1; }
exec timeout --signal=TERM --kill-after=30 600 .venv/bin/python -m chaos.run "$@"
