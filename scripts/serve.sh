#!/usr/bin/env bash
# Starts the ASGI web server, a Celery worker and Celery beat together; one Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export HOST PORT
cat <<MSG

  화성시 스마트도시 통합운영센터 — hwaseong_safety is starting
  ──────────────────────────────────────────────────────────────
  Home        http://${HOST}:${PORT}/
  Admin       http://${HOST}:${PORT}/admin/
  API docs    http://${HOST}:${PORT}/api/docs/

$(.venv/bin/python manage.py demo_logins)

  Stop everything with Ctrl-C.

MSG
exec .venv/bin/honcho start -f Procfile
