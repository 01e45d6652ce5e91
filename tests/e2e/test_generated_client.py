"""A client generated from the served OpenAPI document by a generator from PyPI
(openapi-python-client, installed by `make install` into .venv/codegen) calls the running
stack: validate_content, then get_validation, and reads an error envelope."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-schemathesis")]
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
