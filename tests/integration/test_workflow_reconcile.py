"""Cancel stops the Step Functions execution; the reconciler marks workflows whose
execution ended without a result (stopped outside TBCV, lost on a restart)."""

from __future__ import annotations

from uuid import uuid4

import boto3
import pytest

from chalicelib.ops import workflow as workflow_ops
from tests.integration.test_workflows import call, put_pages, wait_until


@pytest.fixture
def reconcile_at_once(monkeypatch):
    monkeypatch.setattr(workflow_ops, "RECONCILE_AFTER_SECONDS", 0)


def paused_workflow(aws, prefix):
    put_pages(aws, prefix, 5)
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": prefix})
    call("control_workflow", workflow_id=workflow["workflow_id"], action="pause")
    # the execution has run its first task (moto cannot stop an execution before that)
    wait_until(lambda: call("get_workflow", workflow_id=workflow["workflow_id"])["total"] == 5, what="listing")
    return workflow


@pytest.fixture
def stops(monkeypatch):
    """The StopExecution calls the operations make (each still goes to Step Functions).
    moto's interpreter does not end an execution whose Map waits at the gate when it is
    stopped (its status stays RUNNING), so the calls are what can be checked here."""
    from chalicelib.aws.workflows import ExecutionStarter

    calls = []
    real_stop = ExecutionStarter.stop

    def stop(self, execution_arn, cause):
        calls.append((execution_arn, cause))
        real_stop(self, execution_arn, cause)

    monkeypatch.setattr(ExecutionStarter, "stop", stop)
    return calls


def test_cancel_stops_the_execution(aws, stops):
    workflow = paused_workflow(aws, "docs/stop/")
    cancelled = call("control_workflow", workflow_id=workflow["workflow_id"], action="cancel", reason="wrong prefix")
    assert cancelled["state"] == "cancelled" and cancelled["warnings"] == []
    assert stops == [(workflow["execution_arn"], "cancelled by tester: wrong prefix")]


def test_delete_with_force_stops_the_execution(aws, stops):
    workflow = paused_workflow(aws, "docs/stop-delete/")
    call("delete_workflow", workflow_id=workflow["workflow_id"], force=True)
    assert stops == [(workflow["execution_arn"], "deleted with force by tester")]


def test_a_cancel_whose_stop_fails_still_holds_and_says_so(aws, monkeypatch):
    from chalicelib.aws.workflows import ExecutionStarter

    def unreachable(self, execution_arn, cause):
        raise ConnectionError("Step Functions unreachable")

    monkeypatch.setattr(ExecutionStarter, "stop", unreachable)
    workflow = paused_workflow(aws, "docs/stop-fails/")
    cancelled = call("control_workflow", workflow_id=workflow["workflow_id"], action="cancel")
    assert cancelled["state"] == "cancelled"
    assert "could not be stopped (Step Functions unreachable)" in cancelled["warnings"][0]


def workflow_with_execution(state, execution_arn):
    """A workflow record whose execution is `execution_arn` (no execution of its own runs)."""
    from chalicelib.runtime import context_for
    from chalicelib.store.records import AuditEvent, utc_now
    from chalicelib.store.workflows import WorkflowRecord

    now = utc_now()
    record = WorkflowRecord(
        workflow_id=uuid4().hex,
        workflow_type="validate_prefix",
        params={"prefix": "docs/dead/"},
        state=state,
        total=3,
        done=1,
        execution_arn=execution_arn,
        created_by="tester",
        created_at=now,
        updated_at=now,
        started_at=now,
    )
    event = AuditEvent.new(actor="tester", operation="test", target_type="workflow", target_id=record.workflow_id)
    context_for("tester").workflows.create(record, event)
    return record.workflow_id


def ended_execution(aws):
    """The execution of a workflow that completed (SUCCEEDED)."""
    put_pages(aws, "docs/ended/", 1)
    workflow = call("validate_folder", prefix="docs/ended/")
    wait_until(lambda: call("get_workflow", workflow_id=workflow["workflow_id"])["state"] == "completed")
    # the record completes in the last step, a moment before the execution itself ends
    sfn = boto3.client("stepfunctions")
    wait_until(lambda: sfn.describe_execution(executionArn=workflow["execution_arn"])["status"] != "RUNNING")
    return workflow["execution_arn"]


def test_a_running_workflow_whose_execution_ended_is_marked_failed(aws, reconcile_at_once):
    workflow_id = workflow_with_execution("running", ended_execution(aws))
    seen = call("get_workflow", workflow_id=workflow_id)
    assert seen["state"] == "failed" and "ended (SUCCEEDED)" in seen["error"] and seen["finished_at"]
    assert call("list_workflows", state="running")["items"] == []


def test_a_paused_workflow_whose_execution_is_gone_is_cancelled_from_the_list(aws, reconcile_at_once):
    arn = ended_execution(aws).rsplit(":", 1)[0] + ":never-started"  # e.g. lost on a restart
    workflow_id = workflow_with_execution("paused", arn)
    listed = {w["workflow_id"]: w for w in call("list_workflows")["items"]}
    assert listed[workflow_id]["state"] == "cancelled"
    assert "ended (MISSING)" in listed[workflow_id]["error"]


def test_a_workflow_updated_recently_is_not_asked_about(aws):
    workflow_id = workflow_with_execution("running", ended_execution(aws))
    assert call("get_workflow", workflow_id=workflow_id)["state"] == "running"


def test_a_workflow_whose_execution_runs_is_left_alone(aws, reconcile_at_once):
    workflow = paused_workflow(aws, "docs/alive/")
    assert call("get_workflow", workflow_id=workflow["workflow_id"])["state"] == "paused"
    call("control_workflow", workflow_id=workflow["workflow_id"], action="cancel")
