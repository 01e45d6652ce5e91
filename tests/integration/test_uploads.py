"""The upload pipeline on the local AWS: S3 ObjectCreated → SQS → `on_sqs_message` (the
real Chalice handler with Powertools batch processing, driven by the local poller):
one validation per object version, duplicates ignored, bad input recorded as skips,
poison messages dead-lettered, consumption switchable for maintenance mode."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import boto3
import pytest

import app as chalice_app
from chalicelib.aws.queue import EventSourceMappings
from chalicelib.ops import invoke
from chalicelib.ops.uploads import NotAnUploadEvent, parse_message
from chalicelib.runtime import context_for
from local_aws.sqs_poller import PollerSwitch, SqsPoller

PAGE = "---\ntitle: Converting documents\n---\n\n# Converting documents\n\nAspose.Words converts.\n"


@pytest.fixture
def pipeline(aws):
    env = aws.environment()
    sqs = boto3.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=env["TBCV_UPLOAD_QUEUE"])["QueueUrl"]
    dlq_url = sqs.get_queue_url(QueueName=f"{env['TBCV_UPLOAD_QUEUE']}-dlq")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.purge_queue(QueueUrl=queue_url)  # S3's test event from the bootstrap
    poller = SqsPoller(
        queue_url, queue_arn, chalice_app.app.handler_map["on_sqs_message"], visibility_timeout=0, wait_seconds=0
    )
    return Pipeline(env["TBCV_DOCUMENTS_BUCKET"], sqs, queue_url, dlq_url, poller)


class Pipeline:
    def __init__(self, bucket, sqs, queue_url, dlq_url, poller):
        self.bucket, self.sqs, self.queue_url, self.dlq_url, self.poller = bucket, sqs, queue_url, dlq_url, poller
        self.s3 = boto3.client("s3")

    def put(self, key, body=PAGE, metadata=None):
        return self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=body.encode() if isinstance(body, str) else body, Metadata=metadata or {}
        )["VersionId"]

    def drain(self, rounds=8):
        for _ in range(rounds):
            if not self.poller.poll_once():
                return

    def send(self, body):
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)

    def event(self, key, size=100, version_id=None):
        obj = {"key": quote_plus(key), "size": size, **({"versionId": version_id} if version_id else {})}
        return json.dumps(
            {
                "Records": [
                    {
                        "eventSource": "aws:s3",
                        "eventName": "ObjectCreated:Put",
                        "s3": {"bucket": {"name": self.bucket}, "object": obj},
                    }
                ]
            }
        )


def history(key):
    return invoke("list_validations", context_for("tester"), {"key": key})["items"]


def ledger(bucket, key, version_id):
    return context_for("tester").uploads.get(f"{bucket}/{key}#{version_id}")


def test_an_uploaded_page_is_validated_once_for_its_version(pipeline):
    version = pipeline.put("docs/en/convert.md")
    pipeline.drain()
    [validation] = history("docs/en/convert.md")
    assert validation["document"]["version_id"] == version  # HeadObject: moto's event has no version id
    assert validation["created_by"] == "s3-upload"
    assert ledger(pipeline.bucket, "docs/en/convert.md", version).status == "validated"


def test_the_same_events_delivered_again_create_no_second_validation(pipeline):
    pipeline.put("docs/en/twice.md")
    pipeline.send(pipeline.event("docs/en/twice.md"))  # a duplicate delivery of the same version
    pipeline.drain()
    pipeline.send(pipeline.event("docs/en/twice.md"))
    pipeline.drain()
    assert len(history("docs/en/twice.md")) == 1


def test_each_new_version_is_validated(pipeline):
    pipeline.put("docs/en/edited.md")
    pipeline.drain()
    pipeline.put("docs/en/edited.md", PAGE + "\nMore text.\n")
    pipeline.drain()
    assert len({v["document"]["version_id"] for v in history("docs/en/edited.md")}) == 2


def test_keys_arrive_url_encoded_and_are_decoded(pipeline):
    pipeline.put("docs/en/a page+plus.md")
    pipeline.drain()
    assert len(history("docs/en/a page+plus.md")) == 1


def test_family_and_profile_come_from_object_metadata(pipeline):
    pipeline.put("docs/en/cells.md", metadata={"tbcv-family": "cells", "tbcv-profile": "strict"})
    pipeline.drain()
    [validation] = history("docs/en/cells.md")
    assert (validation["family"], validation["profile"]) == ("cells", "strict")


@pytest.mark.parametrize(
    "key, size, reason",
    [
        ("docs/en/picture.png", 100, "not a Markdown"),
        ("docs/en/huge.md", 5 * 1024 * 1024, "the limit is"),
        ("docs/../secrets.md", 100, "not a safe key"),
        ("elsewhere/page.md", 100, "not a safe key under 'docs/'"),
    ],
)
def test_bad_objects_are_recorded_as_skips_and_not_retried(pipeline, key, size, reason):
    pipeline.send(pipeline.event(key, size=size, version_id="v1"))
    pipeline.drain()
    record = ledger(pipeline.bucket, key, "v1")
    assert record.status == "skipped" and reason in record.reason and record.validation_id is None
    assert "Messages" not in pipeline.sqs.receive_message(QueueUrl=pipeline.dlq_url)


def test_an_object_deleted_before_processing_is_a_recorded_skip(pipeline):
    pipeline.send(pipeline.event("docs/en/deleted.md"))
    pipeline.drain()
    assert (
        ledger(pipeline.bucket, "docs/en/deleted.md", "unknown").reason == "object was deleted before it was processed"
    )


def test_a_page_that_is_not_utf8_is_a_recorded_error(pipeline):
    version = pipeline.put("docs/en/latin1.md", "caf\xe9".encode("latin-1"))
    pipeline.drain()
    record = ledger(pipeline.bucket, "docs/en/latin1.md", version)
    assert record.status == "error" and "not UTF-8" in record.reason


def test_a_poison_message_ends_in_the_dlq_while_its_batch_succeeds(pipeline):
    pipeline.put("docs/en/good.md")
    pipeline.send("this is not an S3 event")
    pipeline.drain(rounds=12)
    assert len(history("docs/en/good.md")) == 1
    dead = pipeline.sqs.receive_message(
        QueueUrl=pipeline.dlq_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert [m["Body"] for m in dead] == ["this is not an S3 event"]


def test_messages_that_are_not_s3_events_are_rejected():
    for body in ("not json", "[1]", '{"Records": []}', '{"Records": [{"s3": {}}]}'):
        with pytest.raises(NotAnUploadEvent):
            parse_message(body)
    assert parse_message('{"Event": "s3:TestEvent", "Bucket": "b"}') == []


def test_consumption_can_be_switched_off_and_messages_stay_queued(pipeline):
    consumers = PollerSwitch([pipeline.poller])
    assert consumers.switch(False) == 1
    assert not pipeline.poller.enabled.is_set()
    pipeline.put("docs/en/held.md")
    queued = pipeline.sqs.get_queue_attributes(
        QueueUrl=pipeline.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert queued["Attributes"]["ApproximateNumberOfMessages"] == "1"
    consumers.switch(True)
    assert pipeline.poller.enabled.is_set()


def test_without_a_local_switch_the_event_source_mappings_are_switched(aws):
    assert EventSourceMappings("tbcv-local-on_sqs_message").switch(False) == 0


def _enhance(key):
    """Validate, approve the trailing-space fix and apply it: TBCV writes a new version."""
    context = context_for("tester")
    validation_id = invoke("validate_file", context, {"key": key})["validation_id"]
    recommendations = invoke("generate_recommendations", context, {"validation_id": validation_id})["items"]
    fix = next(r for r in recommendations if r["rule"] == "MD009")
    invoke("review_recommendation", context, {"recommendation_id": fix["recommendation_id"], "action": "approve"})
    return invoke("apply_enhancement", context, {"validation_id": validation_id})


def test_a_version_written_by_an_enhancement_is_linked_not_validated_again(pipeline):
    pipeline.put("docs/en/enhanced.md", "# Title   \n\nText.\n")
    pipeline.drain()
    enhancement = _enhance("docs/en/enhanced.md")
    pipeline.drain()
    record = ledger(pipeline.bucket, "docs/en/enhanced.md", enhancement["result_version"])
    assert (record.status, record.enhancement_id) == ("revalidation", enhancement["enhancement_id"])
    revalidations = [
        v for v in history("docs/en/enhanced.md") if v["document"]["version_id"] == enhancement["result_version"]
    ]
    assert [v["validation_id"] for v in revalidations] == [record.validation_id]
    assert revalidations[0]["enhanced"] is False  # nothing was applied to it


def test_a_rollback_version_is_validated_as_the_enhancements_revalidation(pipeline):
    pipeline.put("docs/en/rolled.md", "# Title   \n\nText.\n")
    pipeline.drain()
    enhancement = _enhance("docs/en/rolled.md")
    pipeline.drain()
    rolled = invoke(
        "rollback_enhancement",
        context_for("tester"),
        {"enhancement_id": enhancement["enhancement_id"], "reason": "test"},
    )
    pipeline.drain()
    latest = context_for("tester").documents.head("docs/en/rolled.md").version_id
    record = ledger(pipeline.bucket, "docs/en/rolled.md", latest)
    assert (record.status, record.enhancement_id) == ("revalidation", rolled["enhancement_id"])
    validation = invoke("get_validation", context_for("tester"), {"validation_id": record.validation_id})
    assert validation["parent_validation_id"] == enhancement["validation_id"]
