"""export_workflow reads every page of a workflow's items (a report pages at 100)."""

from __future__ import annotations

import csv
import io
import json

import boto3

from chalicelib.runtime import context_for
from chalicelib.store.workflows import WorkflowItem
from tests.integration.test_workflows import call, finished


def _exported(export: dict) -> str:
    if export.get("content") is not None:
        return export["content"]
    bucket = context_for("tester").settings.documents_bucket
    return boto3.client("s3").get_object(Bucket=bucket, Key=export["key"])["Body"].read().decode()


def test_an_export_holds_every_item_of_a_workflow_with_more_than_a_page(aws):
    workflow = call("create_workflow", workflow_type="validate_batch", params={"keys": ["docs/missing.md"]})
    finished(workflow["workflow_id"])
    repository = context_for("tester").workflows
    for index in range(130):
        repository.record_item(
            WorkflowItem(
                workflow_id=workflow["workflow_id"],
                item=f"docs/extra-{index:03}.md",
                status="failed",
                error="not found",
                finished_at="2026-01-01T00:00:00.000000Z",
            )
        )
    as_json = json.loads(_exported(call("export_workflow", workflow_id=workflow["workflow_id"])))
    assert len(as_json["report"]["items"]) == 131
    assert as_json["report"]["next_cursor"] is None
    as_csv = _exported(call("export_workflow", workflow_id=workflow["workflow_id"], format="csv"))
    assert len(list(csv.DictReader(io.StringIO(as_csv)))) == 131
