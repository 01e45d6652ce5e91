"""Issue 15 row 7: roles decide who may do what. Every operation of every category is called
as a reader, a reviewer and an admin over REST and MCP, and one per category through the CLI:
an operation above the caller's role is refused (403 / isError `forbidden` / exit 1), naming
the role it needs, and the refusal is audited; one within it gets past authorisation (its
arguments are then refused as unknown, so nothing runs)."""

from __future__ import annotations

import io
import json
import re

import pytest
import typer

from chalicelib.ops import CATALOGUE
from chalicelib.ops.catalogue import CATEGORIES, granted, may_run
from chalicelib.settings import ROLES
from tests.conftest import AUTH

TOKENS = {"reader": "role-reader-token", "reviewer": "role-reviewer-token", "admin": "role-admin-token"}
PRINCIPALS = {"reader": "rita", "reviewer": "rene", "admin": "ada"}
PROBE = {"matrix_probe": 1}  # an unknown argument: an authorised call stops at validation


def _headers(role):
    return {**AUTH, "Authorization": f"Bearer {TOKENS[role]}"}


def _rest(api, op, role):
    path = re.sub(r"\{[a-z_]+\}", "0" * 32, op.path)
    if op.method in ("GET",):
        return api.http.get(f"{path}?matrix_probe=1", headers=_headers(role))
    return getattr(api.http, op.method.lower())(path, headers=_headers(role), body=json.dumps(PROBE))


def _mcp(api, op, role):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": op.name, "arguments": PROBE}}
    response = api.http.post("/mcp", headers=_headers(role), body=json.dumps(body))
    assert response.status_code == 200, response.body
    return response.json_body["result"]


def test_the_declared_roles_follow_the_policy():
    assert {op.role for op in CATALOGUE.values()} == set(ROLES)
    for op in CATALOGUE.values():
        expected = "reader" if op.read_only else "admin" if op.category == "admin" else "reviewer"
        assert op.role == expected or (op.name, op.role) == ("delete_validation", "admin"), op.name
    assert granted(["reviewer"]) == {"reader", "reviewer"} and granted(["nonsense"]) == frozenset()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_in_each_category_over_rest_and_mcp(api, role):
    ops = sorted(CATALOGUE.values(), key=lambda op: CATEGORIES.index(op.category))
    assert {op.category for op in ops} == set(CATEGORIES)
    for op in ops:
        allowed = may_run([role], op.name)
        rest, tool = _rest(api, op, role), _mcp(api, op, role)
        if allowed:
            assert rest.status_code != 403, (op.name, rest.body)
            assert not tool["content"][0]["text"].startswith("forbidden"), op.name
        else:
            assert rest.status_code == 403, (op.name, role, rest.status_code)
            error = rest.json_body["error"]
            assert (error["code"], error["field"]) == ("forbidden", "role")
            assert f"needs the '{op.role}' role" in error["message"]
            assert tool["isError"] and tool["content"][0]["text"].startswith(f"forbidden: {op.name} needs the")


def test_a_denied_attempt_is_audited(api):
    response = api.http.post("/v1/admin/checkpoints", headers=_headers("reader"), body="{}")
    assert response.status_code == 403
    log = api.http.get("/v1/audit?actor=rita", headers=AUTH).json_body["items"]
    denied = [event for event in log if event["operation"] == "create_checkpoint"]
    assert denied and denied[0]["after"]["denied"] is True and denied[0]["after"]["needs"] == "admin"


# One CLI path per category; its tool's role decides the outcome.
CLI_CALLS = {
    "validation": ("delete_validation", {"validation_id": "0" * 32}),
    "approval": ("approve", {"validation_id": "0" * 32}),
    "enhancement": ("rollback_enhancement", {"enhancement_id": "0" * 32}),
    "recommendation": ("generate_recommendations", {"validation_id": "0" * 32}),
    "workflow": ("list_workflows", {}),
    "admin": ("clear_cache", {"reason": "role matrix"}),
    "query": ("get_stats", {}),
}


@pytest.fixture
def cli_over(api, monkeypatch):
    """The CLI's MCP client, its HTTP call answered by the app in-process."""
    import tbcv_cli.client as client_module

    class _Answer(io.BytesIO):
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout=None):
        headers = dict(request.header_items())
        response = api.http.post("/mcp", headers=headers, body=request.data)
        return _Answer(response.body)

    monkeypatch.setattr(client_module.urllib.request, "urlopen", urlopen)
    monkeypatch.setenv("TBCV_API_URL", "http://127.0.0.1:1")
    return monkeypatch


@pytest.mark.parametrize("role", ROLES)
def test_the_cli_refuses_clearly_what_the_role_cannot_do(cli_over, capsys, role):
    from tbcv_cli.commands._common import call

    cli_over.setenv("TBCV_API_TOKEN", TOKENS[role])
    assert set(CLI_CALLS) == set(CATEGORIES)
    for category, (tool, arguments) in CLI_CALLS.items():
        try:
            call(tool, **arguments)
            code = 0
        except typer.Exit as exit_:
            code = exit_.exit_code
        err = capsys.readouterr().err
        if may_run([role], tool):
            assert "forbidden" not in err, (category, err)
        else:
            assert code == 1 and f"forbidden: {tool} needs the '{CATALOGUE[tool].role}' role" in err, (category, err)
            assert PRINCIPALS[role] in err
