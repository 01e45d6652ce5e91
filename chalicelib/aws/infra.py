"""Infrastructure-level adapters for the admin operations: reachability probes with
latency, table export/import for checkpoints (DynamoDB JSON lines in S3), and export
objects handed out through pre-signed URLs."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws.clients import client

_BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True, slots=True)
class Probe:
    ok: bool
    latency_ms: float
    detail: dict[str, Any]
    error: str | None = None


def _probe(call: Callable[[], dict[str, Any]]) -> Probe:
    started = time.perf_counter()
    try:
        detail = call()
        return Probe(True, round((time.perf_counter() - started) * 1000, 3), detail)
    except (ClientError, BotoCoreError) as error:
        return Probe(False, round((time.perf_counter() - started) * 1000, 3), {}, str(error))


class Infrastructure:
    def __init__(
        self, *, bucket: str, tables: dict[str, str], queue: str, dead_letter_queue: str, state_machines: dict[str, str]
    ):
        self.bucket = bucket
        self.tables = tables  # logical name -> table name
        self.queue, self.dead_letter_queue = queue, dead_letter_queue
        self.state_machines = state_machines  # logical name -> ARN

    # --- status ------------------------------------------------------------------------
    def probe_dynamodb(self) -> Probe:
        def describe():
            items = {}
            for name, table in self.tables.items():
                info = client("dynamodb").describe_table(TableName=table)["Table"]
                items[name] = {"table": table, "status": info["TableStatus"]}
            return {"tables": items}

        return _probe(describe)

    def probe_s3(self) -> Probe:
        return _probe(lambda: client("s3").head_bucket(Bucket=self.bucket) and {"bucket": self.bucket})

    def probe_sqs(self) -> Probe:
        def depths():
            return {
                "queue": self.queue,
                "depth": self._depth(self.queue),
                "in_flight": self._depth(self.queue, "ApproximateNumberOfMessagesNotVisible"),
                "dead_letter_queue": self.dead_letter_queue,
                "dlq_depth": self._depth(self.dead_letter_queue),
            }

        return _probe(depths)

    def probe_stepfunctions(self) -> Probe:
        def describe():
            machines = {}
            for name, arn in self.state_machines.items():
                info = client("stepfunctions").describe_state_machine(stateMachineArn=arn)
                machines[name] = {"arn": arn, "status": info.get("status", "ACTIVE")}
            return {"state_machines": machines}

        return _probe(describe)

    def _depth(self, queue: str, attribute: str = "ApproximateNumberOfMessages") -> int:
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[attribute])["Attributes"][attribute])

    # --- checkpoints ----------------------------------------------------------------------
    def export_table(self, table: str) -> Iterator[dict[str, Any]]:
        """Every item of a table in DynamoDB JSON (typed, lossless), page by page."""
        for page in client("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            yield from page["Items"]

    def write_lines(self, key: str, items: Iterator[dict[str, Any]]) -> tuple[int, str]:
        """Write items as JSON lines; returns (item count, SHA-256 of the object) for the manifest."""
        lines = [json.dumps(item, separators=(",", ":"), sort_keys=True) for item in items]
        body = ("\n".join(lines) + "\n" if lines else "").encode()
        client("s3").put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/x-ndjson")
        return len(lines), hashlib.sha256(body).hexdigest()

    def read_export(self, key: str) -> bytes | None:
        """An export object's bytes, or None when it does not exist."""
        try:
            return client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError:
            return None

    def key_attributes(self, table: str) -> list[str]:
        return [
            key["AttributeName"] for key in client("dynamodb").describe_table(TableName=table)["Table"]["KeySchema"]
        ]

    def insert_new(self, table: str, items: list[dict[str, Any]]) -> tuple[int, int]:
        """Put the items whose key is not in the table yet (existing items are never
        overwritten); returns (written, already present)."""
        dynamodb, written = client("dynamodb"), 0
        first_key = self.key_attributes(table)[0]
        for item in items:
            try:
                dynamodb.put_item(
                    TableName=table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#k)",
                    ExpressionAttributeNames={"#k": first_key},
                )
                written += 1
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        return written, len(items) - written

    def import_table(self, table: str, items: list[dict[str, Any]]) -> int:
        """Put every item with batched writes, retrying unprocessed ones."""
        dynamodb, written, batch = client("dynamodb"), 0, []
        for item in items:
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == _BATCH:
                written += self._write_batch(dynamodb, table, batch)
                batch = []
        if batch:
            written += self._write_batch(dynamodb, table, batch)
        return written

    @staticmethod
    def _write_batch(dynamodb, table: str, batch: list[dict]) -> int:
        pending = {table: batch}
        for attempt in range(8):
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                return len(batch)
            time.sleep(0.05 * 2**attempt)
        raise RuntimeError(f"DynamoDB did not accept {len(pending[table])} items for {table}")

    # --- export objects -----------------------------------------------------------------
    def put_export(self, key: str, body: bytes, content_type: str) -> None:
        client("s3").put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def object_exists(self, key: str) -> bool:
        try:
            client("s3").head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError:
            return False

    def presigned_url(self, key: str, expires_in: int = 3600) -> str:
        return client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
