"""Tokens, roles and their sources (issue 15 rows 7 and 10)."""

from __future__ import annotations

import hashlib
import json
import os

import boto3
import pytest
from moto import mock_aws

from chalicelib.auth import principal_for
from chalicelib.ops.errors import Unauthorized
from chalicelib.settings import Settings
from local_aws.stack import _keeping_user_settings


def test_both_token_forms_give_a_principal_with_roles():
    settings = Settings(
        api_token=None,
        api_tokens={"old-form-token": "alice", "new-form-token": {"principal": "bob", "roles": ["reader"]}},
    )
    assert principal_for("Bearer old-form-token", settings).roles == ("admin",)
    bob = principal_for("Bearer new-form-token", settings)
    assert (bob.name, bob.roles) == ("bob", ("reader",))
    with pytest.raises(Unauthorized):
        principal_for("Bearer nobody-token", settings)


@pytest.mark.parametrize(
    "tokens",
    [{"short": "alice"}, {"long-enough": {"principal": "x", "roles": ["root"]}}, {"long-enough": {"roles": []}}],
)
def test_bad_token_settings_are_refused(tokens):
    with pytest.raises(ValueError):
        Settings(api_tokens=tokens)


def test_deployed_tokens_are_compared_by_digest_from_the_secret():
    grant = {"principal": "carol", "roles": ["reviewer"]}
    with mock_aws():
        secrets = boto3.client("secretsmanager", region_name="us-east-1")
        digest = hashlib.sha256(b"carols-long-token").hexdigest()
        secrets.create_secret(Name="tbcv-test-api-tokens", SecretString=json.dumps({digest: grant}))
        settings = Settings(api_token=None, api_tokens={}, api_tokens_secret="tbcv-test-api-tokens")
        carol = principal_for("Bearer carols-long-token", settings)
        assert (carol.name, carol.roles) == ("carol", ("reviewer",))
        with pytest.raises(Unauthorized):
            principal_for(f"Bearer {digest}", settings)  # the digest itself is not a token


def test_make_run_keeps_the_settings_a_user_set(monkeypatch):
    monkeypatch.setenv("TBCV_API_TOKENS", '{"mine-token": "me"}')
    monkeypatch.delenv("TBCV_ALLOWED_ORIGINS", raising=False)
    kept = _keeping_user_settings({"TBCV_API_TOKENS": "{}", "TBCV_ALLOWED_ORIGINS": "[]", "TBCV_AUDIT_TABLE": "t"})
    assert kept == {"TBCV_ALLOWED_ORIGINS": "[]", "TBCV_AUDIT_TABLE": "t"}
    assert os.environ["TBCV_API_TOKENS"] == '{"mine-token": "me"}'
