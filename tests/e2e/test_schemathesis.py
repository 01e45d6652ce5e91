"""Schemathesis reads /openapi.json from the running local stack (started as `make run`
starts it) and sends generated requests to every operation: valid and invalid inputs,
a bounded number of examples each. Every response must not be a server error, must
conform to the documented schema, content type and status codes, and every 4xx must
name its field."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import app  # noqa: F401 - registers every operation
from chalicelib.openapi import openapi_document
from tests.e2e.conftest import TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-schemathesis")]
MAX_EXAMPLES = 6  # per operation: ~56 operations stay well under a minute


# The document the stack serves (test_the_stack_serves_this_document checks they are equal).
schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_stack_serves_this_document(stack):
    status, served, headers = stack.request("GET", "/openapi.json", token=None)
    assert status == 200 and served == openapi_document()


def no_undocumented_server_error(ctx, response, case) -> None:
    """No 5xx, except the documented 503 `unavailable` (maintenance mode, which a
    generated enable_maintenance_mode call switches on)."""
    if response.status_code >= 500:
        body = response.json() if response.headers.get("content-type", [""])[0].startswith("application/json") else {}
        documented = response.status_code == 503 and body.get("error", {}).get("code") == "unavailable"
        assert documented, (
            f"{case.method} {case.formatted_path}: server error {response.status_code}: {response.text[:500]}"
        )


def errors_name_their_field(ctx, response, case) -> None:
    """Each 4xx carries the error envelope with the offending field."""
    if 400 <= response.status_code < 500:
        error = response.json()["error"]
        assert error.get("field"), (
            f"{case.method} {case.formatted_path}: {response.status_code} names no field: {error}"
        )


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_documented(case, stack):
    case.call_and_validate(
        base_url=stack.url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[
            no_undocumented_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            errors_name_their_field,
        ],
        timeout=120,
    )
    if (case.method, case.path) == ("POST", "/v1/admin/maintenance"):  # so the other operations run in full
        stack.request("DELETE", "/v1/admin/maintenance", {"reason": "schemathesis"})
