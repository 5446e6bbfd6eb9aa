"""Schemathesis against the OpenAPI document, in-process (WSGI) on the pytest-django test database.

Every operation gets generated requests (the schema's examples, schemathesis' coverage phase and
Hypothesis fuzzing; valid and invalid data), with the right credentials and then without or with
the wrong ones. Every response must be documented: no 5xx, a status code the schema lists, its
content type and its body schema. No operation is left out: the signed dispatch callback is
fuzzed too, mostly with valid signatures (tests/hwaseong_safety/fuzz_world.py). Bounded
(MAX_EXAMPLES, the coverage phase's own size) and derandomized, so a CI run is reproducible; about a
minute on two cores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from tests.hwaseong_safety.fuzz_checks import CHECKS
from tests.hwaseong_safety.fuzz_world import DISPATCH_SECRET, World, build_world

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
BOUNDED = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def load_schema(phases: list[str]) -> schemathesis.schemas.BaseSchema:
    """Loaded at collection (parametrize needs it then): the schema view touches no database."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(),
                                            config=SchemathesisConfig())
    # Credentials come from the world fixture, not from generated security parameters.
    schema.config.generation.update(modes=list(GenerationMode), max_examples=MAX_EXAMPLES, deterministic=True,
                                    with_security_parameters=False)
    schema.config.phases.update(phases=phases)
    return schema


schema = load_schema(["examples", "coverage", "fuzzing"])
# Credentials are what this one varies: a few fuzzed cases per operation are enough.
credentials_schema = load_schema(["fuzzing"])


@pytest.fixture
def world(db, settings) -> Iterator[World]:
    """Requests go through Django's real WSGIHandler, which closes the database connection at the
    start and end of each request; inside the test's transaction that connection must stay open
    (django.test.Client does the same)."""
    settings.DISPATCH_POLICE_SECRET = settings.DISPATCH_FIRE_SECRET = DISPATCH_SECRET
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield build_world()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@BOUNDED
def test_every_response_is_documented(case, world: World) -> None:
    case.call_and_validate(checks=CHECKS, **world.request_for(case))


@credentials_schema.parametrize()
@settings(BOUNDED, max_examples=3)
def test_every_response_without_or_with_the_wrong_credentials_is_documented(case, world: World) -> None:
    """No credentials, the other kind (an app token on a staff endpoint, a staff session on an
    app endpoint), and a revoked-looking token: each answer documented (401, 403 or, where no
    credentials are needed, whatever the operation documents)."""
    world.request_for(case)  # real ids, so the refusal is for the credentials and not a 404
    for credentials in world.wrong_credentials(case):
        case.call_and_validate(checks=CHECKS, **credentials)


@pytest.mark.parametrize("path", ["/api/v1/alerts/abc/", "/api/v1/trips/-1/", "/api/v1/nowhere"])
def test_unrouted_api_paths_answer_json_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
