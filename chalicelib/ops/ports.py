"""The ports: what operations need from the world, as `typing.Protocol`s.

Operations receive them in their `OperationContext` and know nothing else of the world:
the composition root (`chalicelib.runtime`) plugs in the AWS adapters (`chalicelib.store`,
`chalicelib.aws`), the fast unit tests plug in the in-memory fakes of `tests/fakes.py`.
A method is here because an operation calls it; an adapter may have more (tests, health)."""

from __future__ import annotations

import builtins  # `list` is also Validations.list, in its annotations
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.store.records import AuditEvent, Page, ValidationRecord

if TYPE_CHECKING:
    from chalicelib.aws.documents import StoredObject
    from chalicelib.aws.infra import Probe
    from chalicelib.engine.ruleset import Ruleset
    from chalicelib.store.maintenance import MaintenanceState
    from chalicelib.store.review import EnhancementRecord, RecommendationRecord
    from chalicelib.store.timings import TimingSummary
    from chalicelib.store.workflows import UploadRecord, WorkflowItem, WorkflowRecord

# (record, expected version, changed fields, audit event) of one conditional update
ValidationChange = tuple[str, int, dict[str, Any], AuditEvent]
RecommendationChange = tuple["RecommendationRecord", dict[str, Any], AuditEvent]


class AuditTrail(Protocol):
    """Audit events: repositories write most in the change's own transaction; `record` is for
    changes that are not table items (cache, ruleset, checkpoint restore, refusals)."""

    def record(self, event: AuditEvent) -> None: ...

    def for_target(self, target_id: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]: ...

    def search(
        self,
        *,
        limit: int,
        cursor: str | None,
        actor: str | None,
        target_id: str | None,
        operation: str | None,
        since: str | None,
    ) -> Page[AuditEvent]: ...


class ValidationCounterReader(Protocol):
    def read(self) -> dict[str, int]: ...


class Validations(Protocol):
    """Validation records; every change is conditional on the version read (else VersionConflict)."""

    counters: ValidationCounterReader

    def create(self, record: ValidationRecord, event: AuditEvent) -> ValidationRecord: ...

    def get(self, validation_id: str) -> ValidationRecord: ...

    def get_many(self, validation_ids: list[str]) -> dict[str, ValidationRecord]: ...

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
    ) -> Page[ValidationRecord]: ...

    def update(
        self, validation_id: str, expected_version: int, changes: dict[str, Any], event: AuditEvent
    ) -> ValidationRecord: ...

    def update_many(
        self, changes: builtins.list[ValidationChange]
    ) -> tuple[builtins.list[str], builtins.list[str]]: ...

    def revalidations_of(self, validation: ValidationRecord) -> builtins.list[str]: ...

    def delete(self, validation_id: str, expected_version: int, event: AuditEvent) -> None: ...


class Review(Protocol):
    """Recommendations and enhancements, and the multi-item transactions of their lifecycle."""

    def replace_recommendations(
        self,
        validation_id: str,
        records: list[RecommendationRecord],
        remove: list[RecommendationRecord],
        event: AuditEvent,
    ) -> None: ...

    def get_recommendation(self, recommendation_id: str) -> RecommendationRecord: ...

    def get_recommendations(self, recommendation_ids: list[str]) -> dict[str, RecommendationRecord]: ...

    def recommendations_of(self, validation_id: str) -> list[RecommendationRecord]: ...

    def list_recommendations(
        self, validation_id: str, *, limit: int, cursor: str | None, status: str | None
    ) -> Page[RecommendationRecord]: ...

    def set_statuses(self, changes: list[RecommendationChange]) -> tuple[list[str], list[str]]: ...

    def delete_recommendation(self, record: RecommendationRecord, event: AuditEvent) -> None: ...

    def get_enhancement(self, enhancement_id: str) -> EnhancementRecord: ...

    def enhancements_of(self, validation_id: str) -> list[EnhancementRecord]: ...

    def list_enhancements(
        self, *, validation_id: str | None, limit: int, cursor: str | None
    ) -> Page[EnhancementRecord]: ...

    def record_enhancement(
        self,
        enhancement: EnhancementRecord,
        validation: ValidationRecord,
        result_validation: ValidationRecord,
        events: list[AuditEvent],
    ) -> None: ...

    def mark_rolled_back(
        self,
        enhancement: EnhancementRecord,
        rollback_version: str,
        actor: str,
        validation: ValidationRecord,
        event: AuditEvent,
    ) -> None: ...


class Documents(Protocol):
    """The versioned documents bucket; a missing key or version raises DocumentMissing."""

    bucket: str

    def put(self, key: str, body: bytes, metadata: dict[str, str] | None = None) -> str: ...

    def get(self, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]: ...

    def head(self, key: str) -> StoredObject: ...

    def hide(self, key: str) -> None:
        """Undo a write to a key of TBCV's own: a delete marker (versions are never deleted)."""

    def restore(self, key: str, version_id: str, *, replacing: str) -> str | None:
        """Undo a write over a user's document: copy `version_id` back as the newest, unless
        `replacing` is no longer the newest; the new version id, or None."""

    def list_keys(
        self, prefix: str, *, page_size: int, continuation_token: str | None = None
    ) -> tuple[list[str], str | None]: ...


class Figures(Protocol):
    """Validation summaries (dicts of the list projection) for statistics and cache warming."""

    def since(self, since: str | None) -> Iterator[dict[str, Any]]: ...

    def newest(self, limit: int) -> list[dict[str, Any]]: ...


class Maintenance(Protocol):
    def get(self) -> MaintenanceState: ...

    def set(self, state: MaintenanceState, event: AuditEvent) -> MaintenanceState: ...


class ResultCache(Protocol):
    """Engine reports (JSON) by key (chalicelib.store.result_cache.cache_key)."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, report: dict, size: int) -> bool: ...

    def stats(self) -> dict[str, Any]: ...

    def clear(self) -> int: ...

    def delete_other_versions(self, ruleset_version: str) -> int: ...

    def reset_counters(self) -> None: ...


class Timings(Protocol):
    def record(self, operation: str, latency_ms: float, ok: bool) -> None: ...

    def summaries(self, operations: list[str], since: datetime) -> list[TimingSummary]: ...


class Checkpoints(Protocol):
    def save(self, checkpoint_id: str, manifest: dict, event: AuditEvent) -> None: ...

    def get(self, checkpoint_id: str) -> dict | None: ...


class Infrastructure(Protocol):
    """Status probes, and the table export/import and export objects of checkpoints."""

    tables: dict[str, str]  # logical name -> table name

    def probe_dynamodb(self) -> Probe: ...

    def probe_s3(self) -> Probe: ...

    def probe_sqs(self) -> Probe: ...

    def probe_stepfunctions(self) -> Probe: ...

    def export_table(self, table: str) -> Iterator[dict[str, Any]]: ...

    def write_lines(self, key: str, items: Iterator[dict[str, Any]]) -> tuple[int, str]: ...

    def read_export(self, key: str) -> bytes | None: ...

    def key_attributes(self, table: str) -> list[str]: ...

    def insert_new(self, table: str, items: list[dict[str, Any]]) -> tuple[int, int]: ...

    def import_table(self, table: str, items: list[dict[str, Any]]) -> int: ...

    def put_export(self, key: str, body: bytes, content_type: str) -> None: ...

    def presigned_url(self, key: str, expires_in: int = 3600) -> str: ...


class Workflows(Protocol):
    """Workflow records and item results; state changes are conditional (StateChanged)."""

    def create(self, record: WorkflowRecord, event: AuditEvent) -> WorkflowRecord: ...

    def get(self, workflow_id: str) -> WorkflowRecord: ...

    def list(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        state: str | None = None,
        workflow_type: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page[WorkflowRecord]: ...

    def transition(
        self, workflow_id: str, current: str, target: str, event: AuditEvent, changes: dict[str, Any] | None = None
    ) -> WorkflowRecord: ...

    def update(self, workflow_id: str, changes: dict[str, Any]) -> None: ...

    def add_items(self, workflow_id: str, count: int, *, listing_complete: bool) -> None: ...

    def claim_start(self, workflow_id: str) -> bool: ...

    def record_item(self, item: WorkflowItem) -> bool: ...

    def get_item(self, workflow_id: str, item: str) -> WorkflowItem | None: ...

    def items(
        self, workflow_id: str, *, limit: int, cursor: str | None = None, status: str | None = None
    ) -> Page[WorkflowItem]: ...

    def delete(self, workflow_id: str, event: AuditEvent) -> None: ...


class Executions(Protocol):
    """The state machine executions that run workflows."""

    def start(self, workflow_type: str, name: str, payload: dict) -> str: ...

    def stop(self, execution_arn: str, cause: str) -> None: ...

    def status(self, execution_arn: str) -> str: ...


class Uploads(Protocol):
    """The upload pipeline's idempotency ledger."""

    def claim(self, upload_id: str, bucket: str, key: str, version_id: str) -> UploadRecord | None: ...

    def finish(
        self,
        upload_id: str,
        status: str,
        *,
        reason: str | None = None,
        validation_id: str | None = None,
        enhancement_id: str | None = None,
    ) -> None: ...

    def release(self, upload_id: str) -> None: ...

    def get(self, upload_id: str) -> UploadRecord | None: ...


class EventPublisher(Protocol):
    """Live events (docs/realtime.md), published after the change is committed; never raises."""

    def publish_all(self, events: Iterable[tuple[str, dict[str, Any]]]) -> None: ...


class UploadConsumers(Protocol):
    """What consumes the upload queue (event source mappings; the local stack's pollers)."""

    def switch(self, enabled: bool) -> int:
        """Stop or resume consumption; returns how many consumers were switched."""
        ...


class Rules(Protocol):
    """The ruleset this process validates with."""

    def current(self) -> Ruleset: ...

    def reload(self) -> Ruleset:
        """Read the configuration folder again (a changed one gets a new version)."""
        ...
