"""Issue 15 rows 5 and 10 against the stack `make run` starts: every request and every error
leaves a JSON log line with a real request id and the principal, the console stays readable
(metric lines go to a file) and never shows the token."""

from __future__ import annotations

import contextlib
import json
import os
import stat

import boto3
import pytest

from tests.e2e.conftest import ROOT, TOKEN

pytestmark = [pytest.mark.e2e]


def _log_lines(stack) -> list[dict]:
    lines = []
    for line in stack.console().splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
    return lines


def test_an_internal_error_is_logged_with_its_request_id_and_principal(stack):
    aws = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    aws.delete_table(TableName="tbcv-local-workflows")  # an outage the API cannot handle
    status, body, _ = stack.request("GET", "/v1/workflows")
    assert status == 500
    request_id = body["error"]["message"].rsplit(" ", 1)[-1]
    assert request_id and request_id != "None"
    logged = [line for line in _log_lines(stack) if line.get("correlation_id") == request_id]
    errors = [line for line in logged if line["level"] == "ERROR"]
    assert errors and errors[0]["principal"] == "local" and errors[0]["operation"] == "list_workflows"
    assert "Traceback" in errors[0].get("exception", "") or errors[0].get("exception_name")
    assert any(line.get("status") == 500 for line in logged)  # and the request line


def test_every_request_is_logged_and_the_console_stays_readable(stack):
    status, _, _ = stack.request("GET", "/v1/validations/" + "0" * 32)
    assert status == 404
    requests = [line for line in _log_lines(stack) if line.get("status") == 404]
    assert requests and requests[-1]["principal"] == "local" and requests[-1]["correlation_id"]
    console = stack.console()
    assert '"_aws"' not in console  # EMF metric lines go to .tbcv/metrics.jsonl
    assert TOKEN not in console  # the token is never printed; its file is named
    assert ".tbcv/token" in console


def test_the_token_file_is_private(stack):
    mode = stat.S_IMODE(os.stat(ROOT / ".tbcv" / "token").st_mode)
    assert mode == 0o600
