"""Camera tables of scenario 1: built once per size and kept; rebuilt only when the count or the
generator changed. `python -m bench.build 1.6M` builds one size ahead of a run."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg

from bench import config, db, synth


def ensure_cameras(size: str) -> float:
    """Make database ``size`` hold exactly its synthetic cameras; returns seconds spent building."""
    name, count = config.db_name(size), config.SIZES[size]
    db.ensure_database(name)
    subprocess.run([str(config.VENV_BIN / "python"), "-m", "bench.fixtures", "centers"], cwd=config.ROOT,
                   env=config.server_env(name), check=True, capture_output=True, timeout=300)
    wanted = f"{count}:{synth.SEED}:{synth.GENERATOR_VERSION}"
    with psycopg.connect(config.conninfo(name), autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM cameras_camera").fetchone()[0]
        if db.get_meta(conn, "cameras") == wanted and have == count:
            print(f"[bench] {name}: {count:,} cameras already built, reused", flush=True)
            return 0.0
        print(f"[bench] {name}: building {count:,} cameras (COPY, then indexes)", flush=True)
        start = time.monotonic()
        conn.execute("SET maintenance_work_mem = '256MB'")
        with conn.transaction():
            synth.load_cameras(conn, count)
            db.set_meta(conn, "cameras", wanted)
        conn.execute("VACUUM (ANALYZE) cameras_camera")
        took = time.monotonic() - start
        print(f"[bench] {name}: built in {took:.0f} s", flush=True)
        return took


if __name__ == "__main__":
    for size in sys.argv[1:] or list(config.SIZES):
        ensure_cameras(size)
