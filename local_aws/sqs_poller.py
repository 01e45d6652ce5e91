"""Behaves like Lambda's SQS event source mapping, which moto does not: moto's mapping
fires inside SendMessage, one message at a time, and ignores partial batch failures.

Here a thread receives batches, invokes the handler with a Lambda SQS event, deletes the
records that succeeded, and leaves the `batchItemFailures` to reappear after the
visibility timeout; the queue's redrive policy moves a record to the DLQ once its
receive count is exceeded (moto implements that part). `enabled` mirrors the mapping's
Enabled flag: maintenance mode turns it off and messages stay queued."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
from chalice.local import LambdaContext


class SqsPoller:
    def __init__(
        self,
        queue_url: str,
        queue_arn: str,
        handler: Callable[[dict, Any], Any],
        *,
        batch_size: int = 10,
        visibility_timeout: int = 30,
        wait_seconds: int = 1,
        endpoint_url: str | None = None,
        name: str = "on_sqs_message",
    ):
        self.queue_url, self.queue_arn, self.handler = queue_url, queue_arn, handler
        self.batch_size, self.visibility_timeout, self.wait_seconds = batch_size, visibility_timeout, wait_seconds
        self.name = name
        self.enabled = threading.Event()
        self.enabled.set()
        self._stop = threading.Event()
        self._sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name="us-east-1")
        self._thread = threading.Thread(target=self._run, name=f"sqs-poller-{name}", daemon=True)

    def start(self) -> SqsPoller:
        self._thread.start()
        return self

    def set_enabled(self, enabled: bool) -> None:
        """Maintenance mode switches this instead of an event source mapping."""
        if enabled:
            self.enabled.set()
        else:
            self.enabled.clear()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def poll_once(self) -> int:
        """Receive and process one batch; returns how many records were received."""
        response = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            VisibilityTimeout=self.visibility_timeout,
            WaitTimeSeconds=self.wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = self.handler(event, LambdaContext(self.name, 1024, max_runtime_ms=30_000)) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:  # a crashed invocation fails the whole batch, as in AWS
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
                ],
            )
        return len(messages)

    def _record(self, message: dict) -> dict:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": "us-east-1",
        }

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.enabled.wait(timeout=0.5):
                continue
            try:
                self.poll_once()
            except Exception:  # keep polling through transient local errors, like the service
                self._stop.wait(1)


class PollerSwitch:
    """The local stack's upload consumers (the `UploadConsumers` port of the operations):
    maintenance mode switches these pollers, as it switches the event source mappings in AWS."""

    def __init__(self, pollers: list[SqsPoller]):
        self.pollers = list(pollers)

    def switch(self, enabled: bool) -> int:
        for poller in self.pollers:
            if enabled:
                poller.enabled.set()
            else:
                poller.enabled.clear()
        return len(self.pollers)
