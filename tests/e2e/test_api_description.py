"""The API as tools that read its description see it (one stack for both).

Schemathesis reads /openapi.json from the running local stack (started as `make run`
starts it) and sends generated requests to every operation: valid and invalid inputs,
a bounded number of examples each. Every response must not be a server error, must
conform to the documented schema, content type and status codes, and every 4xx must
name its field. A client generated from the served document by a generator from PyPI
(openapi-python-client, installed by `make install` into .venv/codegen) calls
validate_content and get_validation and reads an error envelope."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request

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
from tests.e2e.conftest import ROOT, TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-schemathesis")]
MAX_EXAMPLES = 4  # per operation: ~56 operations stay around a minute


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


GENERATOR = ROOT / ".venv" / "codegen" / "bin" / "openapi-python-client"


@pytest.fixture(scope="module")
def client_package(stack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    with urllib.request.urlopen(f"{stack.url}/openapi.json", timeout=60) as response:
        (folder / "openapi.json").write_bytes(response.read())
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff hook
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--output-path", "tbcv_generated", "--meta", "none"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation and model generated
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("tbcv_generated")
    finally:
        sys.path.remove(str(folder))


def test_the_generated_client_validates_content_and_reads_the_validation_back(stack, client_package):
    from tbcv_generated.api.validation import get_validation, validate_content
    from tbcv_generated.client import AuthenticatedClient
    from tbcv_generated.models import Error, ValidateContentBody, ValidationOut

    client = AuthenticatedClient(base_url=stack.url, token=TOKEN, timeout=120)
    created = validate_content.sync(client=client, body=ValidateContentBody(content="# Title\n\nSome text.\n"))
    assert isinstance(created, ValidationOut), created
    assert created.outcome in ("pass", "warning", "fail") and created.review_status == "pending"
    fetched = get_validation.sync(created.validation_id, client=client)
    assert isinstance(fetched, ValidationOut)
    assert (fetched.validation_id, fetched.content_sha256) == (created.validation_id, created.content_sha256)

    missing = get_validation.sync_detailed("0" * 32, client=client)
    assert missing.status_code == 404 and isinstance(missing.parsed, Error)
    assert missing.parsed.error.field == "validation_id"
    assert json.loads(missing.content)["error"]["code"] == "not_found"
