"""A wall-clock profile of the web workers under nearest-camera load, by py-spy (sampling, from
outside: the app is not changed). Summarised as shares of the request-handling samples."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from bench import config

# (label, patterns any of which in a frame puts the sample in that part). Inclusive shares.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("session + user lookup (SessionMiddleware, AuthenticationMiddleware, RoleBackend)",
     ("django/contrib/sessions/", "django/contrib/auth/", "operators/backends.py")),
    ("query parameters (NearestQuerySerializer.is_valid)", ("is_valid (rest_framework/serializers.py",)),
    ("nearest_camera_rows() (one SQL statement), total", ("nearest_camera_rows (cameras/nearby.py",)),
    ("  SQL round trip (psycopg execute/fetch)", ("psycopg/cursor.py", "psycopg/_cursor_base.py")),
    ("JSON rendering", ("rest_framework/renderers.py",)),
    ("SQL round trips anywhere (psycopg)", ("psycopg/",)),
    ("pooled connection out and in (psycopg_pool)", ("psycopg_pool/",)),
    ("middleware (ours and Django's), total", ("hwaseong_safety/middleware", "django/middleware/")),
)
REQUEST_MARK = "django/core/handlers/"  # any frame of Django handling a request


def record(master_pid: int, seconds: int, out: Path) -> subprocess.Popen:
    """Starts py-spy on the uvicorn master and its workers; wait() on the result to finish. Wall
    clock (--idle): a thread waiting on PostgreSQL or Redis counts, as it counts for latency."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)  # a failed recording must not leave the last run's stacks to read
    argv = [str(config.VENV_BIN / "py-spy"), "record", "--pid", str(master_pid), "--subprocesses", "--idle",
            "--nonblocking", "--format", "raw", "--rate", "200", "--duration", str(seconds),
            "--output", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _stacks(raw: Path) -> list[tuple[list[str], int]]:
    rows: list[tuple[list[str], int]] = []
    for line in raw.read_text(errors="replace").splitlines():
        stack, _sep, count = line.rpartition(" ")
        if stack and count.isdigit():
            rows.append((stack.split(";"), int(count)))
    return rows


def summarise(raw: Path, top: int = 12, marks: tuple[str, ...] = (REQUEST_MARK,),
              parts_of: tuple[tuple[str, tuple[str, ...]], ...] = PARTS,
              inner: str = "nearest_camera_rows (cameras/nearby.py") -> dict:
    """Shares (percent) of the samples with a frame matching ``marks`` (request handling by
    default) per part, and the top leaf frames. Indented parts count only inside ``inner``."""
    stacks = [(frames, n) for frames, n in _stacks(raw) if any(m in f for f in frames for m in marks)]
    total = sum(n for _frames, n in stacks)
    if not total:
        return {"request_samples": 0, "parts": {}, "top_leaves": []}
    parts: dict[str, float] = {}
    for label, patterns in parts_of:
        # Indented parts count only inside ``inner``: e.g. the nearest query's SQL, not the session's.
        inside = [(f, n) for f, n in stacks if not label.startswith("  ") or any(inner in x for x in f)]
        hits = sum(n for frames, n in inside if any(p in f for f in frames for p in patterns))
        parts[label] = round(100 * hits / total, 1)
    leaves: Counter[str] = Counter()
    for frames, n in stacks:
        leaves[frames[-1].strip()] += n
    return {
        "request_samples": total,
        "parts": parts,
        "top_leaves": [(frame, round(100 * n / total, 1)) for frame, n in leaves.most_common(top)],
    }


# Scenario 4: where a console push's time goes: the one build per event and process (on the
# process's shared sync thread), then the hand-out to every console of the process.
CONSOLE_MARKS = ("console/realtime/consumer.py", "console/realtime/hub.py", "console/realtime/push.py",
                 "channels/", "channels_redis/", "websockets/")
CONSOLE_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("build_push: read and encode the event once per process (sync thread)",
     ("build_push (console/realtime/push.py",)),
    ("  SQL round trips (psycopg)", ("psycopg/",)),
    ("  serializers (one per process: to_representation)",
     ("to_representation (rest_framework/serializers.py",)),
    ("  checking a pooled connection out and in", ("psycopg_pool/", "django/db/backends/postgresql/base.py")),
    ("presence (console/realtime/presence.py)", ("console/realtime/presence.py",)),
    ("channel layer (channels_redis)", ("channels_redis/",)),
    ("websocket send (uvicorn, websockets)", ("websockets/", "uvicorn/protocols/websockets/")),
    ("JSON encoding", ("json/encoder.py",)),
)
CONSOLE_INNER = "build_push (console/realtime/push.py"
