#!/usr/bin/env bash
# Prepares this machine for hwaseong_safety: system packages, PostgreSQL + PostGIS, Redis, the
# Python venv and the database. Safe to run again: each step checks first and does only what is
# missing. Run as root on Debian (make run / make test call it).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# Two database roles (docs/audit.md): the app's (DATABASE_URL) and the owner of the tables, which
# runs the migrations (MIGRATE_DATABASE_URL). The same rule as hwaseong_safety/settings.py: unset,
# the demo's two roles; DATABASE_URL alone, one role for both (as before).
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=postgis://hwaseong_app:hwaseong@127.0.0.1:5432/hwaseong
  MIGRATE_DATABASE_URL="${MIGRATE_DATABASE_URL:-postgis://hwaseong:hwaseong@127.0.0.1:5432/hwaseong}"
fi
MIGRATE_DATABASE_URL="${MIGRATE_DATABASE_URL:-$DATABASE_URL}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
WANT_BROWSER="${WANT_BROWSER:-0}"   # make test sets 1: the browser tests need Debian's chromium

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. System packages ------------------------------------------------------------------------
packages=(postgresql-15-postgis-3 gdal-bin libgeos-c1v5 libproj-dev gettext ffmpeg)
command -v pg_lsclusters >/dev/null 2>&1 || packages+=(postgresql-15)
# Korean fonts so browser screenshots show Hangul, not empty boxes.
[ "$WANT_BROWSER" = 1 ] && packages+=(chromium fonts-nanum)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

redis_answers() {
  python3 - "$REDIS_URL" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
try:
    with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=2) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(64).startswith((b"+PONG", b"-NOAUTH")) else 1)
except OSError:
    sys.exit(1)
PY
}
if ! redis_answers && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
# The console-script tests run the ES modules in Node (any node on PATH will do).
if [ "$WANT_BROWSER" = 1 ] && ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi

if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. Services -------------------------------------------------------------------------------
if ! pg_lsclusters -h 2>/dev/null | awk '$4 == "online"' | grep -q .; then
  log "starting PostgreSQL"
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  [ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters)"
  # shellcheck disable=SC2086
  as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
fi
if ! redis_answers; then
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/hwaseong.log
  for _ in $(seq 1 20); do redis_answers && break; sleep 0.5; done
  redis_answers || die "Redis does not answer at $REDIS_URL"
fi

# --- 3. Python venv ----------------------------------------------------------------------------
PY=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $PY"
  "$PY" -m venv .venv 2>/dev/null || { as_root apt-get install -y -qq python3-venv >/dev/null; "$PY" -m venv .venv; }
fi
req_hash=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$req_hash" ]; then
  log "installing Python packages"
  # This machine's pip config names local mirrors that may be absent: drop only that warning.
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | { grep -v "^WARNING: Location 'file:" || true; }
  echo "$req_hash" > .venv/.requirements.sha256
fi

# --- 4. Database role, database, PostGIS -------------------------------------------------------
eval "$(.venv/bin/python - "$DATABASE_URL" "$MIGRATE_DATABASE_URL" <<'PY'
import shlex, sys, urllib.parse
app, owner = (urllib.parse.urlparse(u) for u in sys.argv[1:3])
for k, v in {"DB_HOST": app.hostname or "", "DB_NAME": app.path.lstrip("/"),
             "APP_USER": urllib.parse.unquote(app.username or ""),
             "APP_PASSWORD": urllib.parse.unquote(app.password or ""),
             "DB_USER": urllib.parse.unquote(owner.username or ""),
             "DB_PASSWORD": urllib.parse.unquote(owner.password or "")}.items():
    print(f"{k}={shlex.quote(v)}")
PY
)"
case "$DB_HOST" in
  ""|127.0.0.1|localhost|::1)
    psql_admin() { as_root runuser -u postgres -- env PGOPTIONS=--client-min-messages=warning psql -v ON_ERROR_STOP=1 -qAt "$@"; }
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
      log "creating role $DB_USER"
      # CREATEDB (not SUPERUSER) is enough: PostGIS sits in template1, so every database the
      # role creates, the test database included, has it already.
      psql_admin -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
    fi
    if [ "$APP_USER" != "$DB_USER" ] && [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER'")" != 1 ]; then
      # The app's role owns nothing and may create nothing: its rights on the tables are granted
      # after every migrate (operators/db_roles.py), on the access log only SELECT and INSERT.
      log "creating role $APP_USER (the app's)"
      psql_admin -c "CREATE ROLE \"$APP_USER\" LOGIN NOCREATEDB NOCREATEROLE PASSWORD '$APP_PASSWORD'"
    fi
    psql_admin -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis"
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
      log "creating database $DB_NAME"
      psql_admin -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
    fi
    psql_admin -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"
    ;;
  *) log "DATABASE_URL points at $DB_HOST: not creating the roles or database there" ;;
esac

# --- 5. Translations ---------------------------------------------------------------------------
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
log "ready"
