"""Admin operations on the in-process local AWS: status, maintenance mode, the result
cache, rules, checkpoints and exports."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import boto3

from chalicelib.ops import invoke
from chalicelib.runtime import context_for
from tests.conftest import AUTH, stored

PAGE = "---\ntitle: Hello\n---\n\n# Hello  \n\nSome text.\n"


def call(name, **arguments):
    return invoke(name, context_for("admin-test"), arguments)


def validate(api, content=PAGE, **extra):
    response = api.http.post("/v1/validations", headers=AUTH, body=json.dumps({"content": content, **extra}))
    assert response.status_code == 201, response.body
    return response.json_body


def mcp_call(api, name, arguments):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    return api.http.post("/mcp", headers=AUTH, body=json.dumps(body)).json_body["result"]


# --- status ----------------------------------------------------------------------------------


def test_system_status_names_the_bucket_and_prefix_and_every_service_answers(api):
    status = api.http.get("/v1/admin/status", headers=AUTH).json_body
    assert status["documents_bucket"].startswith("tbcv-local-documents")
    assert status["watched_prefix"] == "docs/"
    assert set(status["services"]) == {"dynamodb", "s3", "sqs", "stepfunctions"}
    assert all(s["ok"] and s["latency_ms"] >= 0 for s in status["services"].values()), status["services"]
    assert status["ok"] is True
    assert {"validations", "audit", "system"} <= set(status["services"]["dynamodb"]["detail"]["tables"])


def test_system_status_reports_the_dead_letter_queue_depth(api):
    sqs = boto3.client("sqs")
    dlq = sqs.get_queue_url(QueueName="tbcv-local-uploads-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="{}")
    detail = call("get_system_status")["services"]["sqs"]["detail"]
    assert detail["dlq_depth"] == 1
    assert detail["dead_letter_queue"] == "tbcv-local-uploads-dlq"


# --- maintenance -----------------------------------------------------------------------------


def test_maintenance_mode_refuses_writes_with_503_and_the_reason_while_reads_work(api):
    created = validate(api)
    response = api.http.post("/v1/admin/maintenance", headers=AUTH, body=json.dumps({"reason": "upgrading tables"}))
    assert response.status_code == 200 and response.json_body["enabled"] is True
    refused = api.http.post("/v1/validations", headers=AUTH, body=json.dumps({"content": PAGE}))
    assert refused.status_code == 503
    assert refused.json_body["error"]["code"] == "unavailable"
    assert "upgrading tables" in refused.json_body["error"]["message"]
    assert api.http.get(f"/v1/validations/{created['validation_id']}", headers=AUTH).status_code == 200
    assert api.http.get("/v1/validations", headers=AUTH).status_code == 200


def test_maintenance_mode_answers_mcp_writes_with_an_error_result_naming_the_reason(api):
    call("enable_maintenance_mode", reason="restoring a checkpoint")
    result = mcp_call(api, "validate_content", {"content": PAGE})
    assert result["isError"] is True
    assert "restoring a checkpoint" in result["content"][0]["text"]
    assert mcp_call(api, "list_validations", {})["isError"] is False


def test_disabling_maintenance_mode_accepts_writes_again_and_both_switches_are_audited(api):
    call("enable_maintenance_mode", reason="short break")
    off = api.http.delete("/v1/admin/maintenance", headers=AUTH)
    assert off.status_code == 200 and off.json_body["enabled"] is False
    validate(api)
    events = call("get_audit_log", target_id="maintenance")["items"]
    assert [e["operation"] for e in events] == ["disable_maintenance_mode", "enable_maintenance_mode"]
    assert events[1]["after"] == {"enabled": True, "reason": "short break"}


def test_maintenance_mode_stops_the_local_upload_consumer_and_resumes_it(api):
    from chalicelib.runtime import use_upload_consumers

    states = []

    class LocalConsumers:
        def switch(self, enabled: bool) -> int:
            states.append(enabled)
            return 1

    use_upload_consumers(LocalConsumers())
    try:
        assert call("enable_maintenance_mode", reason="x")["consumers_switched"] >= 1
        call("disable_maintenance_mode")
    finally:
        use_upload_consumers(None)
    assert states == [False, True]


# --- result cache ------------------------------------------------------------------------------


def test_validating_the_same_content_twice_hits_the_cache_and_skips_the_engine(api, monkeypatch):
    first = validate(api, path="en/a.md")
    from chalicelib.ops import result_cache

    def engine_must_not_run(*args, **kwargs):
        raise AssertionError("the engine ran on a cached page")

    monkeypatch.setattr(result_cache, "validate_document", engine_must_not_run)
    second = validate(api, path="en/a.md")
    assert second["issues"] == first["issues"] and second["outcome"] == first["outcome"]
    assert second["validation_id"] != first["validation_id"]
    stats = call("get_cache_stats")
    assert (stats["entries"], stats["hits"], stats["misses"]) == (1, 1, 1)
    assert stats["hit_rate"] == 0.5


def test_the_cache_key_covers_profile_family_and_path(api):
    validate(api, path="en/a.md")
    validate(api, path="en/b.md")
    validate(api, path="en/a.md", profile="strict")
    assert call("get_cache_stats")["entries"] == 3


def test_clear_cache_removes_every_entry_and_is_audited(api):
    validate(api)
    result = api.http.delete("/v1/admin/cache?reason=ruleset%20bug", headers=AUTH).json_body
    assert result == {"removed": 1, "added": 0, "entries": 0}
    assert call("get_cache_stats")["entries"] == 0
    assert call("get_audit_log", operation="clear_cache")["items"][0]["after"] == {
        "removed": 1,
        "reason": "ruleset bug",
    }


def test_cleanup_cache_drops_only_entries_of_other_ruleset_versions(api):
    validate(api)
    from chalicelib.store.models import SystemEntryModel

    stored(SystemEntryModel)(pk="cache", sk="0" * 64 + "|old-version|-|default|x", data={}).save()
    assert call("cleanup_cache") == {"removed": 1, "added": 0, "entries": 1}


def test_rebuild_cache_fills_the_cache_from_recent_validations(api):
    validate(api, path="en/a.md")
    validate(api, content=PAGE + "More.\n", path="en/b.md")
    call("clear_cache")
    result = call("rebuild_cache", limit=10)
    assert result["added"] == 2 and result["entries"] == 2


# --- rules -----------------------------------------------------------------------------------


def test_list_validators_pages_through_every_rule(api):
    from chalicelib.engine.rules.registry import REGISTRY

    seen, cursor = [], None
    while True:
        page = call("list_validators", limit=40, **({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(REGISTRY)


def test_list_validators_filters_by_category(api):
    items = call("list_validators", category="links")["items"]
    assert items and all(item["category"] == "links" for item in items)


def test_reload_rules_reports_the_ruleset_and_keeps_the_version_when_nothing_changed(api):
    result = call("reload_rules")
    assert result["ruleset_version"] == result["previous_version"]
    assert result["rules"] > 50 and "default" in result["profiles"]


# --- checkpoints -------------------------------------------------------------------------------


def test_a_checkpoint_round_trip_restores_deleted_validations(api):
    kept = validate(api)
    checkpoint = api.http.post("/v1/admin/checkpoints", headers=AUTH, body=json.dumps({"notes": "before cleanup"}))
    assert checkpoint.status_code == 201
    manifest = checkpoint.json_body
    assert manifest["schema_version"] == "tbcv.checkpoint/2"
    assert manifest["tables"]["validations"] == 1
    lines = boto3.client("s3").get_object(Bucket=api_bucket(), Key=manifest["prefix"] + "validations.jsonl")
    assert json.loads(lines["Body"].read().decode().splitlines()[0])["validation_id"] == {"S": kept["validation_id"]}
    assert api.http.delete(f"/v1/validations/{kept['validation_id']}", headers=AUTH).status_code == 200

    restored = call("restore_checkpoint", checkpoint_id=manifest["checkpoint_id"], reason="undo the delete")
    assert restored["restored"]["validations"] == 1
    assert restored["maintenance_was_enabled"] is False
    again = api.http.get(f"/v1/validations/{kept['validation_id']}", headers=AUTH).json_body
    assert again == kept
    assert call("get_system_status")["maintenance"]["enabled"] is False


def test_restoring_an_unknown_checkpoint_is_404(api):
    response = api.http.post(
        f"/v1/admin/checkpoints/{'0' * 32}/restore", headers=AUTH, body=json.dumps({"reason": "test"})
    )
    assert response.status_code == 404
    assert response.json_body["error"]["field"] == "checkpoint_id"


def _checkpoint_with(api, table: str, edit):
    """A checkpoint whose `<table>.jsonl` was then changed by `edit(text) -> text` in S3."""
    validate(api)
    manifest = call("create_checkpoint", notes="to be tampered with")
    key = manifest["prefix"] + f"{table}.jsonl"
    s3 = boto3.client("s3")
    text = s3.get_object(Bucket=api_bucket(), Key=key)["Body"].read().decode()
    s3.put_object(Bucket=api_bucket(), Key=key, Body=edit(text).encode())
    return manifest


def _restore_refused(api, manifest) -> str:
    response = api.http.post(
        f"/v1/admin/checkpoints/{manifest['checkpoint_id']}/restore", headers=AUTH, body=json.dumps({"reason": "t"})
    )
    assert response.status_code == 409, response.body
    assert call("get_system_status")["maintenance"]["enabled"] is False  # refused before anything ran
    return response.json_body["error"]["message"]


def test_a_forged_audit_event_in_a_checkpoint_is_refused(api):
    """Issue 15 row 6: an edited audit.jsonl (an approval by another principal) fails its SHA-256."""

    def forge(text):
        assert '{"S":"local"}' in text
        return text.replace('{"S":"local"}', '{"S":"someone-else"}', 1)

    manifest = _checkpoint_with(api, "audit", forge)
    assert "SHA-256" in _restore_refused(api, manifest)


def test_a_malformed_line_restores_nothing(api):
    kept = validate(api, path="en/kept.md")
    manifest = _checkpoint_with(api, "validations", lambda text: text + "{not json\n")
    api.http.delete(f"/v1/validations/{kept['validation_id']}", headers=AUTH)
    assert "nothing was restored" in _restore_refused(api, manifest)
    assert api.http.get(f"/v1/validations/{kept['validation_id']}", headers=AUTH).status_code == 404


def test_restore_never_rewrites_audit_history_and_reports_what_it_did(api):
    validate(api)
    manifest = call("create_checkpoint", notes="audit kept")
    restored = call("restore_checkpoint", checkpoint_id=manifest["checkpoint_id"], reason="check the report")
    assert restored["audit_events_kept"] == manifest["tables"]["audit"]  # all present already: none overwritten
    assert restored["restored"]["audit"] == 0 and restored["restored"]["validations"] == 1


def api_bucket() -> str:
    return context_for("x").settings.documents_bucket


# --- exports -----------------------------------------------------------------------------------


def test_export_validation_as_json_carries_the_schema_version_and_the_record(api):
    created = validate(api)
    export = api.http.get(f"/v1/admin/exports/validations/{created['validation_id']}", headers=AUTH).json_body
    document = json.loads(export["content"])
    assert export["schema_version"] == document["schema_version"] == "tbcv.export/1"
    assert document["validation"] == created


def test_export_validation_as_csv_has_one_row_per_issue(api):
    created = validate(api)
    export = call("export_validation", validation_id=created["validation_id"], format="csv")
    rows = list(csv.DictReader(io.StringIO(export["content"])))
    assert len(rows) == len(created["issues"]) > 0
    assert rows[0]["rule"] == created["issues"][0]["rule"]


def test_export_validation_as_sarif_is_a_sarif_log(api):
    created = validate(api)
    sarif = json.loads(call("export_validation", validation_id=created["validation_id"], format="sarif")["content"])
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(created["issues"])


def test_a_large_export_goes_to_s3_behind_a_presigned_url(api, monkeypatch):
    from chalicelib.ops.admin import exports

    monkeypatch.setattr(exports, "INLINE_EXPORT_LIMIT", 10)
    created = validate(api)
    export = call("export_validation", validation_id=created["validation_id"])
    assert export["content"] is None and export["size"] > 10
    assert urllib.parse.urlsplit(export["url"]).path.endswith(export["key"])
    body = boto3.client("s3").get_object(Bucket=api_bucket(), Key=export["key"])["Body"].read()
    assert json.loads(body)["validation"]["validation_id"] == created["validation_id"]


def test_export_recommendations_of_a_validation_without_any_is_an_empty_list(api):
    created = validate(api)
    export = json.loads(call("export_recommendations", validation_id=created["validation_id"])["content"])
    assert export["recommendations"] == [] and export["validation_id"] == created["validation_id"]


def test_a_secret_in_a_code_sample_leaves_through_no_output(api):
    """Issue 15 row 4, as reproduced: `password = "hunter2"` in a code block and the same value
    in a bare URL. Neither the MD034 fix, nor the recommendations' edits, nor the JSON, SARIF
    and CSV exports, nor the recommendations' export carry it."""
    page = (
        "---\ntitle: A page with a secret in a sample\n---\n\n# A page with a secret in a sample\n\n"
        'See https://example.com/hunter2 for more.\n\n```java\nString password = "hunter2";\n```\n'
    )
    created = validate(api, content=page)
    assert "MD034" in {issue["rule"] for issue in created["issues"]}
    outputs = [json.dumps(created)]
    recs = api.http.post(f"/v1/validations/{created['validation_id']}/recommendations", headers=AUTH).json_body
    assert any(rec["rule"] == "MD034" for rec in recs["items"])
    outputs.append(json.dumps(recs))
    for fmt in ("json", "sarif", "csv"):
        outputs.append(call("export_validation", validation_id=created["validation_id"], format=fmt)["content"])
    outputs.append(call("export_recommendations", validation_id=created["validation_id"])["content"])
    leaked = [output[:200] for output in outputs if "hunter2" in output]
    assert not leaked
