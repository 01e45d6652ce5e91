"""Query operations after real activity: the figures must match what was done."""

from __future__ import annotations

import json

from chalicelib.ops import invoke
from chalicelib.runtime import context_for
from tests.conftest import AUTH

CLEAN = "---\ntitle: Hello\ndescription: A page that says hello to the reader.\n---\n\n# Hello\n\nSome text.\n"
BROKEN = "# Hello  \n\nSome text.\n"


def call(name, **arguments):
    return invoke(name, context_for("query-test"), arguments)


def validate(api, content, token="test-token", **extra):
    headers = {**AUTH, "Authorization": f"Bearer {token}"}
    response = api.http.post("/v1/validations", headers=headers, body=json.dumps({"content": content, **extra}))
    assert response.status_code == 201, response.body
    return response.json_body


def upload_and_validate(api, key, text):
    import boto3

    boto3.client("s3").put_object(Bucket=context_for("x").settings.documents_bucket, Key=key, Body=text.encode())
    response = api.http.post("/v1/validations/from-s3", headers=AUTH, body=json.dumps({"key": key}))
    assert response.status_code == 201, response.body
    return response.json_body


def test_stats_count_validations_outcomes_issues_and_calls(api):
    made = [
        validate(api, CLEAN, path="en/a.md"),
        validate(api, BROKEN, path="en/b.md"),
        validate(api, BROKEN, path="en/c.md"),
    ]
    api.http.get(f"/v1/validations/{made[0]['validation_id']}", headers=AUTH)
    stats = api.http.get("/v1/stats", headers=AUTH).json_body
    assert stats["validations"] == 3
    expected_outcomes = {"pass": 0, "warning": 0, "fail": 0}
    for item in made:
        expected_outcomes[item["outcome"]] += 1
    assert stats["by_outcome"] == expected_outcomes
    assert stats["by_review_status"] == {"pending": 3, "approved": 0, "rejected": 0}
    assert stats["issues"] == {s: sum(v["counts"][s] for v in made) for s in ("error", "warning", "info")}
    assert stats["documents"] == 3
    assert stats["operations"]["validate_content"] == 3
    assert stats["operations"]["get_validation"] == 1


def test_stats_since_a_future_date_are_empty(api):
    validate(api, CLEAN)
    stats = call("get_stats", since="2999-01-01")
    assert stats["validations"] == 0 and stats["by_outcome"] == {"pass": 0, "warning": 0, "fail": 0}


def test_a_since_that_is_not_a_date_is_400_naming_the_field(api):
    response = api.http.get("/v1/stats?since=2026-13-45", headers=AUTH)
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "since"


def test_audit_log_lists_changes_newest_first_with_actor_and_operation_filters(api):
    first = validate(api, CLEAN)
    second = validate(api, BROKEN, token="reviewer-token")
    api.http.patch(f"/v1/validations/{first['validation_id']}", headers=AUTH, body=json.dumps({"notes": "ok"}))
    events = call("get_audit_log")["items"]
    assert [(e["operation"], e["target_id"]) for e in events[:3]] == [
        ("update_validation", first["validation_id"]),
        ("validate", second["validation_id"]),
        ("validate", first["validation_id"]),
    ]
    by_reviewer = call("get_audit_log", actor="reviewer")["items"]
    assert [e["target_id"] for e in by_reviewer] == [second["validation_id"]]
    updates = call("get_audit_log", operation="update_validation")["items"]
    assert [e["after"] for e in updates] == [{"notes": "ok"}]
    assert call("get_audit_log", target_id=first["validation_id"], operation="validate")["items"][0]["actor"] == "local"


def test_audit_log_pages_with_a_cursor_without_repeating_or_skipping(api):
    made = {validate(api, CLEAN)["validation_id"] for _ in range(5)}
    seen, cursor = [], None
    while True:
        page = call("get_audit_log", limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [e["target_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 5


def test_audit_log_rejects_a_cursor_it_did_not_issue(api):
    response = api.http.get("/v1/audit?cursor=bogus", headers=AUTH)
    assert response.status_code == 400 and response.json_body["error"]["field"] == "cursor"


def test_performance_report_counts_each_call_with_ordered_percentiles(api):
    for _ in range(4):
        validate(api, CLEAN)
    api.http.get("/v1/validations/" + "0" * 32, headers=AUTH)  # a failing call
    report = call("get_performance_report")
    rows = {row["operation"]: row for row in report["operations"]}
    assert rows["validate_content"]["count"] == 4 and rows["validate_content"]["errors"] == 0
    assert rows["get_validation"]["count"] == 1 and rows["get_validation"]["errors"] == 1
    for row in rows.values():
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
    assert report["operations"][0]["operation"] == "validate_content"


def test_performance_report_for_one_operation(api):
    validate(api, CLEAN)
    report = call("get_performance_report", operation="validate_content", hours=1)
    assert [row["operation"] for row in report["operations"]] == ["validate_content"]


def test_health_report_is_healthy_on_a_quiet_stack(api):
    validate(api, CLEAN)
    report = api.http.get("/v1/health-report", headers=AUTH).json_body
    assert report["status"] == "healthy" and report["problems"] == []
    assert report["services"] == {"dynamodb": True, "s3": True, "sqs": True, "stepfunctions": True}
    assert report["calls"] >= 1 and report["errors"] == 0


def test_health_report_is_degraded_by_maintenance_and_failing_operations(api):
    for _ in range(2):
        api.http.get("/v1/validations/" + "0" * 32, headers=AUTH)
    call("enable_maintenance_mode", reason="upgrade")
    report = call("get_health_report")
    assert report["status"] == "degraded"
    assert report["maintenance"] is True
    assert report["failing_operations"]["get_validation"] == 1.0
    assert any(p == "maintenance mode is on: upgrade" for p in report["problems"])


def test_validation_history_of_a_key_is_newest_first_with_a_trend(api):
    made = [upload_and_validate(api, "docs/en/page.md", text) for text in (BROKEN, CLEAN)]
    history = api.http.get("/v1/history?key=docs/en/page.md", headers=AUTH).json_body
    assert [item["validation_id"] for item in history["items"]] == [v["validation_id"] for v in reversed(made)]
    assert history["items"][0]["created_at"] > history["items"][1]["created_at"]
    newest, previous = history["items"][0]["counts"], history["items"][1]["counts"]
    assert history["errors_change"] == newest["error"] - previous["error"]
    assert history["trend"] == "improving"


def test_validation_history_of_an_unknown_key_is_empty(api):
    history = call("get_validation_history", key="docs/never.md")
    assert history["items"] == [] and history["trend"] == "none" and history["next_cursor"] is None


def test_validation_history_of_a_key_validated_once_is_new(api):
    upload_and_validate(api, "docs/once.md", CLEAN)
    history = call("get_validation_history", key="docs/once.md")
    assert len(history["items"]) == 1 and history["trend"] == "new"


def test_audit_log_of_one_actor_pages_with_a_cursor(api):
    made = {validate(api, CLEAN, token="reviewer-token")["validation_id"] for _ in range(3)}
    validate(api, CLEAN)
    first = call("get_audit_log", actor="reviewer", limit=2)
    second = call("get_audit_log", actor="reviewer", limit=2, cursor=first["next_cursor"])
    assert {e["target_id"] for e in first["items"] + second["items"]} == made
    assert second["next_cursor"] is None
