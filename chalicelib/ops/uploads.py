"""The upload pipeline: S3 ObjectCreated events (delivered through SQS) become
validations, once per object version.

Idempotency: each (bucket, key, version id) is claimed in the uploads ledger before any
work (a conditional put), and the validation id is derived from the same triple, so a
redelivered or duplicated event finds the claim or the validation and does nothing.
moto's events carry no version id: the current version is read with HeadObject.

Bad input never loops: a non-Markdown object, an oversize one, a key outside the watched
prefix or with `..`, an object deleted before processing, or a page that is not UTF-8 is
recorded in the ledger as skipped or error with the reason, and the message is consumed.
Only a message that is not an S3 event at all (or a transient failure) raises, so the
queue retries it and finally moves it to the dead-letter queue.

Versions written by TBCV (enhancement or rollback, marked in object metadata) are
recorded as the re-validation of that enhancement; nothing is ever applied from here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from pydantic import TypeAdapter, ValidationError

from chalicelib import metrics
from chalicelib.aws.documents import DocumentMissing
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import OperationError
from chalicelib.ops.fields import DocumentPath

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from chalicelib.ops.validation import read_document, stable_id, validate_stored
from chalicelib.store.errors import ItemNotFound

ENHANCEMENT_METADATA = "tbcv-enhancement-id"
ROLLBACK_METADATA = "tbcv-rollback-of"
ENHANCEMENT_WAIT_RECEIVES = 3  # deliveries to wait for the enhancement record to be stored


class NotAnUploadEvent(ValueError):
    """The message is not an S3 event notification: the queue retries it, then dead-letters it."""


class RetryLater(RuntimeError):
    """Another delivery holds the claim, or a TBCV-written version's enhancement record is
    not stored yet: the message is retried after its visibility timeout."""


_SAFE_KEY = TypeAdapter(DocumentPath)


def _is_safe_key(key: str) -> bool:
    try:
        _SAFE_KEY.validate_python(key)
        return True
    except ValidationError:
        return False


@dataclass(frozen=True, slots=True)
class UploadEvent:
    bucket: str
    key: str
    version_id: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    key: str
    version_id: str | None
    status: str  # validated | revalidation | skipped | error | duplicate | test_event
    reason: str | None = None
    validation_id: str | None = None


def parse_message(body: str) -> list[UploadEvent]:
    """The S3 records of one SQS message body; [] for S3's test event."""
    try:
        message = json.loads(body)
    except ValueError:
        raise NotAnUploadEvent("message body is not JSON") from None
    if not isinstance(message, dict):
        raise NotAnUploadEvent("message body is not a JSON object")
    if message.get("Event") == "s3:TestEvent":
        return []
    records = message.get("Records")
    if not isinstance(records, list) or not records:
        raise NotAnUploadEvent("message has no S3 Records")
    events = []
    for record in records:
        try:
            s3 = record["s3"]
            key = unquote_plus(s3["object"]["key"])
            events.append(
                UploadEvent(
                    bucket=s3["bucket"]["name"],
                    key=key,
                    version_id=s3["object"].get("versionId") or None,
                    size=s3["object"].get("size"),
                )
            )
        except (KeyError, TypeError):
            raise NotAnUploadEvent("an S3 record lacks s3.bucket.name or s3.object.key") from None
    return events


def _rejection(context: OperationContext, event: UploadEvent) -> str | None:
    """Why this object is not validated, before reading it (None: it is)."""
    settings = context.settings
    if event.bucket != context.documents.bucket:
        return f"bucket {event.bucket!r} is not the documents bucket"
    if not _is_safe_key(event.key) or not event.key.startswith(settings.watched_prefix):
        return f"key {event.key!r} is not a safe key under {settings.watched_prefix!r}"
    if not event.key.endswith(".md"):
        return f"key {event.key!r} is not a Markdown (.md) page"
    if event.size is not None and event.size > settings.max_document_bytes:
        return f"object is {event.size} bytes; the limit is {settings.max_document_bytes}"
    return None


def _upload_id(bucket: str, key: str, version_id: str) -> str:
    return f"{bucket}/{key}#{version_id}"


def process_upload(context: OperationContext, event: UploadEvent, receive_count: int = 1) -> UploadOutcome:
    """Validate one uploaded object version, once; see the module docstring."""
    rejection = _rejection(context, event)
    version_id = event.version_id
    if rejection is None and version_id is None:
        try:
            version_id = context.documents.head(event.key).version_id
        except DocumentMissing:
            rejection = "object was deleted before it was processed"
    if rejection is not None or version_id is None:  # (no version without a rejection: head found one)
        upload_id = _upload_id(event.bucket, event.key, version_id or "unknown")
        if context.uploads.claim(upload_id, event.bucket, event.key, version_id or "unknown") is None:
            context.uploads.finish(upload_id, "skipped", reason=rejection)
        return UploadOutcome(event.key, version_id, "skipped", rejection)

    upload_id = _upload_id(event.bucket, event.key, version_id)
    existing = context.uploads.claim(upload_id, event.bucket, event.key, version_id)
    if existing is not None:
        if existing.status == "processing":  # another delivery is working on it right now
            raise RetryLater(f"{upload_id} is being processed by another delivery")
        metrics.duplicate_skipped("upload")
        return UploadOutcome(event.key, version_id, "duplicate", existing.reason, existing.validation_id)
    try:
        outcome = _validate_version(context, event.key, version_id, upload_id, receive_count)
    except (OperationError, DocumentMissing) as error:
        reason = error.message if isinstance(error, OperationError) else str(error)
        status = "skipped" if isinstance(error, DocumentMissing) or getattr(error, "status", 0) == 404 else "error"
        if status == "skipped":
            reason = f"object was deleted before it was processed ({reason})"
        context.uploads.finish(upload_id, status, reason=reason)
        return UploadOutcome(event.key, version_id, status, reason)
    except Exception:
        context.uploads.release(upload_id)  # transient: let the retry claim it again
        raise
    return outcome


def _validate_version(
    context: OperationContext, key: str, version_id: str, upload_id: str, receive_count: int
) -> UploadOutcome:
    text, stored = read_document(context, key, version_id)
    metadata = stored.metadata
    enhancement_id = metadata.get(ENHANCEMENT_METADATA)
    rollback_of = metadata.get(ROLLBACK_METADATA)
    parent = None
    if enhancement_id or rollback_of:
        try:
            enhancement = context.review.get_enhancement(enhancement_id or rollback_of or "")
        except ItemNotFound:
            if receive_count < ENHANCEMENT_WAIT_RECEIVES:
                raise RetryLater(
                    f"enhancement {enhancement_id or rollback_of} of {upload_id} is not stored yet"
                ) from None
            enhancement = None
        if enhancement is not None and enhancement_id and enhancement.result_version == version_id:
            # apply_enhancement validated exactly this version already: link, do not repeat
            context.uploads.finish(
                upload_id, "revalidation", validation_id=enhancement.result_validation_id, enhancement_id=enhancement_id
            )
            return UploadOutcome(key, version_id, "revalidation", None, enhancement.result_validation_id)
        parent = enhancement.validation_id if enhancement is not None else None
    validation = validate_stored(
        context,
        key,
        version_id,
        validation_id=stable_id(context.documents.bucket, key, version_id),
        parent_validation_id=parent,
        document=(text, stored),
    )
    status = "revalidation" if (enhancement_id or rollback_of) else "validated"
    context.uploads.finish(
        upload_id, status, validation_id=validation.validation_id, enhancement_id=enhancement_id or rollback_of
    )
    return UploadOutcome(key, version_id, status, None, validation.validation_id)


def handle_upload_batch(event: dict, lambda_context, operation_context: OperationContext) -> PartialItemFailureResponse:
    """One SQS batch (Powertools batch processing): each record's uploads are processed;
    the records that raised are returned as `batchItemFailures`, so only they are retried."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def record_handler(record) -> list[UploadOutcome]:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        return [process_upload(operation_context, upload, receive_count) for upload in parse_message(record.body)]

    return process_partial_response(
        event=event,
        record_handler=record_handler,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=lambda_context,
    )
