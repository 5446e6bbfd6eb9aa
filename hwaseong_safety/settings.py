"""Settings for hwaseong_safety, read from environment variables (see README, "Configuration").

Every value has a safe local default so that ``make run`` works on a fresh machine; production
mode (``HWASEONG_MODE=production``) refuses to start without a real secret and turns on the
HTTPS hardening that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hwaseong_safety.csp import build_policy
from hwaseong_safety.env import Env

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent

MODE = env.str("HWASEONG_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"HWASEONG_MODE={MODE!r}; use development or production")
PRODUCTION = MODE == "production"

DEBUG = env.bool("DEBUG", not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.required_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
else:
    SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# Where `make run` serves (scripts/serve.sh reads the same two variables).
HOST = env.str("HOST", "127.0.0.1")
PORT = env.int("PORT", 8000, min_value=1, max_value=65535)


def _served_at(host: str, port: int) -> str:
    """The address links in SMS point at when SITE_URL is not set: where the server listens. A
    wildcard bind names no address a phone could use, so loopback stands in (set SITE_URL)."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


SITE_URL = env.str("SITE_URL", _served_at(HOST, PORT)).rstrip("/")

# The framework patches (hwaseong_safety/fastpath/, docs/fastpath.md). Off, stock Django, Channels
# and Celery paths run everywhere: the way to check an upgrade (make test runs both).
FASTPATH = env.bool("HWASEONG_FASTPATH", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "operators",
    "cameras",
    "citizens",
    "alerts",
    "guardians",
    "sms",
    "places",
    "console",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hwaseong_safety.middleware.ContentSecurityPolicyMiddleware",
    "hwaseong_safety.body_limits.BodyLimitMiddleware",
    "hwaseong_safety.middleware.RefuseNulMiddleware",  # a NUL in the address: 400, not a DataError
    "hwaseong_safety.db_outage.DatabaseAwayMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hwaseong_safety.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if FASTPATH:  # Keep last: the chain runs in one thread under ASGI (see the class).
    MIDDLEWARE.append("hwaseong_safety.fastpath.middleware.SyncChainMiddleware")

ROOT_URLCONF = "hwaseong_safety.urls"
ASGI_APPLICATION = "hwaseong_safety.asgi.application"
WSGI_APPLICATION = "hwaseong_safety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database: PostgreSQL + PostGIS only --------------------------------------------------------
# Two roles (docs/audit.md, "Who may touch the log"): the app connects with DATABASE_URL as a
# role that may only read and add access records; migrations connect as the role that owns the
# tables, MIGRATE_DATABASE_URL (its user, password, host and port; the database is DATABASE_URL's).
# Unset, both are the demo's two roles; with DATABASE_URL alone, that one role does both.
_APP_DEFAULT = "postgis://hwaseong_app:hwaseong@127.0.0.1:5432/hwaseong"
_OWNER_DEFAULT = "postgis://hwaseong:hwaseong@127.0.0.1:5432/hwaseong"
DATABASE_URL = env.url("DATABASE_URL", _APP_DEFAULT, schemes=("postgis", "postgres", "postgresql"))
MIGRATE_DATABASE_URL = env.url("MIGRATE_DATABASE_URL",
                               _OWNER_DEFAULT if DATABASE_URL == _APP_DEFAULT else DATABASE_URL,
                               schemes=("postgis", "postgres", "postgresql"))
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
_owner = dj_database_url.parse(MIGRATE_DATABASE_URL)
DATABASE_OWNER = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
# The role granted only what the app needs after every migrate (operators/db_roles.py); empty when
# the app connects as the owner itself.
DATABASE_APP_ROLE = DATABASES["default"]["USER"] if DATABASES["default"]["USER"] != _owner["USER"] else ""
# Whatever scheme was given, the engine is PostGIS: there is no non-spatial mode.
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Short OLTP queries: JIT compilation costs more than it saves (seen on the nearest-camera query).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A psycopg pool per process: opening a connection (and PostGIS's first query on it) cost ~20 ms
# a request in the benchmarks. Size it so that processes × max size stays under the server's
# max_connections. 0 turns pooling off (a connection per request).
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", 8, min_value=0, max_value=100)
if DB_POOL_MAX_SIZE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": DB_POOL_MAX_SIZE, "timeout": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long an SOS waits inside its request for PostgreSQL to come back (a restart, a failover)
# before answering 503; the app then sends it again (hwaseong_safety/db_outage.py).
SOS_DB_WAIT_SECONDS = env.float("SOS_DB_WAIT_SECONDS", 10.0, min_value=0.0)

# --- Redis: Channels layer, Celery broker ------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss", "unix"))
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # No socket timeout: a console's receive waits on Redis for as long as it is idle, and
        # redis-py's default 5 s read timeout would drop every quiet console (channels_redis #422).
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
            # Messages a console may fall behind by before channels_redis drops the oldest (100 by
            # default: a burst of SOS to a slow console lost pushes in the benchmarks). Consoles
            # also resync from the database every CONSOLE_RESYNC_SECONDS.
            "capacity": env.int("CHANNEL_LAYER_CAPACITY", 1000, min_value=100),
        },
    }
}
# Throttling counters and short-lived state; shared by every web process.
CACHES = {
    "default": {
        # One connection pool per process with FASTPATH (fastpath/cache.py), one per request without.
        "BACKEND": ("hwaseong_safety.fastpath.cache.SharedPoolRedisCache" if FASTPATH
                    else "django.core.cache.backends.redis.RedisCache"),
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "hwaseong"),
        # A Redis that hangs (not one that refuses) must not hold a request, an SOS among them.
        "OPTIONS": {"socket_connect_timeout": 2.0, "socket_timeout": 2.0},
    }
}
# Sessions read from Redis, written through to PostgreSQL: one query less per console request, and
# when Redis is away the database alone serves (fastpath/sessions.py): a console keeps working. Django's
# own cached_db without FASTPATH.
SESSION_ENGINE = ("hwaseong_safety.fastpath.sessions" if FASTPATH
                  else "django.contrib.sessions.backends.cached_db")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Task modules outside the apps' tasks.py that autodiscovery would miss.
CELERY_IMPORTS = ("alerts.dispatch.tasks",)
# How often the SMS outbox is swept for rows whose task was lost (make chaos shortens it).
SMS_SWEEP_SECONDS = env.int("SMS_SWEEP_SECONDS", 60, min_value=5, max_value=600)
CELERY_BEAT_SCHEDULE = {
    "mark-overdue-trips": {
        "task": "alerts.tasks.mark_overdue_trips", "schedule": 60.0, "options": {"expires": 55},
    },
    # Alerts nobody claimed within ALERT_CLAIM_TIMEOUT alarm the supervisors.
    "alarm-unclaimed-alerts": {
        "task": "alerts.tasks.alarm_unclaimed_alerts", "schedule": 10.0, "options": {"expires": 9},
    },
    # Re-queues police/fire webhooks whose task was lost (broker down, worker died).
    "redeliver-due-escalations": {
        "task": "alerts.dispatch_tasks.redeliver_due_escalations", "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Requests to 112/119 still undelivered after DISPATCH_PENDING_ALARM_SECONDS alarm the console
    # (each escalation also queues its own check for that moment; this catches a lost one).
    "alarm-overdue-escalations": {
        "task": "alerts.dispatch_tasks.alarm_overdue_escalations", "schedule": 2.0, "options": {"expires": 2},
    },
    # Re-sends SMS rows whose task never ran (the broker was down when they were queued). The task
    # lives in sms.tasks and keeps its first name (queued tasks carry it).
    "resend-stale-sms": {
        "task": "guardians.tasks.resend_stale_sms", "schedule": float(SMS_SWEEP_SECONDS),
        "options": {"expires": SMS_SWEEP_SECONDS - 1},
    },
    # Location trails of alerts and trips ended LOCATION_RETENTION_DAYS ago (docs/retention.md).
    "apply-location-retention": {
        "task": "alerts.tasks.apply_location_retention", "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
    # Access records past ACCESS_LOG_RETENTION_DAYS, through the audited SQL function.
    "purge-access-log": {
        "task": "operators.tasks.purge_access_log", "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
}
# The access log is kept at least two years (the database refuses to purge younger records).
# Location trails are kept this long after the alert or trip ended, then reduced (alerts/retention.py).
LOCATION_RETENTION_DAYS = env.int("LOCATION_RETENTION_DAYS", 30, min_value=1)
# A released retention hold (alerts/holds.py) takes effect this long after the release: until then
# it can be undone and the trail is whole.
LOCATION_HOLD_RELEASE_GRACE_DAYS = env.int("LOCATION_HOLD_RELEASE_GRACE_DAYS", 7, min_value=0, max_value=90)
# The monthly review of the access log (operators/audit_review.py) flags an account with this many
# views of people's data in one night (22-06 KST), or this many different people in one day.
AUDIT_NIGHT_BULK_VIEWS = env.int("AUDIT_NIGHT_BULK_VIEWS", 20, min_value=1)
AUDIT_MANY_SUBJECTS_PER_DAY = env.int("AUDIT_MANY_SUBJECTS_PER_DAY", 30, min_value=1)
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", 730, min_value=730)

AUTH_USER_MODEL = "operators.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console"

# --- Language and time: Korean first, Seoul time -----------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The one time zone. Code reads it through django.utils.timezone (localtime, localdate,
# get_current_timezone): nothing activates another, so requests, Celery tasks and management
# commands all count Seoul days (SMS budgets, history dates, the access review's nights).
TIME_ZONE = "Asia/Seoul"
USE_TZ = True
CELERY_TIMEZONE = TIME_ZONE

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "hwaseong_safety.staticfiles.StaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, min_value=1024)
# The admin's standard-data upload can be a whole province (tens of MB).
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, min_value=1024)
CAMERA_IMPORT_MAX_BYTES = env.int("CAMERA_IMPORT_MAX_BYTES", 200 * 1024 * 1024, min_value=1024)
# At most this many form fields and files per request (the camera changelist's bulk actions post one
# field per row shown; the import takes one file).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000, min_value=100)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", 10, min_value=1)
# Every request body, DRF's JSON included (its parsers bypass DATA_UPLOAD_MAX_MEMORY_SIZE): larger
# is refused with 413 before a view runs (hwaseong_safety/body_limits.py). The camera import's path
# takes a standard-data file plus the form around it.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", 2_621_440, min_value=1024)
REQUEST_BODY_LARGE_PATHS = {"/admin/cameras/camera/import/": CAMERA_IMPORT_MAX_BYTES + 1024 * 1024}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "citizens.auth.AppTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Rates per scope; views pick their scope. SOS creation is never throttled below 30/min.
    # Counted atomically in Redis (hwaseong_safety/ratelimit.py, citizens/throttles.py).
    "DEFAULT_THROTTLE_RATES": {
        "register_ip": env.rate("THROTTLE_REGISTER_IP", "20/hour"),
        "register_phone": env.rate("THROTTLE_REGISTER_PHONE", "5/hour"),
        "verify_ip": env.rate("THROTTLE_VERIFY_IP", "60/hour"),
        "verify_phone": env.rate("THROTTLE_VERIFY_PHONE", "20/hour"),
        "sos": env.rate("THROTTLE_SOS", "120/minute"),
        # Each PIN set or compared is a PBKDF2 (docs/security.md): a few a minute is plenty.
        "profile": env.rate("THROTTLE_PROFILE", "10/hour"),
        "guardians": env.rate("THROTTLE_GUARDIANS", "20/hour"),  # adds (each an SMS) and removals
        "trips": env.rate("THROTTLE_TRIPS", "30/hour"),  # each start texts every guardian
    },
    # JSON nested deeper than any body of ours is a 400, not a RecursionError (a 500).
    "DEFAULT_PARSER_CLASSES": [
        "hwaseong_safety.jsonsafe.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Reverse proxies in front of us: X-Forwarded-For is trusted for this many hops only, so a
    # client can't pick its own throttle bucket. 0 (no proxy) trusts none.
    "NUM_PROXIES": env.int("NUM_PROXIES", 0, min_value=0, max_value=5),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hwaseong Safety API (화성시 안전귀가 통합관제)",
    "DESCRIPTION": "REST API of the Hwaseong smart-city safe-return control center.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Domain settings ---------------------------------------------------------------------------
# A point this close to a neighbouring linked city is shown to both centers.
BORDER_BAND_METERS = env.int("BORDER_BAND_METERS", 500, min_value=0, max_value=20_000)
# The service's host center (its standard 시군구 code): every citizen's home center at sign-up,
# and the center of any alert that routes nowhere else (no fix, no last location), so that no
# alert is ever without operators who watch it.
HOST_CENTER_CODE = env.str("HOST_CENTER_CODE", "41590")
NEAREST_CAMERAS_DEFAULT = env.int("NEAREST_CAMERAS_DEFAULT", 8, min_value=1, max_value=50)
NEAREST_CAMERAS_RADIUS_METERS = env.int("NEAREST_CAMERAS_RADIUS_METERS", 500, min_value=1)
# Reading a nearest camera (cameras/describe.py): how far a camera's picture is useful, its view
# angle when the data gives a direction only, and how close cameras stand to count as one pole.
CAMERA_VIEW_RANGE_METERS = env.float("CAMERA_VIEW_RANGE_METERS", 100.0, min_value=1)
CAMERA_FIELD_OF_VIEW_DEGREES = env.int("CAMERA_FIELD_OF_VIEW_DEGREES", 90, min_value=1, max_value=360)
CAMERA_POLE_METERS = env.int("CAMERA_POLE_METERS", 5, min_value=0, max_value=50)
# Base map tiles from the center's internal tile server, e.g. http://tiles.local/{z}/{x}/{y}.png.
# Empty: maps draw boundaries and cameras as vector layers only (closed networks).
MAP_TILE_URL = env.str("MAP_TILE_URL", "")
# Links out of the guardian's tracking page to Korean map apps at the position: "kakao", "naver".
# Empty (default): none; each link hands the position to that company when the guardian taps it.
GUARDIAN_MAP_LINKS = env.list("GUARDIAN_MAP_LINKS", [])
if unknown_links := set(GUARDIAN_MAP_LINKS) - {"kakao", "naver"}:
    raise ImproperlyConfigured(f"GUARDIAN_MAP_LINKS: unknown {', '.join(sorted(unknown_links))} "
                               "(allowed: kakao, naver)")
# How often the guardian tracking page asks for the newest position.
GUARDIAN_TRACKING_POLL_SECONDS = env.int("GUARDIAN_TRACKING_POLL_SECONDS", 10, min_value=1, max_value=300)
# A connected console still asks for a fresh snapshot this often: a push lost on the way (a full
# channel, a Redis restart) is then never missed for longer than this.
CONSOLE_RESYNC_SECONDS = env.int("CONSOLE_RESYNC_SECONDS", 30, min_value=5, max_value=600)
# Messages one console's socket may fall behind by before it is cut off (close 4408; its browser
# reconnects and gets a snapshot): a console that stops reading never holds the others
# (console/realtime/outbox.py).
CONSOLE_SEND_QUEUE = env.int("CONSOLE_SEND_QUEUE", 500, min_value=10, max_value=100_000)
# An alert nobody claimed for this many seconds alarms the supervisors.
ALERT_CLAIM_TIMEOUT = env.int("ALERT_CLAIM_TIMEOUT", 30, min_value=5, max_value=3600)
# A trip not arrived this long after its expected arrival becomes overdue.
TRIP_OVERDUE_GRACE_MINUTES = env.int("TRIP_OVERDUE_GRACE_MINUTES", 10, min_value=0, max_value=120)
# SMS: console (log), file (one JSON per message in SMS_FILE_DIR; the demo default), locmem (tests).
SMS_TRANSPORT = env.str("SMS_TRANSPORT", "file")
SMS_FILE_DIR = Path(env.str("SMS_FILE_DIR", str(BASE_DIR / "var" / "sms")))
# SMS a citizen's own actions may cause per Seoul day (codes, guardian added, trip started), and
# that any one number may receive from such actions: SMS pumping costs money. An SOS's, an
# arrival's, an overdue trip's and a closed alert's texts are never refused (docs/sms.md).
SMS_BUDGET_PER_CITIZEN_DAY = env.int("SMS_BUDGET_PER_CITIZEN_DAY", 60, min_value=5)
SMS_BUDGET_PER_NUMBER_DAY = env.int("SMS_BUDGET_PER_NUMBER_DAY", 20, min_value=3)
# Real providers (docs/sms.md): http (a generic gateway) or naver_sens; a fallback transport takes
# over when the primary gives up.
SMS_FALLBACK_TRANSPORT = env.str("SMS_FALLBACK_TRANSPORT", "")
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", 6, min_value=1, max_value=20)
SMS_FALLBACK_AFTER = env.int("SMS_FALLBACK_AFTER", 3, min_value=1, max_value=20)
SMS_RETRY_BASE_SECONDS = env.int("SMS_RETRY_BASE_SECONDS", 5, min_value=1, max_value=600)
# Each backoff is this many times the one before (hwaseong_safety.outbound.outbox.Backoff).
SMS_RETRY_FACTOR = env.float("SMS_RETRY_FACTOR", 3.0, min_value=1)
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", 5.0, min_value=0.1)
# How long one send attempt owns its row; must stay above the HTTP timeout.
SMS_SEND_LEASE_SECONDS = env.int("SMS_SEND_LEASE_SECONDS", 60, min_value=5)
if SMS_SEND_LEASE_SECONDS <= SMS_HTTP_TIMEOUT:
    raise ImproperlyConfigured("SMS_SEND_LEASE_SECONDS must be longer than SMS_HTTP_TIMEOUT")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", "")
SMS_HTTP_METHOD = env.str("SMS_HTTP_METHOD", "POST")
SMS_HTTP_BODY_TEMPLATE = env.str(
    "SMS_HTTP_BODY_TEMPLATE", '{"to": "{to}", "text": "{body}", "type": "{type}"}'
)
SMS_HTTP_AUTH_HEADER = env.str("SMS_HTTP_AUTH_HEADER", "Authorization")
SMS_HTTP_AUTH_VALUE = env.str("SMS_HTTP_AUTH_VALUE", "")
SMS_HTTP_ID_PATH = env.str("SMS_HTTP_ID_PATH", "id")
SMS_HTTP_IDEMPOTENCY_HEADER = env.str("SMS_HTTP_IDEMPOTENCY_HEADER", "")
SMS_HTTP_RECIPIENT_ERROR_STATUSES = env.int_list("SMS_HTTP_RECIPIENT_ERROR_STATUSES", [])
SMS_SENS_BASE_URL = env.str("SMS_SENS_BASE_URL", "https://sens.apigw.ntruss.com")
SMS_SENS_SERVICE_ID = env.str("SMS_SENS_SERVICE_ID", "")
SMS_SENS_ACCESS_KEY = env.str("SMS_SENS_ACCESS_KEY", "")
SMS_SENS_SECRET_KEY = env.str("SMS_SENS_SECRET_KEY", "")
SMS_SENS_FROM = env.str("SMS_SENS_FROM", "")
SMS_SENS_LMS_SUBJECT = env.str("SMS_SENS_LMS_SUBJECT", "화성안전귀가")
# --- 112/119 dispatch linkage (docs/dispatch.md): no URL or no secret = not linked (phone it).
DISPATCH_POLICE_URL = env.str("DISPATCH_POLICE_URL", "")
DISPATCH_POLICE_SECRET = env.str("DISPATCH_POLICE_SECRET", "")
DISPATCH_FIRE_URL = env.str("DISPATCH_FIRE_URL", "")
DISPATCH_FIRE_SECRET = env.str("DISPATCH_FIRE_SECRET", "")
DISPATCH_CALLBACK_URL = env.str("DISPATCH_CALLBACK_URL", "")  # default: SITE_URL + /api/v1/dispatch/callback
DISPATCH_MAX_ATTEMPTS = env.int("DISPATCH_MAX_ATTEMPTS", 10, min_value=1, max_value=50)
DISPATCH_TIMEOUT_SECONDS = env.float("DISPATCH_TIMEOUT_SECONDS", 10.0, min_value=0.1)
DISPATCH_RETRY_BASE_SECONDS = env.float("DISPATCH_RETRY_BASE_SECONDS", 2.0, min_value=0.1)
DISPATCH_RETRY_MAX_SECONDS = env.float("DISPATCH_RETRY_MAX_SECONDS", 60.0, min_value=1)
DISPATCH_RETRY_FACTOR = env.float("DISPATCH_RETRY_FACTOR", 2.0, min_value=1)
# Up to this fraction added to each backoff at random: many requests failing on one outage
# don't all come back in the same second.
DISPATCH_RETRY_JITTER = env.float("DISPATCH_RETRY_JITTER", 0.25, min_value=0)
DISPATCH_CALLBACK_MAX_SKEW_SECONDS = env.int("DISPATCH_CALLBACK_MAX_SKEW_SECONDS", 300, min_value=30)
DISPATCH_SWEEP_GRACE_SECONDS = env.float("DISPATCH_SWEEP_GRACE_SECONDS", 60.0, min_value=1)
DISPATCH_CAMERAS = env.int("DISPATCH_CAMERAS", 4, min_value=0, max_value=20)
# A request still undelivered this long after it was made alarms the console: phone the agency.
DISPATCH_PENDING_ALARM_SECONDS = env.float("DISPATCH_PENDING_ALARM_SECONDS", 10.0, min_value=1)
# Where scripts/demo_streams.sh writes the demo camera feeds (its STREAMS_DIR) and the demo serves them.
DEMO_STREAMS_DIR = BASE_DIR / "var" / "streams"
SHARED_DATA_DIR = Path(env.str("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

# --- Production hardening ----------------------------------------------------------------------
# Content security policy of every page (hwaseong_safety/csp.py, docs/hardening.md). The tile
# server is added by itself; CSP_MEDIA_ORIGINS names the camera video/snapshot servers;
# CSP_EXTRA adds sources, e.g. "img-src https://tiles.example; connect-src https://vms.example".
CSP_MEDIA_ORIGINS = env.list("CSP_MEDIA_ORIGINS", [])
CSP_EXTRA = env.str("CSP_EXTRA", "")
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY = build_policy(
    tile_url=MAP_TILE_URL, media_origins=CSP_MEDIA_ORIGINS, extra=CSP_EXTRA,
)
# Login lockout, console and admin (operators/lockout.py, docs/hardening.md): failures of one
# username from one address, or from one address for any usernames, within the window lock that
# pair or address for LOGIN_LOCKOUT_SECONDS; failures of one username from anywhere alert the
# supervisors and refuse it from addresses where it never logged in. The address limit is higher
# than the pair's: a whole center's operators share one NAT address.
env.renamed("LOGIN_LOCKOUT_USERNAME_ATTEMPTS", "LOGIN_LOCKOUT_PAIR_ATTEMPTS")
LOGIN_LOCKOUT_PAIR_ATTEMPTS = env.int("LOGIN_LOCKOUT_PAIR_ATTEMPTS", 5, min_value=1)
LOGIN_LOCKOUT_IP_ATTEMPTS = env.int("LOGIN_LOCKOUT_IP_ATTEMPTS", 20, min_value=1)
LOGIN_LOCKOUT_USERNAME_ALERT_ATTEMPTS = env.int("LOGIN_LOCKOUT_USERNAME_ALERT_ATTEMPTS", 50, min_value=1)
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", 90, min_value=1)
LOGIN_LOCKOUT_WINDOW_SECONDS = env.int("LOGIN_LOCKOUT_WINDOW_SECONDS", 900, min_value=1)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", 900, min_value=1)
# Lockout (operators/lockout.py) and admin permissions by role (operators/roles.py).
AUTHENTICATION_BACKENDS = ["operators.backends.RoleBackend"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000, min_value=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6, which cannot block file/network access while parsing a spatial
    # reference. We never parse a user-supplied SRS: every geometry we take is WGS84 (SRID 4326)
    # from CSV coordinates or GeoJSON read by GEOS.
    "gis.W001",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Every handler carries the scrubber: no tracking or decline token in any log line.
    "filters": {"scrub_tokens": {"()": "hwaseong_safety.logscrub.ScrubTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["scrub_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    # httpx logs every request line at INFO; provider URLs are noise in an operations log.
    "loggers": {
        "httpx": {"level": "WARNING"},
        # uvicorn's own handlers (it configures them before Django) are replaced by ours, which
        # scrub tokens: its error log may name a request's path.
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
