"""The EMF lines handlers print (CloudWatch turns exactly these into metrics): names,
values, units and dimensions as chalicelib/metrics.py catalogues them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import AUTH

PAGE = "---\ntitle: Converting documents\n---\n\n# Converting documents\n\nApose.Words converts DOCX to PDF.\n"


def _emf(capsys) -> list[dict]:
    """Every EMF document printed since the last call, flattened to name -> value plus
    dimensions, namespace and units."""
    lines = []
    for line in capsys.readouterr().out.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        (dimensions,) = directive["Dimensions"]
        for metric in directive["Metrics"]:
            lines.append(
                {
                    "namespace": directive["Namespace"],
                    "name": metric["Name"],
                    "unit": metric["Unit"],
                    "value": document[metric["Name"]],
                    "dimensions": {d: document[d] for d in dimensions},
                }
            )
    return lines


def _one(lines: list[dict], name: str, **dimensions) -> dict:
    found = [m for m in lines if m["name"] == name and all(m["dimensions"].get(k) == v for k, v in dimensions.items())]
    assert len(found) == 1, (name, dimensions, [m for m in lines if m["name"] == name])
    return found[0]


def _validate(api, content: str = PAGE):
    response = api.http.post(
        "/v1/validations",
        headers=AUTH,
        body=json.dumps({"content": content, "path": "docs/convert.md", "family": "words"}),
    )
    assert response.status_code == 201, response.body
    return response.json_body


@pytest.fixture
def quiet(api, capsys):
    capsys.readouterr()
    return api


def test_a_rest_call_prints_calls_and_latency_by_operation_with_service_and_stage(quiet, capsys):
    _validate(quiet)
    lines = _emf(capsys)
    calls = _one(lines, "ApiCalls", operation="validate_content")
    assert calls["namespace"] == "TBCV" and calls["value"] == [1.0] and calls["unit"] == "Count"
    assert calls["dimensions"] == {"operation": "validate_content", "service": "tbcv", "stage": "local"}
    latency = _one(lines, "ApiLatency", operation="validate_content")
    assert latency["unit"] == "Milliseconds" and latency["value"][0] > 0
    assert not [m for m in lines if m["name"] in ("ApiClientErrors", "ApiServerErrors")]


def test_a_refused_request_counts_as_a_client_error(quiet, capsys):
    response = quiet.http.get("/v1/validations/" + "0" * 32, headers=AUTH)
    assert response.status_code == 404
    assert _one(_emf(capsys), "ApiClientErrors", operation="get_validation")["value"] == [1.0]


def test_a_validation_prints_its_outcome_issues_and_engine_latency(quiet, capsys):
    body = _validate(quiet)
    lines = _emf(capsys)
    assert _one(lines, "ValidationsCompleted", outcome=body["outcome"])["value"] == [1.0]
    by_severity = {m["dimensions"]["severity"]: m["value"][0] for m in lines if m["name"] == "Issues"}
    assert by_severity == {s: float(n) for s, n in body["counts"].items() if n}
    by_rule = {m["dimensions"]["rule"]: m["value"][0] for m in lines if m["name"] == "IssuesByRule"}
    assert sum(by_rule.values()) == sum(body["counts"].values())
    by_category = [m for m in lines if m["name"] == "IssuesByCategory"]
    assert sum(m["value"][0] for m in by_category) == sum(body["counts"].values())
    assert _one(lines, "EngineLatency")["unit"] == "Milliseconds"
    assert _one(lines, "CacheMisses")["value"] == [1.0]


def test_validating_the_same_content_again_is_a_cache_hit(quiet, capsys):
    _validate(quiet)
    capsys.readouterr()
    _validate(quiet)
    lines = _emf(capsys)
    assert _one(lines, "CacheHits")["value"] == [1.0]
    assert not [m for m in lines if m["name"] == "EngineLatency"]


def test_generating_and_approving_recommendations_prints_the_funnel(quiet, capsys):
    validation_id = _validate(quiet)["validation_id"]
    generated = quiet.http.post(f"/v1/validations/{validation_id}/recommendations", headers=AUTH, body="{}")
    created = generated.json_body["created"]
    assert created > 0
    first = generated.json_body["items"][0]["recommendation_id"]
    assert _one(_emf(capsys), "RecommendationsGenerated")["value"] == [float(created)]
    reviewed = quiet.http.post(
        f"/v1/recommendations/{first}/review", headers=AUTH, body=json.dumps({"action": "approve"})
    )
    assert reviewed.status_code == 200, reviewed.body
    assert _one(_emf(capsys), "RecommendationsApproved")["value"] == [1.0]


def test_an_mcp_tool_call_prints_the_tool_and_a_failed_one_its_error_type(quiet, capsys):
    def call(name, arguments):
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        return quiet.http.post(
            "/mcp", headers={**AUTH, "Accept": "application/json, text/event-stream"}, body=json.dumps(body)
        )

    assert call("get_validation", {"validation_id": "0" * 32}).status_code == 200
    lines = _emf(capsys)
    assert _one(lines, "McpCalls", tool="get_validation")["value"] == [1.0]
    assert _one(lines, "McpErrors", error_type="not_found")["value"] == [1.0]


def test_a_step_functions_task_prints_the_operation_it_ran(quiet, capsys):
    from chalice.test import Client

    import app as chalice_app

    with Client(chalice_app.app) as client:
        validation_id = _validate(quiet)["validation_id"]
        capsys.readouterr()
        client.lambda_.invoke(
            "run_operation", {"operation": "get_validation", "arguments": {"validation_id": validation_id}}
        )
    assert _one(_emf(capsys), "StepOperations", operation="get_validation")["value"] == [1.0]
