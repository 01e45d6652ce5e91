"""The local SQS poller behaves like Lambda's event source mapping: batches, partial
batch failures retried, poison messages redriven to the DLQ, an enabled flag."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws

from local_aws.sqs_poller import SqsPoller


@pytest.fixture
def queues():
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queue = sqs.create_queue(
            QueueName="jobs",
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})},
        )["QueueUrl"]
        yield sqs, queue, dlq


class Handler:
    """Fails records whose body is 'poison', as a Powertools batch handler would report."""

    def __init__(self):
        self.batches = []

    def __call__(self, event, context):
        self.batches.append([r["body"] for r in event["Records"]])
        return {
            "batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "poison"]
        }


def drain(poller, rounds=10):
    for _ in range(rounds):
        poller.poll_once()


def test_a_batch_is_delivered_as_one_lambda_sqs_event(queues):
    sqs, queue, _ = queues
    for n in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{n}")
    handler = Handler()
    poller = SqsPoller(queue, "arn:aws:sqs:us-east-1:123456789012:jobs", handler, batch_size=10, wait_seconds=0)
    assert poller.poll_once() == 3
    assert sorted(handler.batches[0]) == ["m0", "m1", "m2"]
    assert poller.poll_once() == 0  # succeeded records were deleted


def test_only_failed_records_are_retried_and_poison_ends_in_the_dlq(queues):
    sqs, queue, dlq = queues
    for body in ("good-1", "poison", "good-2"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    handler = Handler()
    poller = SqsPoller(queue, "arn:aws:sqs:us-east-1:123456789012:jobs", handler, visibility_timeout=0, wait_seconds=0)
    drain(poller)
    delivered = [body for batch in handler.batches for body in batch]
    assert delivered.count("good-1") == 1 and delivered.count("good-2") == 1
    assert delivered.count("poison") == 2  # maxReceiveCount
    in_dlq = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in in_dlq] == ["poison"]


def test_a_crashing_handler_fails_the_whole_batch(queues):
    sqs, queue, _ = queues
    sqs.send_message(QueueUrl=queue, MessageBody="a")

    def crash(event, context):
        raise RuntimeError("boom")

    poller = SqsPoller(queue, "arn:aws:sqs:us-east-1:123456789012:jobs", crash, visibility_timeout=0, wait_seconds=0)
    poller.poll_once()
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_a_disabled_poller_leaves_messages_queued(queues):
    sqs, queue, _ = queues
    sqs.send_message(QueueUrl=queue, MessageBody="later")
    handler = Handler()
    poller = SqsPoller(queue, "arn:aws:sqs:us-east-1:123456789012:jobs", handler, wait_seconds=0)
    poller.enabled.clear()
    poller.start()
    try:
        time.sleep(1.0)
        assert handler.batches == []
        poller.enabled.set()
        deadline = time.monotonic() + 30
        while not handler.batches and time.monotonic() < deadline:
            time.sleep(0.05)
        assert handler.batches == [["later"]]
    finally:
        poller.stop()
