"""`make bench`: timing of the nearest-camera query, location ingest and memory (issue 7).

Never imported by the app; the test suite only uses its query code (tests/bench)."""
