"""Workflow records, their per-item results, and the upload ledger (one record per S3
object version the upload pipeline saw).

Workflow state changes are conditional on the state they start from and are written with
their audit event in one transaction, so of two concurrent changes exactly one wins.
Item results and the workflow's counters are written in one transaction too, so the
counts always equal the stored items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.audit import AuditLog
from chalicelib.store.cursor import query_page
from chalicelib.store.errors import ItemNotFound
from chalicelib.store.records import AuditEvent, Page, utc_now
from chalicelib.store.repositories import is_condition_failure, transaction
from chalicelib.store.tables import TableNames


class StateChanged(Exception):
    """The workflow was not in the state a conditional change expected."""

    def __init__(self, workflow_id: str, current: str):
        super().__init__(f"workflow {workflow_id!r} is {current}")
        self.workflow_id, self.current = workflow_id, current


class WorkflowRecord(BaseModel):
    workflow_id: str
    workflow_type: str
    params: dict[str, Any]
    state: str
    total: int = 0
    done: int = 0
    failed: int = 0
    started: int = 0
    listing_complete: bool = False
    execution_arn: str | None = None
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    created_by: str
    created_at: str
    updated_at: str
    started_at: str | None = None
    finished_at: str | None = None


class WorkflowItem(BaseModel):
    workflow_id: str
    item: str
    status: str  # succeeded | failed
    validation_id: str | None = None
    outcome: str | None = None
    result: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    finished_at: str


class UploadRecord(BaseModel):
    upload_id: str
    bucket: str
    key: str
    version_id: str
    status: str  # processing | validated | skipped | error
    reason: str | None = None
    validation_id: str | None = None
    enhancement_id: str | None = None
    claimed_at: str
    updated_at: str


class _ByCreated(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_created"
        projection = AllProjection()

    list_partition = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class WorkflowModel(Model):
    TABLE = "workflows"

    workflow_id = UnicodeAttribute(hash_key=True)
    list_partition = UnicodeAttribute(default="workflow")
    workflow_type = UnicodeAttribute()
    params = JSONAttribute()
    state = UnicodeAttribute()
    total = NumberAttribute(default=0)
    done = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    started = NumberAttribute(default=0)
    listing_complete = BooleanAttribute(default=False)
    execution_arn = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    warnings = ListAttribute(of=UnicodeAttribute, null=True)  # absent on records written before it existed
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)

    by_created = _ByCreated()


class WorkflowItemModel(Model):
    TABLE = "workflow_items"

    workflow_id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()
    validation_id = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    result = JSONAttribute(null=True)
    error = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute()


class UploadModel(Model):
    TABLE = "uploads"

    upload_id = UnicodeAttribute(hash_key=True)
    bucket = UnicodeAttribute()
    key = UnicodeAttribute()
    version_id = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    validation_id = UnicodeAttribute(null=True)
    enhancement_id = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)


_WORKFLOW_FIELDS = tuple(WorkflowRecord.model_fields)


def _workflow_record(model: WorkflowModel) -> WorkflowRecord:
    values = {name: getattr(model, name) for name in _WORKFLOW_FIELDS}
    for counter in ("total", "done", "failed", "started"):
        values[counter] = int(values[counter] or 0)
    values["listing_complete"] = bool(values["listing_complete"])
    values["warnings"] = list(values["warnings"] or [])
    return WorkflowRecord(**values)


def _item_record(model: WorkflowItemModel) -> WorkflowItem:
    return WorkflowItem(
        workflow_id=model.workflow_id,
        item=model.item,
        status=model.status,
        validation_id=model.validation_id,
        outcome=model.outcome,
        result=model.result or {},
        error=model.error,
        finished_at=model.finished_at,
    )


class WorkflowRepository:
    def __init__(self, audit: AuditLog, tables: TableNames):
        self._audit = audit
        self._region = tables.region
        self._workflows = tables.bind(WorkflowModel)
        self._items = tables.bind(WorkflowItemModel)

    def _transaction(self) -> TransactWrite:
        return transaction(self._region)

    def create(self, record: WorkflowRecord, event: AuditEvent) -> WorkflowRecord:
        model = self._workflows(**record.model_dump())
        with self._transaction() as tx:
            tx.save(model, condition=self._workflows.workflow_id.does_not_exist())
            self._audit.stage(tx, event)
        return record

    def get(self, workflow_id: str) -> WorkflowRecord:
        try:
            return _workflow_record(self._workflows.get(workflow_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("workflow", workflow_id) from None

    def list(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        state: str | None = None,
        workflow_type: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page[WorkflowRecord]:
        """Newest first; the created range is the index's sort key, state and type filter
        each page (so a page can hold fewer than `limit` items and still have a cursor)."""
        range_condition: Condition | None = None
        if created_from and created_to:
            range_condition = self._workflows.created_at.between(created_from, created_to)
        elif created_from:
            range_condition = self._workflows.created_at >= created_from
        elif created_to:
            range_condition = self._workflows.created_at <= created_to
        filters = None
        if state is not None:
            filters = self._workflows.state == state
        if workflow_type is not None:
            by_type = self._workflows.workflow_type == workflow_type
            filters = by_type if filters is None else filters & by_type
        return query_page(
            self._workflows.by_created.query,
            _workflow_record,
            "workflow",
            range_condition,
            limit=limit,
            cursor=cursor,
            filter_condition=filters,
            scan_index_forward=False,
        )

    def transition(
        self, workflow_id: str, current: str, target: str, event: AuditEvent, changes: dict[str, Any] | None = None
    ) -> WorkflowRecord:
        """Move from `current` to `target` only if the workflow is still `current`."""
        now = utc_now()
        actions: list[Action] = [self._workflows.state.set(target), self._workflows.updated_at.set(now)]
        actions += [getattr(WorkflowModel, name).set(value) for name, value in (changes or {}).items()]
        try:
            with self._transaction() as tx:
                tx.update(
                    self._workflows(workflow_id=workflow_id),
                    actions=actions,
                    condition=self._workflows.state == current,
                )
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise StateChanged(workflow_id, self.get(workflow_id).state) from None
            raise
        return self.get(workflow_id)

    def update(self, workflow_id: str, changes: dict[str, Any]) -> None:
        """Bookkeeping that is not a state change (execution ARN, listing progress)."""
        actions = [getattr(WorkflowModel, name).set(value) for name, value in changes.items()]
        self._workflows(workflow_id=workflow_id).update(
            actions=actions + [self._workflows.updated_at.set(utc_now())],
            condition=self._workflows.workflow_id.exists(),
        )

    def add_items(self, workflow_id: str, count: int, *, listing_complete: bool) -> None:
        self._workflows(workflow_id=workflow_id).update(
            actions=[
                self._workflows.total.add(count),
                self._workflows.listing_complete.set(listing_complete),
                self._workflows.updated_at.set(utc_now()),
            ]
        )

    def claim_start(self, workflow_id: str) -> bool:
        """The pause gate: count one more started item only while the workflow runs.
        Atomic, so once a pause or cancel is stored no further item starts."""
        try:
            self._workflows(workflow_id=workflow_id).update(
                actions=[self._workflows.started.add(1)], condition=self._workflows.state == "running"
            )
            return True
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise

    def record_item(self, item: WorkflowItem) -> bool:
        """Store an item's result and count it, once (a retried step is a no-op)."""
        counter = self._workflows.done if item.status == "succeeded" else self._workflows.failed
        model = self._items(**item.model_dump())
        try:
            with self._transaction() as tx:
                tx.save(model, condition=self._items.item.does_not_exist())
                tx.update(
                    self._workflows(workflow_id=item.workflow_id),
                    actions=[counter.add(1), self._workflows.updated_at.set(item.finished_at)],
                )
        except TransactWriteError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def get_item(self, workflow_id: str, item: str) -> WorkflowItem | None:
        try:
            return _item_record(self._items.get(workflow_id, item, consistent_read=True))
        except DoesNotExist:
            return None

    def items(
        self, workflow_id: str, *, limit: int, cursor: str | None = None, status: str | None = None
    ) -> Page[WorkflowItem]:
        return query_page(
            self._items.query,
            _item_record,
            workflow_id,
            limit=limit,
            cursor=cursor,
            filter_condition=(self._items.status == status) if status else None,
            consistent_read=True,
        )

    def delete(self, workflow_id: str, event: AuditEvent) -> None:
        """Delete the record (with its audit event), then its items in batches."""
        with self._transaction() as tx:
            tx.delete(self._workflows(workflow_id=workflow_id), condition=self._workflows.workflow_id.exists())
            self._audit.stage(tx, event)
        with self._items.batch_write() as batch:
            for model in self._items.query(workflow_id, attributes_to_get=["workflow_id", "item"]):
                batch.delete(model)


def _upload_record(model: UploadModel) -> UploadRecord:
    return UploadRecord(
        upload_id=model.upload_id,
        bucket=model.bucket,
        key=model.key,
        version_id=model.version_id,
        status=model.status,
        reason=model.reason,
        validation_id=model.validation_id,
        enhancement_id=model.enhancement_id,
        claimed_at=model.claimed_at,
        updated_at=model.updated_at,
    )


class UploadLedger:
    """Idempotency of the upload pipeline: one record per (bucket, key, version id),
    claimed with a conditional put before the work and finished after it. A claim older
    than `claim_timeout` seconds (a crashed consumer) may be taken over."""

    def __init__(self, tables: TableNames, retention_days: int, claim_timeout: int = 300):
        self._model = tables.bind(UploadModel)
        self._retention_days = retention_days
        self._claim_timeout = claim_timeout

    def claim(self, upload_id: str, bucket: str, key: str, version_id: str) -> UploadRecord | None:
        """Claim the upload; returns None when claimed, else the existing record."""
        now = utc_now()
        stale = (datetime.now(UTC) - timedelta(seconds=self._claim_timeout)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        model = self._model(
            upload_id=upload_id,
            bucket=bucket,
            key=key,
            version_id=version_id,
            status="processing",
            claimed_at=now,
            updated_at=now,
            expires_at=datetime.now(UTC) + timedelta(days=self._retention_days),
        )
        try:
            model.save(
                condition=self._model.upload_id.does_not_exist()
                | ((self._model.status == "processing") & (self._model.claimed_at < stale))
            )
            return None
        except PutError as error:
            if not is_condition_failure(error):
                raise
        return self.get(upload_id)

    def finish(
        self,
        upload_id: str,
        status: str,
        *,
        reason: str | None = None,
        validation_id: str | None = None,
        enhancement_id: str | None = None,
    ) -> None:
        values = {"reason": reason, "validation_id": validation_id, "enhancement_id": enhancement_id}
        self._model(upload_id=upload_id).update(
            actions=[
                self._model.status.set(status),
                self._model.updated_at.set(utc_now()),
                *(getattr(UploadModel, name).set(value) for name, value in values.items() if value),
            ]
        )

    def release(self, upload_id: str) -> None:
        """Give up a claim after a transient failure, so the retry can claim again."""
        self._model(upload_id=upload_id).delete(condition=self._model.status == "processing")

    def get(self, upload_id: str) -> UploadRecord | None:
        try:
            return _upload_record(self._model.get(upload_id, consistent_read=True))
        except DoesNotExist:
            return None
