"""Workflows on the local AWS (in-process moto, the template's state machines run by moto's
interpreter, tasks through the Lambda executor): validate_prefix and validate_batch,
per-item results, pause/resume/cancel at the gate, reports, listing and deletion."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from chalicelib.ops import invoke
from chalicelib.ops.errors import Conflict, InvalidInput, NotFound
from chalicelib.runtime import context_for
from tests.conftest import AUTH, stored

PAGE = "---\ntitle: Converting documents\n---\n\n# Converting documents\n\nText about {n}.\n"


def call(operation, **arguments):
    return invoke(operation, context_for("tester"), arguments)


def put_pages(resolver, prefix, count, body=PAGE):
    bucket = resolver.environment()["TBCV_DOCUMENTS_BUCKET"]
    s3 = boto3.client("s3")
    keys = [f"{prefix}page-{n:03}.md" for n in range(count)]
    for n, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=body.format(n=n).encode())
    return keys


def no_pages(resolver, prefix):
    """A prefix that holds an object but no Markdown page: its workflow ends at once, with a warning."""
    bucket = resolver.environment()["TBCV_DOCUMENTS_BUCKET"]
    boto3.client("s3").put_object(Bucket=bucket, Key=f"{prefix}notes.txt", Body=b"not a page")
    return prefix


def wait_until(predicate, timeout=90, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout}s")


def finished(workflow_id):
    return wait_until(
        lambda: (
            (w := call("get_workflow", workflow_id=workflow_id))["state"] in ("completed", "failed", "cancelled") and w
        ),
        what=f"workflow {workflow_id} end",
    )


def all_items(workflow_id):
    items, cursor = [], None
    while True:
        arguments = {"workflow_id": workflow_id, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = call("get_workflow_report", **arguments)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_validate_prefix_validates_every_markdown_page_once(aws):
    keys = put_pages(aws, "docs/guide/", 12)
    put_pages(aws, "docs/other/", 2)
    boto3.client("s3").put_object(
        Bucket=aws.environment()["TBCV_DOCUMENTS_BUCKET"], Key="docs/guide/image.png", Body=b"\x89PNG"
    )
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/guide/"})
    assert workflow["state"] == "running" and workflow["execution_arn"]
    done = finished(workflow["workflow_id"])
    assert done["state"] == "completed"
    assert (done["total"], done["done"], done["failed"], done["progress_percent"]) == (12, 12, 0, 100.0)
    items = all_items(workflow["workflow_id"])
    assert sorted(i["item"] for i in items) == keys
    for item in items:
        validation = call("get_validation", validation_id=item["validation_id"])
        assert validation["workflow_id"] == workflow["workflow_id"]
        assert validation["document"]["key"] == item["item"]
        assert validation["outcome"] == item["outcome"]


def test_a_prefix_without_any_object_is_refused_at_creation_naming_params_prefix(aws, api):
    with pytest.raises(InvalidInput, match="no object under the prefix 'docs/nothing-here/'") as raised:
        call("validate_folder", prefix="docs/nothing-here/")
    assert raised.value.field == "params.prefix"
    response = api.http.post(
        "/v1/workflows",
        headers=AUTH,
        body=json.dumps({"workflow_type": "full_audit", "params": {"prefix": "docs/nothing-here/"}}),
    )
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "params.prefix"
    assert call("list_workflows")["items"] == []  # nothing half-written


def test_a_prefix_without_markdown_pages_completes_with_a_warning(aws):
    workflow = call("validate_folder", prefix=no_pages(aws, "docs/nothing-here/"))
    done = finished(workflow["workflow_id"])
    assert (done["state"], done["total"], done["done"], done["failed"]) == ("completed", 0, 0, 0)
    assert done["warnings"] == ["no Markdown page (*.md) under 'docs/nothing-here/'"]
    report = call("get_workflow_report", workflow_id=workflow["workflow_id"])
    assert report["items"] == [] and report["workflow"]["warnings"] == done["warnings"]


def test_a_prefix_with_pages_completes_without_warnings(aws):
    put_pages(aws, "docs/some/", 1)
    done = finished(call("validate_folder", prefix="docs/some/")["workflow_id"])
    assert (done["state"], done["done"], done["warnings"]) == ("completed", 1, [])


def test_failed_items_are_recorded_and_the_workflow_still_completes(aws):
    bucket = aws.environment()["TBCV_DOCUMENTS_BUCKET"]
    put_pages(aws, "docs/mixed/", 2)
    boto3.client("s3").put_object(Bucket=bucket, Key="docs/mixed/latin1.md", Body="caf\xe9".encode("latin-1"))
    keys = ["docs/mixed/page-000.md", "docs/mixed/latin1.md", "docs/mixed/gone.md", "docs/mixed/page-001.md"]
    workflow = call("create_workflow", workflow_type="validate_batch", params={"keys": keys})
    done = finished(workflow["workflow_id"])
    assert (done["state"], done["done"], done["failed"]) == ("completed", 2, 2)
    items = {i["item"]: i for i in all_items(workflow["workflow_id"])}
    assert "not UTF-8" in items["docs/mixed/latin1.md"]["error"]
    assert "does not exist" in items["docs/mixed/gone.md"]["error"]
    summary = call("get_workflow_summary", workflow_id=workflow["workflow_id"])
    assert sum(summary["outcomes"].values()) == 2 and sum(summary["errors"].values()) == 2


def test_pause_holds_items_at_the_gate_until_resume(aws):
    put_pages(aws, "docs/pause/", 30)
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/pause/"})
    paused = call("control_workflow", workflow_id=workflow["workflow_id"], action="pause")
    assert paused["state"] == "paused"
    started = lambda: call("get_workflow", workflow_id=workflow["workflow_id"])  # noqa: E731
    from chalicelib.store.workflows import WorkflowModel

    started_at_pause = int(stored(WorkflowModel).get(workflow["workflow_id"], consistent_read=True).started)
    time.sleep(4)  # several gate rounds: every held item asked again and was refused
    record = stored(WorkflowModel).get(workflow["workflow_id"], consistent_read=True)
    assert int(record.started) == started_at_pause
    assert started()["done"] <= started_at_pause < 30
    execution = boto3.client("stepfunctions").describe_execution(executionArn=workflow["execution_arn"])
    assert execution["status"] == "RUNNING"
    assert call("control_workflow", workflow_id=workflow["workflow_id"], action="resume")["state"] == "running"
    done = finished(workflow["workflow_id"])
    assert (done["state"], done["done"]) == ("completed", 30)


def test_cancel_stops_the_workflow_with_a_partial_report(aws):
    put_pages(aws, "docs/cancel/", 30)
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/cancel/"})
    call("control_workflow", workflow_id=workflow["workflow_id"], action="pause")
    cancelled = call("control_workflow", workflow_id=workflow["workflow_id"], action="cancel", reason="wrong prefix")
    assert cancelled["state"] == "cancelled" and "wrong prefix" in cancelled["error"]
    sfn = boto3.client("stepfunctions")
    wait_until(
        lambda: sfn.describe_execution(executionArn=workflow["execution_arn"])["status"] != "RUNNING",
        what="execution end",
    )
    final = call("get_workflow", workflow_id=workflow["workflow_id"])
    assert final["state"] == "cancelled" and final["done"] < 30
    assert len(all_items(workflow["workflow_id"])) == final["done"] + final["failed"]


def test_transitions_outside_the_table_are_409_naming_the_state(aws):
    workflow = call("validate_folder", prefix=no_pages(aws, "docs/nothing-here/"))
    with pytest.raises(Conflict, match="running; cannot become running"):
        call("control_workflow", workflow_id=workflow["workflow_id"], action="resume")
    finished(workflow["workflow_id"])
    with pytest.raises(Conflict, match="completed; cannot become paused"):
        call("control_workflow", workflow_id=workflow["workflow_id"], action="pause")


def test_an_active_workflow_is_deleted_only_with_force_which_cancels_it(aws):
    put_pages(aws, "docs/delete/", 5)
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/delete/"})
    call("control_workflow", workflow_id=workflow["workflow_id"], action="pause")
    with pytest.raises(Conflict, match="paused; cancel it first"):
        call("delete_workflow", workflow_id=workflow["workflow_id"])
    assert call("delete_workflow", workflow_id=workflow["workflow_id"], force=True)["deleted"] is True
    with pytest.raises(NotFound):
        call("get_workflow", workflow_id=workflow["workflow_id"])
    assert all_items_after_delete(workflow["workflow_id"]) == []


def all_items_after_delete(workflow_id):
    from chalicelib.store.workflows import WorkflowItemModel

    return list(stored(WorkflowItemModel).query(workflow_id))


def test_bulk_delete_reports_each_workflow_it_could_not_delete(aws):
    finished_one = call("validate_folder", prefix=no_pages(aws, "docs/empty-a/"))
    finished(finished_one["workflow_id"])
    put_pages(aws, "docs/bulk/", 3)
    active = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/bulk/"})
    call("control_workflow", workflow_id=active["workflow_id"], action="pause")
    missing = "0" * 32
    result = call("bulk_delete_workflows", workflow_ids=[finished_one["workflow_id"], active["workflow_id"], missing])
    assert result["deleted"] == [finished_one["workflow_id"]]
    assert {f["workflow_id"]: f["code"] for f in result["failed"]} == {
        active["workflow_id"]: "conflict",
        missing: "not_found",
    }
    call("control_workflow", workflow_id=active["workflow_id"], action="cancel")


def test_list_workflows_filters_by_state_type_and_time_and_pages(aws):
    first = call("validate_folder", prefix=no_pages(aws, "docs/empty-1/"))
    second = call("create_workflow", workflow_type="validate_batch", params={"keys": ["docs/none.md"]})
    third = call("validate_folder", prefix=no_pages(aws, "docs/empty-2/"))
    for workflow in (first, second, third):
        finished(workflow["workflow_id"])
    ids = [w["workflow_id"] for w in call("list_workflows", limit=10)["items"]]
    assert ids == [third["workflow_id"], second["workflow_id"], first["workflow_id"]]
    by_type = call("list_workflows", workflow_type="validate_batch")["items"]
    assert [w["workflow_id"] for w in by_type] == [second["workflow_id"]]
    assert call("list_workflows", state="running")["items"] == []
    window = call("list_workflows", created_from=second["created_at"], created_to=second["created_at"])
    assert [w["workflow_id"] for w in window["items"]] == [second["workflow_id"]]
    page_one = call("list_workflows", limit=2)
    page_two = call("list_workflows", limit=2, cursor=page_one["next_cursor"])
    assert [w["workflow_id"] for w in page_one["items"] + page_two["items"]] == ids


@pytest.mark.parametrize(
    "workflow_type, params, field",
    [
        ("validate_prefix", {"prefix": "other/"}, "params.prefix"),
        ("validate_prefix", {"prefix": "docs/../secret/"}, "params.prefix"),
        ("validate_prefix", {}, "params.prefix"),
        ("validate_batch", {"keys": []}, "params.keys"),
        ("validate_batch", {"keys": ["/etc/passwd"]}, "params.keys.0"),
        ("validate_batch", {"keys": ["docs/a.md"], "colour": "red"}, "params.colour"),
    ],
)
def test_bad_workflow_parameters_are_400_naming_the_field(aws, workflow_type, params, field):
    with pytest.raises(InvalidInput) as raised:
        call("create_workflow", workflow_type=workflow_type, params=params)
    assert raised.value.field == field


def test_an_unknown_workflow_type_is_400(api):
    response = api.http.post(
        "/v1/workflows", headers=AUTH, body=json.dumps({"workflow_type": "make_coffee", "params": {}})
    )
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["field"] == "workflow_type"


def test_the_rest_routes_create_control_and_report(api, aws):
    put_pages(aws, "docs/rest/", 3)
    response = api.http.post("/v1/validations/folder", headers=AUTH, body=json.dumps({"prefix": "docs/rest/"}))
    assert response.status_code == 201
    workflow_id = json.loads(response.body)["workflow_id"]
    finished(workflow_id)
    report = json.loads(api.http.get(f"/v1/workflows/{workflow_id}/report?limit=2", headers=AUTH).body)
    assert len(report["items"]) == 2 and report["next_cursor"]
    summary = json.loads(api.http.get(f"/v1/workflows/{workflow_id}/summary", headers=AUTH).body)
    assert summary["done"] == 3 and summary["duration_seconds"] >= 0
    response = api.http.post(f"/v1/workflows/{workflow_id}/control", headers=AUTH, body=json.dumps({"action": "pause"}))
    assert response.status_code == 409
    assert "completed" in json.loads(response.body)["error"]["message"]
    assert api.http.delete(f"/v1/workflows/{workflow_id}", headers=AUTH).status_code == 200


def test_every_state_change_writes_an_audit_event(aws):
    workflow = call("validate_folder", prefix=no_pages(aws, "docs/nothing-here/"))
    finished(workflow["workflow_id"])
    events = context_for("tester").audit.for_target(workflow["workflow_id"]).items
    states = [(e.operation, (e.before or {}).get("state"), (e.after or {}).get("state")) for e in reversed(events)]
    assert states == [
        ("create_workflow", None, "pending"),
        ("start_workflow", "pending", "running"),
        ("finish_workflow", "running", "completed"),
    ]


def test_revalidate_validates_the_document_again_naming_its_parent(aws):
    put_pages(aws, "docs/re/", 1)
    first = call("validate_file", key="docs/re/page-000.md", family="words")
    again = call("revalidate", validation_id=first["validation_id"])
    assert again["validation_id"] != first["validation_id"]
    assert again["parent_validation_id"] == first["validation_id"]
    assert (again["document"]["key"], again["family"]) == ("docs/re/page-000.md", "words")


def test_maintenance_mode_holds_items_at_the_gate_until_it_ends(aws):
    from chalicelib.store.workflows import WorkflowModel

    put_pages(aws, "docs/maintenance/", 30)
    workflow = call("create_workflow", workflow_type="validate_prefix", params={"prefix": "docs/maintenance/"})
    call("enable_maintenance_mode", reason="upgrade")
    time.sleep(1)  # items that passed the gate before it finish
    started = int(stored(WorkflowModel).get(workflow["workflow_id"], consistent_read=True).started)
    time.sleep(4)
    assert int(stored(WorkflowModel).get(workflow["workflow_id"], consistent_read=True).started) == started < 30
    assert call("get_workflow", workflow_id=workflow["workflow_id"])["state"] == "running"
    call("disable_maintenance_mode")
    assert finished(workflow["workflow_id"])["done"] == 30


def test_a_retried_validation_with_the_same_id_is_stored_once(aws):
    from chalicelib.ops.validation import stable_id, validate_stored

    put_pages(aws, "docs/retry/", 1)
    context = context_for("tester")
    validation_id = stable_id("workflow", "docs/retry/page-000.md")
    first = validate_stored(context, "docs/retry/page-000.md", None, validation_id=validation_id)
    again = validate_stored(context, "docs/retry/page-000.md", None, validation_id=validation_id)
    assert again.validation_id == first.validation_id and again.created_at == first.created_at
    assert len(call("list_validations", key="docs/retry/page-000.md")["items"]) == 1
