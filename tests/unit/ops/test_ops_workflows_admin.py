"""Workflows and admin operations on the fake ports: starting a workflow, maintenance mode,
the result cache, rules, status and checkpoints."""

from __future__ import annotations

import pytest

from chalicelib.ops.errors import InvalidInput, NotFound, Unavailable


def test_create_workflow_stores_it_running_and_starts_its_execution(world, call):
    keys = ["docs/en/a.md", "docs/en/b.md"]
    workflow = call("create_workflow", workflow_type="validate_batch", params={"keys": keys})
    assert workflow["state"] == "running" and workflow["total"] == 2
    (workflow_type, name, payload) = world.executions.started[0]
    assert (workflow_type, payload["workflow_id"], payload["items"]) == ("validate_batch", name, keys)
    assert workflow["execution_arn"] == world.workflows.get(name).execution_arn
    assert world.audit.operations() == ["create_workflow", "start_workflow"]


def test_a_workflow_whose_execution_cannot_start_is_failed_with_the_reason(world, call):
    world.executions.failure = RuntimeError("throttled")
    with pytest.raises(Unavailable):
        call("create_workflow", workflow_type="validate_batch", params={"keys": ["docs/en/a.md"]})
    (record,) = world.workflows.records.values()
    assert record.state == "failed" and "throttled" in record.error


def test_a_prefix_without_objects_is_refused_naming_the_field(world, call):
    with pytest.raises(InvalidInput) as refused:
        call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/none/"})
    assert refused.value.field == "params.prefix"
    world.documents.put("docs/some/page.md", b"# Page\n")
    assert call("validate_folder", prefix="docs/some/")["workflow_type"] == "validate_prefix"


def test_maintenance_mode_switches_the_consumers_and_refuses_writes_not_reads(world, call):
    enabled = call("enable_maintenance_mode", reason="upgrade")
    assert enabled["enabled"] and enabled["consumers_switched"] == 1
    with pytest.raises(Unavailable) as refused:
        call("validate_content", content="# Title\n")
    assert "upgrade" in refused.value.message
    assert call("list_validations")["items"] == []
    assert call("get_maintenance_status")["reason"] == "upgrade"
    call("disable_maintenance_mode", reason="done")
    assert world.consumers.states == [False, True]
    assert call("validate_content", content="# Title\n")["validation_id"]


def test_cache_statistics_cleanup_and_clear(world, call):
    call("validate_content", content="# One\n", path="a.md")
    call("validate_content", content="# Two\n", path="b.md")
    world.result_cache.put("0" * 64 + "|old-version|-|default|x", {}, 2)
    stats = call("get_cache_stats")
    assert stats["entries"] == 3 and stats["by_ruleset_version"]["old-version"] == 1
    assert call("cleanup_cache") == {"removed": 1, "added": 0, "entries": 2}
    assert call("clear_cache", reason="bug") == {"removed": 2, "added": 0, "entries": 0}
    assert world.audit.events[-1].after == {"removed": 2, "reason": "bug"}


def test_rebuild_cache_warms_it_from_the_newest_validations(world, call):
    call("validate_content", content="# One\n", path="a.md")
    world.result_cache.clear()
    assert call("rebuild_cache", limit=10) == {"removed": 0, "added": 1, "entries": 1}


def test_reload_rules_goes_through_the_rules_port(world, call):
    result = call("reload_rules", reason="new profile")
    assert world.rules.reloads == 1
    assert result["ruleset_version"] == result["previous_version"] and result["rules"] > 50


def test_system_status_reports_every_probe_and_the_maintenance_state(world, call):
    status = call("get_system_status")
    assert status["ok"] and set(status["services"]) == {"dynamodb", "s3", "sqs", "stepfunctions"}
    assert status["ruleset_version"] == world.rules.current().version
    world.infra.dlq_depth = 2
    health = call("get_health_report")
    assert health["status"] == "degraded" and health["dead_letter_messages"] == 2


def test_a_checkpoint_is_written_and_restored_under_maintenance_mode(world, call):
    world.infra.items["fake-system"] = [{"pk": {"S": "figures"}, "n": {"N": "1"}}]
    checkpoint = call("create_checkpoint", notes="before upgrade")
    assert checkpoint["tables"] == {"system": 1}
    world.infra.items["fake-system"] = []
    restored = call("restore_checkpoint", checkpoint_id=checkpoint["checkpoint_id"], reason="rollback")
    assert restored["restored"] == {"system": 1} and not restored["maintenance_was_enabled"]
    assert world.infra.items["fake-system"] == [{"pk": {"S": "figures"}, "n": {"N": "1"}}]
    assert world.consumers.states == [False, True]
    with pytest.raises(NotFound):
        call("restore_checkpoint", checkpoint_id="0" * 32, reason="x")


def test_operations_record_their_timings_for_the_performance_report(world, call):
    call("list_validations")
    report = call("get_performance_report", operation="list_validations")
    assert [row["operation"] for row in report["operations"]] == ["list_validations"]
