"""The workflow types built on the review lifecycle: generate_recommendations and
enhance_batch over validations, and full_audit (validate → recommend → auto-approve by
policy → enhance) over a prefix, each item through the catalogue's operations."""

from __future__ import annotations

import time

import boto3

from chalicelib.ops import invoke
from chalicelib.runtime import context_for

# trailing spaces (MD009) and a misspelt product name (TR001): both in the auto-apply policy
PAGE = (
    "---\ntitle: Converting documents\nfamily: words\n---\n\n# Converting documents   \n\n"
    "Apose.Words converts DOCX to PDF.\n"
)


def call(operation, **arguments):
    return invoke(operation, context_for("tester"), arguments)


def put(resolver, key, body=PAGE):
    boto3.client("s3").put_object(Bucket=resolver.environment()["TBCV_DOCUMENTS_BUCKET"], Key=key, Body=body.encode())


def finished(workflow_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workflow = call("get_workflow", workflow_id=workflow_id)
        if workflow["state"] not in ("pending", "running"):
            return workflow
        time.sleep(0.1)
    raise AssertionError(f"workflow {workflow_id} still running after {timeout}s")


def items_of(workflow_id):
    return {i["item"]: i for i in call("get_workflow_report", workflow_id=workflow_id)["items"]}


def test_generate_recommendations_drafts_them_for_each_validation(aws):
    put(aws, "docs/rec/a.md")
    put(aws, "docs/rec/b.md")
    ids = [call("validate_file", key=k)["validation_id"] for k in ("docs/rec/a.md", "docs/rec/b.md")]
    missing = "f" * 32
    workflow = call(
        "create_workflow", workflow_type="generate_recommendations", params={"validation_ids": ids + [missing]}
    )
    done = finished(workflow["workflow_id"])
    assert (done["state"], done["done"], done["failed"]) == ("completed", 2, 1)
    items = items_of(workflow["workflow_id"])
    for validation_id in ids:
        listed = call("list_recommendations", validation_id=validation_id)["items"]
        assert items[validation_id]["status"] == "succeeded" and listed
    assert "does not exist" in items[missing]["error"]


def test_enhance_batch_applies_the_approved_recommendations(aws):
    put(aws, "docs/enh/a.md")
    validation_id = call("validate_file", key="docs/enh/a.md")["validation_id"]
    recommendations = call("generate_recommendations", validation_id=validation_id)["items"]
    fix = next(r for r in recommendations if r["rule"] == "MD009")
    call("review_recommendation", recommendation_id=fix["recommendation_id"], action="approve")
    workflow = call("create_workflow", workflow_type="enhance_batch", params={"validation_ids": [validation_id]})
    assert finished(workflow["workflow_id"])["done"] == 1
    enhancement_id = items_of(workflow["workflow_id"])[validation_id]["result"]["enhancement_id"]
    enhancement = call("get_enhancement", enhancement_id=enhancement_id)
    assert enhancement["recommendation_ids"] == [fix["recommendation_id"]]


def test_full_audit_validates_recommends_and_applies_by_policy(aws):
    put(aws, "docs/audit/a.md")
    workflow = call("create_workflow", workflow_type="full_audit", params={"prefix": "docs/audit/"})
    done = finished(workflow["workflow_id"])
    assert (done["state"], done["done"]) == ("completed", 1)
    [item] = items_of(workflow["workflow_id"]).values()
    validation = call("get_validation", validation_id=item["validation_id"])
    assert validation["workflow_id"] == workflow["workflow_id"] and validation["enhanced"] is True
    enhanced, _ = context_for("tester").documents.get("docs/audit/a.md")
    assert b"Aspose.Words" in enhanced and b"documents   \n" not in enhanced
