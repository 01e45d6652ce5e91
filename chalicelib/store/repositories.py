"""Repositories: Query-only access (no Scan), conditional writes, audit in the same
transaction as the change it records."""

from __future__ import annotations

import builtins  # `list` is also ValidationRepository.list, in its annotations
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.cursor import decode_cursor, encode_cursor, page_size
from chalicelib.store.errors import ItemNotFound, VersionConflict
from chalicelib.store.figures import ValidationCounters
from chalicelib.store.models import AuditEventModel, ValidationModel
from chalicelib.store.records import AuditEvent, DocumentRef, Page, ValidationRecord, utc_now

AnyModel = TypeVar("AnyModel", bound=Model)


def expiry(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def is_condition_failure(error: Exception) -> bool:
    if isinstance(error, TransactWriteError):
        return any(r and r.code == "ConditionalCheckFailed" for r in (error.cancellation_reasons or []))
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class AuditLog:
    """Audit events: written inside the transaction of the change they describe."""

    def __init__(self, retention_days: int):
        self._retention_days = retention_days

    def to_model(self, event: AuditEvent) -> AuditEventModel:
        return AuditEventModel(
            month=event.created_at[:7],
            event_id=event.event_id,
            actor=event.actor,
            operation=event.operation,
            target_type=event.target_type,
            target_id=event.target_id,
            before=event.before,
            after=event.after,
            created_at=event.created_at,
            expires_at=expiry(self._retention_days),
        )

    def for_target(self, target_id: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]:
        result = AuditEventModel.by_target.query(
            target_id, scan_index_forward=False, limit=limit, last_evaluated_key=decode_cursor(cursor)
        )
        items = [audit_record(m) for m in take(result, limit)]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def for_actor(self, actor: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]:
        result = AuditEventModel.by_actor.query(
            actor, scan_index_forward=False, limit=limit, last_evaluated_key=decode_cursor(cursor)
        )
        items = [audit_record(m) for m in take(result, limit)]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))


def take(result: Iterable[AnyModel], limit: int) -> list[AnyModel]:
    items: list[AnyModel] = []
    for item in result:
        items.append(item)
        if len(items) == limit:
            break
    return items


def audit_record(model: AuditEventModel) -> AuditEvent:
    """The record of a stored audit event (the audit log and the audit search read both)."""
    return AuditEvent(
        event_id=model.event_id,
        actor=model.actor,
        operation=model.operation,
        target_type=model.target_type,
        target_id=model.target_id,
        before=model.before,
        after=model.after,
        created_at=model.created_at,
    )


def _validation_record(model: ValidationModel) -> ValidationRecord:
    return ValidationRecord(
        validation_id=model.validation_id,
        document=DocumentRef(bucket=model.document_bucket, key=model.document_key, version_id=model.document_version),
        family=model.family,
        profile=model.profile,
        ruleset_version=model.ruleset_version,
        content_sha256=model.content_sha256,
        outcome=model.outcome,
        review_status=model.review_status,
        enhanced=bool(model.enhanced),
        enhancement_ids=list(model.enhancement_ids or []),
        counts=model.counts or {},
        truncated=bool(model.truncated),
        issues=model.issues,
        issues_s3_key=model.issues_s3_key,
        detections=model.detections or [],
        timings_ms=model.timings_ms or {},
        notes=model.notes or "",
        parent_validation_id=model.parent_validation_id,
        workflow_id=model.workflow_id,
        created_by=model.created_by,
        created_at=model.created_at,
        updated_at=model.updated_at,
        version=model.version or 0,
    )


def validation_model(record: ValidationRecord, retention_days: int) -> ValidationModel:
    return ValidationModel(
        validation_id=record.validation_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
        created_by=record.created_by,
        document_bucket=record.document.bucket,
        document_key=record.document.key,
        document_version=record.document.version_id,
        family=record.family,
        profile=record.profile,
        ruleset_version=record.ruleset_version,
        content_sha256=record.content_sha256,
        outcome=record.outcome,
        review_status=record.review_status,
        counts=record.counts,
        truncated=record.truncated,
        issues=record.issues,
        issues_s3_key=record.issues_s3_key,
        detections=record.detections,
        timings_ms=record.timings_ms,
        notes=record.notes,
        parent_validation_id=record.parent_validation_id,
        workflow_id=record.workflow_id,
        expires_at=expiry(retention_days),
    )


@cache
def _connection(region: str) -> Connection:
    """One connection (one botocore client) per process: a new client loads the service's
    JSON models again, ~0.2 s, which dominated every write before."""
    return Connection(region=region)


def transaction(region: str) -> TransactWrite:
    return TransactWrite(connection=_connection(region))


def raise_conflict_or_missing(error: TransactWriteError, kind: str, item_id: str, get) -> None:
    """A cancelled transaction: 404 if the item is gone, else 409 (it changed under us)."""
    if not is_condition_failure(error):
        raise error
    get(item_id)
    raise VersionConflict(kind, item_id) from None


def _review_moves(changes: Iterable[tuple[dict[str, Any], AuditEvent]]) -> list[tuple[str, str]]:
    """(old, new) review status of each change that sets one (the old one is in its event)."""
    return [
        ((event.before or {})["review_status"], fields["review_status"])
        for fields, event in changes
        if "review_status" in fields and "review_status" in (event.before or {})
    ]


def write_in_chunks(
    region: str, items: list, stage: Callable[[TransactWrite, Any], None], item_id: Callable[[Any], str]
) -> tuple[list[str], list[str]]:
    """Stage each item's writes (an update and its audit event) in transactions of 50
    items; a chunk that loses a race is retried item by item, so only the items changed
    by someone else are refused. Returns (written ids, conflicted ids)."""
    written, conflicted = [], []
    for start in range(0, len(items), 50):
        chunk = items[start : start + 50]
        try:
            with transaction(region) as tx:
                for item in chunk:
                    stage(tx, item)
            written += [item_id(item) for item in chunk]
        except TransactWriteError as error:
            if not is_condition_failure(error):
                raise
            if len(chunk) == 1:
                conflicted.append(item_id(chunk[0]))
                continue
            for item in chunk:
                try:
                    with transaction(region) as tx:
                        stage(tx, item)
                    written.append(item_id(item))
                except TransactWriteError as item_error:
                    if not is_condition_failure(item_error):
                        raise
                    conflicted.append(item_id(item))
    return written, conflicted


class ValidationRepository:
    def __init__(self, audit: AuditLog, retention_days: int, region: str):
        self._audit = audit
        self._retention_days = retention_days
        self._region = region
        self.counters = ValidationCounters()

    def _transaction(self) -> TransactWrite:
        return transaction(self._region)

    def create(self, record: ValidationRecord, event: AuditEvent) -> ValidationRecord:
        model = validation_model(record, self._retention_days)
        try:
            with self._transaction() as tx:
                tx.save(model, condition=ValidationModel.validation_id.does_not_exist())
                tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("validation", record.validation_id) from None
            raise
        created = _validation_record(model)
        self.counters.created(created)
        return created

    def reachable(self) -> bool:
        try:
            return ValidationModel.exists()
        except Exception:  # any transport or auth failure means "not reachable"
            return False

    def get(self, validation_id: str) -> ValidationRecord:
        try:
            return _validation_record(ValidationModel.get(validation_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("validation", validation_id) from None

    def list(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        review_status: str | None = None,
        document_key: str | None = None,
        outcome: str | None = None,
        family: str | None = None,
        key_prefix: str | None = None,
    ) -> Page[ValidationRecord]:
        """Newest first, from the GSI that matches the key filter; outcome, family and key
        prefix filter that index's items (a Query with a filter, never a Scan)."""
        start = decode_cursor(cursor)
        condition = None
        for part in (
            ValidationModel.outcome == outcome if outcome else None,
            ValidationModel.family == family if family else None,
            ValidationModel.document_key.startswith(key_prefix) if key_prefix else None,
        ):
            if part is not None:
                condition = part if condition is None else condition & part
        options: dict[str, Any] = {
            "scan_index_forward": False,
            "limit": limit,
            "page_size": page_size(limit, filtered=condition is not None),
            "last_evaluated_key": start,
            "filter_condition": condition,
        }
        if document_key is not None:
            result = ValidationModel.by_document.query(document_key, **options)
        elif review_status is not None:
            result = ValidationModel.by_review_status.query(review_status, **options)
        else:
            result = ValidationModel.by_created.query("validation", **options)
        items = [_validation_record(m) for m in take(result, limit)]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def update(
        self, validation_id: str, expected_version: int, changes: dict[str, Any], event: AuditEvent
    ) -> ValidationRecord:
        """Apply `changes` only if the item is still at `expected_version` (else 409)."""
        try:
            with self._transaction() as tx:
                self._stage_update(tx, validation_id, expected_version, changes, event)
        except TransactWriteError as error:
            raise_conflict_or_missing(error, "validation", validation_id, self.get)
        self.counters.reviewed(_review_moves([(changes, event)]))
        return self.get(validation_id)

    def revalidations_of(self, validation: ValidationRecord) -> builtins.list[str]:
        """Ids of the validations re-run from `validation` (same document, by_document GSI)."""
        result = ValidationModel.by_document.query(
            validation.document.key, filter_condition=ValidationModel.parent_validation_id == validation.validation_id
        )
        return [model.validation_id for model in result]

    def get_many(self, validation_ids: builtins.list[str]) -> dict[str, ValidationRecord]:
        """One BatchGet; ids that do not exist are absent from the result."""
        return {
            m.validation_id: _validation_record(m)
            for m in ValidationModel.batch_get(list(dict.fromkeys(validation_ids)), consistent_read=True)
        }

    def update_many(
        self, changes: builtins.list[tuple[str, int, dict[str, Any], AuditEvent]]
    ) -> tuple[builtins.list[str], builtins.list[str]]:
        """Apply many (id, expected_version, changes, event); see `write_in_chunks`."""
        written, conflicted = write_in_chunks(
            self._region, changes, lambda tx, c: self._stage_update(tx, *c), lambda c: c[0]
        )
        done = set(written)
        self.counters.reviewed(_review_moves((fields, event) for vid, _, fields, event in changes if vid in done))
        return written, conflicted

    def _stage_update(
        self, tx: TransactWrite, validation_id: str, version: int, fields: dict[str, Any], event: AuditEvent
    ) -> None:
        actions = [getattr(ValidationModel, name).set(value) for name, value in fields.items()]
        actions.append(ValidationModel.updated_at.set(utc_now()))
        tx.update(
            ValidationModel(validation_id=validation_id, version=version),
            actions=actions,
            condition=ValidationModel.validation_id.exists(),
        )
        tx.save(self._audit.to_model(event))

    def delete(self, validation_id: str, expected_version: int, event: AuditEvent) -> None:
        record = self.get(validation_id)  # what the counters take back
        model = ValidationModel(validation_id=validation_id, version=expected_version)
        try:
            with self._transaction() as tx:
                tx.delete(model, condition=ValidationModel.validation_id.exists())
                tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            raise_conflict_or_missing(error, "validation", validation_id, self.get)
        self.counters.deleted(record)
