"""The validations repository, and the transaction helpers every repository shares:
Query-only access (no Scan), conditional writes, audit in the same transaction as the
change it records."""

from __future__ import annotations

import builtins  # `list` is also ValidationRepository.list, in its annotations
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store.audit import AuditLog
from chalicelib.store.cursor import page_size, query_page
from chalicelib.store.errors import ItemNotFound, VersionConflict
from chalicelib.store.figures import ValidationCounters
from chalicelib.store.models import ValidationModel
from chalicelib.store.records import AuditEvent, DocumentRef, Page, ValidationRecord, expiry, utc_now
from chalicelib.store.tables import TableNames


def is_condition_failure(error: Exception) -> bool:
    if isinstance(error, TransactWriteError):
        return any(r and r.code == "ConditionalCheckFailed" for r in (error.cancellation_reasons or []))
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


# ValidationRecord's fields are stored under their own names, except `document` (three attributes)
_COLUMNS = tuple(name for name in ValidationRecord.model_fields if name != "document")


def _validation_record(model: ValidationModel) -> ValidationRecord:
    return ValidationRecord(
        **{name: getattr(model, name) for name in _COLUMNS},
        document=DocumentRef(bucket=model.document_bucket, key=model.document_key, version_id=model.document_version),
    )


def validation_item(model: type[ValidationModel], record: ValidationRecord, retention_days: int) -> ValidationModel:
    """The item of a new validation (`model`: ValidationModel bound to its table; the version
    is PynamoDB's to set)."""
    return model(
        **record.model_dump(include=set(_COLUMNS) - {"version"}),
        document_bucket=record.document.bucket,
        document_key=record.document.key,
        document_version=record.document.version_id,
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
    def __init__(self, audit: AuditLog, tables: TableNames, retention_days: int):
        self._audit = audit
        self._model = tables.bind(ValidationModel)
        self._retention_days = retention_days
        self._region = tables.region
        self.counters = ValidationCounters(tables)

    def _transaction(self) -> TransactWrite:
        return transaction(self._region)

    def create(self, record: ValidationRecord, event: AuditEvent) -> ValidationRecord:
        model = validation_item(self._model, record, self._retention_days)
        try:
            with self._transaction() as tx:
                tx.save(model, condition=self._model.validation_id.does_not_exist())
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("validation", record.validation_id) from None
            raise
        created = _validation_record(model)
        self.counters.created(created)
        return created

    def reachable(self) -> bool:
        try:
            return self._model.exists()
        except Exception:  # any transport or auth failure means "not reachable"
            return False

    def get(self, validation_id: str) -> ValidationRecord:
        try:
            return _validation_record(self._model.get(validation_id, consistent_read=True))
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
        condition = None
        for part in (
            self._model.outcome == outcome if outcome else None,
            self._model.family == family if family else None,
            self._model.document_key.startswith(key_prefix) if key_prefix else None,
        ):
            if part is not None:
                condition = part if condition is None else condition & part
        if document_key is not None:
            query, hash_key = self._model.by_document.query, document_key
        elif review_status is not None:
            query, hash_key = self._model.by_review_status.query, review_status
        else:
            query, hash_key = self._model.by_created.query, "validation"
        return query_page(
            query,
            _validation_record,
            hash_key,
            limit=limit,
            cursor=cursor,
            scan_index_forward=False,
            page_size=page_size(limit, filtered=condition is not None),
            filter_condition=condition,
        )

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
        result = self._model.by_document.query(
            validation.document.key, filter_condition=self._model.parent_validation_id == validation.validation_id
        )
        return [model.validation_id for model in result]

    def get_many(self, validation_ids: builtins.list[str]) -> dict[str, ValidationRecord]:
        """One BatchGet; ids that do not exist are absent from the result."""
        return {
            m.validation_id: _validation_record(m)
            for m in self._model.batch_get(list(dict.fromkeys(validation_ids)), consistent_read=True)
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
        actions.append(self._model.updated_at.set(utc_now()))
        tx.update(
            self._model(validation_id=validation_id, version=version),
            actions=actions,
            condition=self._model.validation_id.exists(),
        )
        self._audit.stage(tx, event)

    def delete(self, validation_id: str, expected_version: int, event: AuditEvent) -> None:
        record = self.get(validation_id)  # what the counters take back
        model = self._model(validation_id=validation_id, version=expected_version)
        try:
            with self._transaction() as tx:
                tx.delete(model, condition=self._model.validation_id.exists())
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            raise_conflict_or_missing(error, "validation", validation_id, self.get)
        self.counters.deleted(record)
