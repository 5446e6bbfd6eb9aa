"""The demo city: synthetic centers and staff, demo camera snapshots and streams, and a stand-in
police/fire receiver. `make run` loads it; the product never imports it."""
