"""The OpenAPI document validates, and a bounded schemathesis run over it finds no server error."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db):  # type: ignore[no-untyped-def]
    # As Django's test client does: a request through the WSGI app must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_openapi_document_validates(api_schema):
    api_schema.validate()  # against the OpenAPI 3.1 meta-schema; raises if it does not conform
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    assert "/api/v1/calculations/" in paths
    assert "/api/v1/calculations/stable-job-refund/" in paths
    body = document["paths"]["/api/v1/calculations/ui-benefit/"]["post"]["requestBody"]
    assert "contribution_years" in body["content"]["application/json"]["schema"]["properties"]
    assert "400" in document["paths"]["/api/v1/calculations/ui-benefit/"]["post"]["responses"]


def test_a_schemathesis_run_finds_no_server_error(api_schema, settings: Any) -> None:  # Django's settings fixture
    """Every operation, valid and invalid inputs generated from the document, bounded examples, in process. (The
    API's rate limit is raised for the run: tests/portal/test_rate_limits.py shows the limit itself.)"""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"ip": "100000/m"}}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 9
    for operation, mode in itertools.product(operations, [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]):
        if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # the list has no inputs to get wrong

        @hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(checks=checks)

        run()
