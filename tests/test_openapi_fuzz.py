"""Property-based run of the OpenAPI spec against the real server on loopback.

schemathesis reads the server's ``/openapi.json`` and hypothesis generates requests from it for
every operation, both valid ones (positive) and ones the spec forbids (negative). No response
may be a 5xx, and responses must match the status codes, content types and schemas the spec
documents. (schemathesis' own pytest loader, ``from_fixture``, does not run on pytest 9, so the
strategies are driven by hypothesis directly.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    ("/v1/check", "POST"),
    ("/v1/check/batch", "POST"),
    ("/healthz", "GET"),
    ("/version", "GET"),
]


@pytest.fixture(scope="module")
def api_schema(http_server):
    return schemathesis.openapi.from_url(f"{http_server.base_url}/openapi.json")


def test_openapi_lists_every_operation(api_schema):
    found = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


# /healthz takes nothing, so there is no invalid request to make of it.
RUNS = [
    (path, method, mode)
    for path, method in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if (path, mode) != ("/healthz", GenerationMode.NEGATIVE)
]


@pytest.mark.parametrize(("path", "method", "mode"), RUNS)
def test_openapi_generated_requests_get_no_5xx(api_schema, path, method, mode):
    operation = api_schema[path][method]
    statuses: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call_and_validate(checks=CHECKS)
        statuses.append(response.status_code)

    run()
    assert statuses and max(statuses) < 500
    if mode == GenerationMode.POSITIVE:  # valid requests were really checked, not all refused
        assert 200 in statuses
