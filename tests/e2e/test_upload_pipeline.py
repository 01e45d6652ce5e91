"""The asynchronous half against the stack started the way `make run` starts it (free
ports, over HTTP): S3 uploads validated once each through SQS and the local poller, even
when the events are delivered twice; a poison message dead-lettered while its batch
succeeds; validate_prefix workflows with their report, pause/resume and cancel."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote_plus

import boto3
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-pipeline")]

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "aspose-words-java"
PAGES = sorted(CORPUS.rglob("*.md"))


def aws_client(stack, service):
    return boto3.client(
        service,
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def bucket_of(stack):
    status, body, _ = stack.request("GET", "/v1/admin/status")
    assert status == 200, body
    return body["documents_bucket"], body["watched_prefix"]


def upload(stack, prefix, pages):
    bucket, _ = bucket_of(stack)
    s3 = aws_client(stack, "s3")
    keys = []
    for page in pages:
        key = f"{prefix}{page.relative_to(CORPUS).as_posix()}"
        s3.put_object(Bucket=bucket, Key=key, Body=page.read_bytes())
        keys.append(key)
    return keys


def validations_under(stack, prefix):
    """Every stored validation of a key under `prefix` (all pages of list_validations)."""
    found, cursor = [], None
    while True:
        path = "/v1/validations?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page, _ = stack.request("GET", path)
        assert status == 200, page
        found += [v for v in page["items"] if v["document"]["key"].startswith(prefix)]
        cursor = page["next_cursor"]
        if not cursor:
            return found


def wait_until(predicate, timeout=240, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} not reached within {timeout}s")


def queue_is_empty(stack, queue_url):
    attributes = aws_client(stack, "sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def queue_urls(stack):
    sqs = aws_client(stack, "sqs")
    return (
        sqs.get_queue_url(QueueName="tbcv-local-uploads")["QueueUrl"],
        sqs.get_queue_url(QueueName="tbcv-local-uploads-dlq")["QueueUrl"],
    )


def workflow(stack, workflow_id):
    status, body, _ = stack.request("GET", f"/v1/workflows/{workflow_id}")
    assert status == 200, body
    return body


def test_system_status_names_the_bucket_and_watched_prefix(stack):
    bucket, prefix = bucket_of(stack)
    assert bucket == "tbcv-local-documents-123456789012" and prefix == "docs/"


def test_fifty_uploaded_pages_are_validated_once_each_even_when_delivered_twice(stack):
    keys = upload(stack, "docs/e2e-upload/", PAGES[:50])
    wait_until(lambda: len(validations_under(stack, "docs/e2e-upload/")) >= 50, what="50 validations")
    queue_url, _ = queue_urls(stack)
    bucket, _ = bucket_of(stack)
    sqs = aws_client(stack, "sqs")
    for key in keys:  # the same S3 events again, as moto sends them (no version id)
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(
                {
                    "Records": [
                        {
                            "eventSource": "aws:s3",
                            "eventName": "ObjectCreated:Put",
                            "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key), "size": 1}},
                        }
                    ]
                }
            ),
        )
    wait_until(lambda: queue_is_empty(stack, queue_url), what="the redelivered events consumed")
    validations = validations_under(stack, "docs/e2e-upload/")
    assert sorted(v["document"]["key"] for v in validations) == sorted(keys)


def test_a_poison_message_goes_to_the_dlq_while_its_batch_succeeds(stack):
    queue_url, dlq_url = queue_urls(stack)
    sqs = aws_client(stack, "sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody='{"not": "an S3 event"}')
    [key] = upload(stack, "docs/e2e-poison/", PAGES[50:51])
    dead = wait_until(
        lambda: sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages"),
        what="the poison message in the DLQ",
    )
    assert [m["Body"] for m in dead] == ['{"not": "an S3 event"}']
    assert [v["document"]["key"] for v in validations_under(stack, "docs/e2e-poison/")] == [key]


def test_validate_prefix_over_200_pages_reports_counts_matching_the_validations(stack):
    upload(stack, "docs/e2e-prefix/", PAGES[60:260])
    status, created, _ = stack.request(
        "POST", "/v1/workflows", {"workflow_type": "validate_prefix", "params": {"prefix": "docs/e2e-prefix/"}}
    )
    assert status == 201, created
    done = wait_until(
        lambda: (w := workflow(stack, created["workflow_id"]))["state"] != "running" and w,
        timeout=600,
        what="workflow end",
    )
    assert (done["state"], done["total"], done["done"] + done["failed"]) == ("completed", 200, 200)
    items, cursor = [], None
    while True:
        path = f"/v1/workflows/{created['workflow_id']}/report?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, report, _ = stack.request("GET", path)
        items += report["items"]
        cursor = report["next_cursor"]
        if not cursor:
            break
    assert len(items) == 200
    succeeded = [i for i in items if i["status"] == "succeeded"]
    assert len(succeeded) == done["done"]
    listed = {v["validation_id"] for v in validations_under(stack, "docs/e2e-prefix/")}
    assert {i["validation_id"] for i in succeeded} <= listed  # (the uploads' own validations too)
    for item in succeeded:
        status, stored, _ = stack.request("GET", f"/v1/validations/{item['validation_id']}")
        assert (stored["workflow_id"], stored["document"]["key"], stored["outcome"]) == (
            created["workflow_id"],
            item["item"],
            item["outcome"],
        )


def test_pause_holds_every_item_then_resume_completes(stack):
    upload(stack, "docs/e2e-pause/", PAGES[260:300])
    status, created, _ = stack.request("POST", "/v1/validations/folder", {"prefix": "docs/e2e-pause/"})
    assert status == 201, created
    workflow_id = created["workflow_id"]
    status, paused, _ = stack.request("POST", f"/v1/workflows/{workflow_id}/control", {"action": "pause"})
    assert status == 200 and paused["state"] == "paused"
    time.sleep(1)  # items that passed the gate before the pause finish
    held = workflow(stack, workflow_id)
    time.sleep(5)  # several gate rounds while paused
    still = workflow(stack, workflow_id)
    assert still["state"] == "paused"
    assert still["started"] == held["started"] < 40  # none started while paused
    assert still["processed"] == held["processed"]
    status, resumed, _ = stack.request("POST", f"/v1/workflows/{workflow_id}/control", {"action": "resume"})
    assert status == 200 and resumed["state"] == "running"
    done = wait_until(
        lambda: (w := workflow(stack, workflow_id))["state"] != "running" and w, timeout=300, what="workflow end"
    )
    assert (done["state"], done["done"] + done["failed"]) == ("completed", 40)


def test_cancel_stops_with_the_partial_report(stack):
    upload(stack, "docs/e2e-cancel/", PAGES[300:340])
    status, created, _ = stack.request("POST", "/v1/validations/folder", {"prefix": "docs/e2e-cancel/"})
    workflow_id = created["workflow_id"]
    status, cancelled, _ = stack.request(
        "POST", f"/v1/workflows/{workflow_id}/control", {"action": "cancel", "reason": "e2e"}
    )
    assert status == 200 and cancelled["state"] == "cancelled"
    final = wait_until(
        lambda: (w := workflow(stack, workflow_id))["processed"] == w["started"] and w,
        what="the items already past the gate finished",
    )
    time.sleep(3)  # several gate rounds: nothing else starts
    assert workflow(stack, workflow_id) == final
    assert final["state"] == "cancelled" and final["started"] < 40
    status, report, _ = stack.request("GET", f"/v1/workflows/{workflow_id}/report?limit=100")
    assert len(report["items"]) == final["processed"]
    status, _, _ = stack.request("DELETE", f"/v1/workflows/{workflow_id}")
    assert status == 200
