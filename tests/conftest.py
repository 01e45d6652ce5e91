"""Test environment: the functions' environment as the template sets it for the local
stage, with no endpoint (in-process moto); fixtures for the bootstrapped local AWS."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import pytest

from local_aws.stack import local_environment


def pytest_configure(config):
    """Before any test module is collected: app.py reads the settings when it is imported."""
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(local_environment(None))
    os.environ["TBCV_API_TOKEN"] = "test-token"
    os.environ["TBCV_API_TOKENS"] = json.dumps(
        {
            "reviewer-token": "reviewer",  # the older form: an admin
            "role-reader-token": {"principal": "rita", "roles": ["reader"]},
            "role-reviewer-token": {"principal": "rene", "roles": ["reviewer"]},
            "role-admin-token": {"principal": "ada", "roles": ["admin"]},
        }
    )


def stored(model):
    """A store model on its table of the test environment (chalicelib/store/tables.py), for
    tests that read or write items the way no operation does."""
    from chalicelib.settings import get_settings
    from chalicelib.store.tables import TableNames

    return TableNames.of(get_settings()).bind(model)


@pytest.fixture
def aws():
    """A fresh in-process local AWS with every template resource and the Lambda executor."""
    with bootstrapped_aws() as resources:
        yield resources


@contextmanager
def bootstrapped_aws():
    """In-process moto with every template resource and the Lambda executor (for fixtures
    of any scope)."""
    from moto import mock_aws

    import app as chalice_app
    from chalicelib.runtime import _adapters
    from local_aws.bootstrap import bootstrap
    from local_aws.dynamodb_lock import install_dynamodb_lock
    from local_aws.executor import install_lambda_executor
    from local_aws.moto_patches import install_moto_patches
    from local_aws.stack import STAGE, lambda_handler_names
    from local_aws.template import load_template

    _adapters.cache_clear()  # adapters cache per process (maintenance flag, timings): fresh per AWS
    install_moto_patches()
    # Lambda stays in moto's default (Docker) mode: its invoke hook is what the executor
    # replaces; the "simple" backend would only echo payloads.
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_dynamodb_lock()
        uninstall = install_lambda_executor(chalice_app.app.handler_map, app_name=chalice_app.app.app_name, stage=STAGE)
        try:
            yield bootstrap(load_template(), STAGE, lambda_handler_names(chalice_app.app))
        finally:
            uninstall()


@pytest.fixture
def api(aws):
    from chalice.test import Client

    import app as chalice_app

    with Client(chalice_app.app) as client:
        yield client


AUTH = {"Authorization": "Bearer test-token", "Content-Type": "application/json"}


@pytest.fixture(scope="session")
def markdownlint_cli():
    """markdownlint-cli2, installed from npm on first use (scripts/markdownlint.py): the peer
    the markdownlint parity tests compare tbcv with."""
    import importlib.util
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are required to compare with markdownlint-cli2")
    script = Path(__file__).resolve().parents[1] / "scripts" / "markdownlint.py"
    spec = importlib.util.spec_from_file_location("markdownlint_installer", script)
    installer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(installer)
    try:
        return installer.ensure_markdownlint()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        pytest.fail(f"could not install markdownlint-cli2 with npm: {error}")
