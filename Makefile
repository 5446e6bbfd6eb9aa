# hwaseong_safety: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: run test setup demo serve lint clean bench chaos

run: setup demo serve  ## set up everything, load demo data, start web + worker + beat

test: export WANT_BROWSER = 1
test: setup  ## set up everything, then the whole suite against real PostGIS and Redis, then the patched paths on stock Django
	$(PY) -m ruff check .
	$(PY) -m pytest
	# The framework patches switched off: the tests whose path goes through one (docs/fastpath.md).
	HWASEONG_FASTPATH=0 $(PY) -m pytest -m fastpath

setup:
	@bash scripts/setup.sh

demo:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo

serve:
	@bash scripts/serve.sh

bench: setup  ## timing scenarios (own databases and servers, loopback, at most 15 min); not part of make test
	@bash scripts/bench.sh

chaos: setup  ## faults while SOS arrive (own Redis, PostgreSQL proxy, servers; loopback, at most 10 min)
	@bash scripts/chaos.sh

lint:
	$(PY) -m ruff check .

clean:
	rm -rf var .pytest_cache
