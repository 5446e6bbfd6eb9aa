"""The demo HLS streams view: files of scripts/demo_streams.sh with the right types, never in
production, never outside var/streams."""

from __future__ import annotations

import pytest


@pytest.fixture
def streams(tmp_path, settings):
    settings.DEMO_STREAMS_DIR = tmp_path
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "index.m3u8").write_text("#EXTM3U\n#EXT-X-TARGETDURATION:2\nindex0.ts\n")
    (tmp_path / "1" / "index0.ts").write_bytes(b"\x47" + b"\x00" * 187)
    (tmp_path / "secret.txt").write_text("no")
    return tmp_path


def test_playlist_and_segment_types(client, streams) -> None:
    playlist = client.get("/demo/streams/1/index.m3u8")
    assert playlist.status_code == 200
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert playlist["Cache-Control"] == "no-cache"
    assert playlist["Access-Control-Allow-Origin"] == "*"
    assert b"".join(playlist.streaming_content).startswith(b"#EXTM3U")
    segment = client.get("/demo/streams/1/index0.ts")
    assert segment.status_code == 200 and segment["Content-Type"] == "video/mp2t"


@pytest.mark.parametrize("path", [
    "/demo/streams/1/missing.ts", "/demo/streams/2/index.m3u8", "/demo/streams/1/index.txt",
    "/demo/streams/1/..%2Fsecret.txt", "/demo/streams/../secret.txt",
])
def test_only_stream_files(client, streams, path) -> None:
    assert client.get(path).status_code == 404


def test_not_in_production(client, streams, settings) -> None:
    settings.PRODUCTION, settings.DEBUG = True, False
    assert client.get("/demo/streams/1/index.m3u8").status_code == 404
