"""In-memory fakes of the operation ports (chalicelib/ops/ports.py), for the fast unit tier
of the operations (tests/unit/ops): no moto, no AWS, milliseconds per test.

Each fake keeps the contract its adapter keeps where operations rely on it: versions that
start at 1 and move on every change, VersionConflict when the expected version is stale,
ItemNotFound / DocumentMissing for what does not exist, the audit event of a change written
with it, newest-first lists with cursors. The moto integration tests (tests/integration)
check the adapters themselves against the same expectations."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.aws.documents import DocumentMissing, StoredObject
from chalicelib.aws.infra import Probe
from chalicelib.engine.ruleset import Ruleset, load_ruleset
from chalicelib.ops.context import OperationContext
from chalicelib.settings import ROLES, Settings, get_settings
from chalicelib.store.errors import InvalidCursor, ItemNotFound, VersionConflict
from chalicelib.store.maintenance import MaintenanceState
from chalicelib.store.records import AuditEvent, Page, ValidationRecord, utc_now
from chalicelib.store.result_cache import key_version
from chalicelib.store.review import EnhancementRecord, RecommendationRecord
from chalicelib.store.timings import BUCKETS, TimingSummary, bucket_of
from chalicelib.store.workflows import StateChanged, UploadRecord, WorkflowItem, WorkflowRecord


def _page(items: list, limit: int, cursor: str | None) -> Page:
    """Offset cursors over a list already in order."""
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise InvalidCursor("cursor is not one this API returned") from None
    end = start + limit
    return Page(items=items[start:end], next_cursor=str(end) if end < len(items) else None)


def _newest_first(records: Iterable, attribute: str = "created_at") -> list:
    return sorted(records, key=lambda r: getattr(r, attribute), reverse=True)


class FakeAudit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)

    def for_target(self, target_id: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]:
        return _page([e for e in reversed(self.events) if e.target_id == target_id], limit, cursor)

    def search(self, *, limit, cursor, actor, target_id, operation, since) -> Page[AuditEvent]:
        found = [
            e
            for e in reversed(self.events)
            if (actor is None or e.actor == actor)
            and (target_id is None or e.target_id == target_id)
            and (operation is None or e.operation == operation)
            and (since is None or e.created_at >= since)
        ]
        return _page(found, limit, cursor)

    def operations(self) -> list[str]:
        """The operations of every event, oldest first (what tests assert on)."""
        return [e.operation for e in self.events]


class FakeCounters:
    def __init__(self, validations: FakeValidations):
        self._validations = validations

    def read(self) -> dict[str, int]:
        counters: dict[str, int] = {}
        records = list(self._validations.records.values())
        for record in records:
            for name in (
                "validations",
                f"outcome_{record.outcome}",
                f"review_{record.review_status}",
                f"family_{record.family or 'none'}",
            ):
                counters[name] = counters.get(name, 0) + 1
            for severity, number in record.counts.items():
                counters[f"issues_{severity}"] = counters.get(f"issues_{severity}", 0) + number
        counters["documents"] = len({r.document.key for r in records})
        return counters


class FakeValidations:
    def __init__(self, audit: FakeAudit):
        self._audit = audit
        self.records: dict[str, ValidationRecord] = {}
        self.counters = FakeCounters(self)

    def create(self, record: ValidationRecord, event: AuditEvent) -> ValidationRecord:
        if record.validation_id in self.records:
            raise VersionConflict("validation", record.validation_id)
        self.records[record.validation_id] = record.model_copy(update={"version": 1})
        self._audit.record(event)
        return self.records[record.validation_id]

    def get(self, validation_id: str) -> ValidationRecord:
        if validation_id not in self.records:
            raise ItemNotFound("validation", validation_id)
        return self.records[validation_id]

    def get_many(self, validation_ids: list[str]) -> dict[str, ValidationRecord]:
        return {i: self.records[i] for i in validation_ids if i in self.records}

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
        found = [
            r.model_copy(update={"issues": None})  # list views carry summaries only
            for r in _newest_first(self.records.values())
            if (review_status is None or r.review_status == review_status)
            and (document_key is None or r.document.key == document_key)
            and (outcome is None or r.outcome == outcome)
            and (family is None or r.family == family)
            and (key_prefix is None or r.document.key.startswith(key_prefix))
        ]
        return _page(found, limit, cursor)

    def change(self, validation_id: str, expected_version: int, changes: dict[str, Any]) -> None:
        current = self.get(validation_id)
        if current.version != expected_version:
            raise VersionConflict("validation", validation_id)
        self.records[validation_id] = current.model_copy(
            update={**changes, "version": current.version + 1, "updated_at": utc_now()}
        )

    def update(self, validation_id: str, expected_version: int, changes: dict[str, Any], event: AuditEvent):
        self.change(validation_id, expected_version, changes)
        self._audit.record(event)
        return self.records[validation_id]

    def update_many(self, changes) -> tuple[list[str], list[str]]:
        written, conflicted = [], []
        for validation_id, version, fields, event in changes:
            try:
                self.update(validation_id, version, fields, event)
                written.append(validation_id)
            except (VersionConflict, ItemNotFound):
                conflicted.append(validation_id)
        return written, conflicted

    def revalidations_of(self, validation: ValidationRecord) -> list[str]:
        return [r.validation_id for r in self.records.values() if r.parent_validation_id == validation.validation_id]

    def delete(self, validation_id: str, expected_version: int, event: AuditEvent) -> None:
        if self.get(validation_id).version != expected_version:
            raise VersionConflict("validation", validation_id)
        del self.records[validation_id]
        self._audit.record(event)


class FakeReview:
    def __init__(self, audit: FakeAudit, validations: FakeValidations):
        self._audit, self._validations = audit, validations
        self.recommendations: dict[str, RecommendationRecord] = {}
        self.enhancements: dict[str, EnhancementRecord] = {}

    def replace_recommendations(self, validation_id, records, remove, event) -> None:
        for record in remove:
            self.recommendations.pop(record.recommendation_id, None)
        for record in records:
            self.recommendations[record.recommendation_id] = record.model_copy(update={"version": 1})
        self._audit.record(event)

    def get_recommendation(self, recommendation_id: str) -> RecommendationRecord:
        if recommendation_id not in self.recommendations:
            raise ItemNotFound("recommendation", recommendation_id)
        return self.recommendations[recommendation_id]

    def get_recommendations(self, recommendation_ids: list[str]) -> dict[str, RecommendationRecord]:
        return {i: self.recommendations[i] for i in recommendation_ids if i in self.recommendations}

    def recommendations_of(self, validation_id: str) -> list[RecommendationRecord]:
        found = [r for r in self.recommendations.values() if r.validation_id == validation_id]
        return sorted(found, key=lambda r: r.created_at)

    def list_recommendations(self, validation_id, *, limit, cursor, status) -> Page[RecommendationRecord]:
        found = [r for r in self.recommendations_of(validation_id) if status is None or r.status == status]
        return _page(found, limit, cursor)

    def set_statuses(self, changes) -> tuple[list[str], list[str]]:
        written, conflicted = [], []
        for record, fields, event in changes:
            current = self.recommendations.get(record.recommendation_id)
            if current is None or current.version != record.version:
                conflicted.append(record.recommendation_id)
                continue
            self.recommendations[record.recommendation_id] = current.model_copy(
                update={**fields, "version": current.version + 1, "updated_at": utc_now()}
            )
            self._audit.record(event)
            written.append(record.recommendation_id)
        return written, conflicted

    def delete_recommendation(self, record: RecommendationRecord, event: AuditEvent) -> None:
        if self.get_recommendation(record.recommendation_id).version != record.version:
            raise VersionConflict("recommendation", record.recommendation_id)
        del self.recommendations[record.recommendation_id]
        self._audit.record(event)

    def get_enhancement(self, enhancement_id: str) -> EnhancementRecord:
        if enhancement_id not in self.enhancements:
            raise ItemNotFound("enhancement", enhancement_id)
        return self.enhancements[enhancement_id]

    def enhancements_of(self, validation_id: str) -> list[EnhancementRecord]:
        return [e for e in self.enhancements.values() if e.validation_id == validation_id]

    def list_enhancements(self, *, validation_id, limit, cursor) -> Page[EnhancementRecord]:
        found = [e for e in self.enhancements.values() if validation_id is None or e.validation_id == validation_id]
        return _page(_newest_first(found), limit, cursor)

    def record_enhancement(self, enhancement, validation, result_validation, events) -> None:
        if enhancement.enhancement_id in self.enhancements or result_validation.validation_id in (
            self._validations.records
        ):
            raise VersionConflict("validation", validation.validation_id)
        self._validations.change(
            validation.validation_id,
            validation.version,
            {"enhanced": True, "enhancement_ids": validation.enhancement_ids + [enhancement.enhancement_id]},
        )
        self._validations.records[result_validation.validation_id] = result_validation.model_copy(update={"version": 1})
        self.enhancements[enhancement.enhancement_id] = enhancement.model_copy(update={"version": 1})
        for event in events:
            self._audit.record(event)

    def mark_rolled_back(self, enhancement, rollback_version, actor, validation, event) -> None:
        current = self.get_enhancement(enhancement.enhancement_id)
        if current.rolled_back or current.version != enhancement.version:
            raise VersionConflict("enhancement", enhancement.enhancement_id)
        self._validations.change(validation.validation_id, validation.version, {"enhanced": False})
        now = utc_now()
        self.enhancements[enhancement.enhancement_id] = current.model_copy(
            update={
                "rolled_back": True,
                "rolled_back_by": actor,
                "rolled_back_at": now,
                "rollback_version": rollback_version,
                "updated_at": now,
                "version": current.version + 1,
            }
        )
        self._audit.record(event)


@dataclass
class _Version:
    version_id: str
    body: bytes | None  # None: a delete marker (hide), as in a versioned S3 bucket
    metadata: dict[str, str]


class FakeDocuments:
    """A versioned bucket: every put is a new version, `get` without a version is the latest;
    `hide` adds a delete marker and nothing deletes a version (as the functions' IAM roles)."""

    def __init__(self, bucket: str = "fake-documents"):
        self.bucket = bucket
        self.objects: dict[str, list[_Version]] = {}
        self._next = 0

    def _add(self, key: str, body: bytes | None, metadata: dict[str, str]) -> str:
        self._next += 1
        version_id = f"v{self._next}"
        self.objects.setdefault(key, []).append(_Version(version_id, body, metadata))
        return version_id

    def put(self, key: str, body: bytes, metadata: dict[str, str] | None = None) -> str:
        return self._add(key, body, dict(metadata or {}))

    def _version(self, key: str, version_id: str | None) -> _Version:
        versions = self.objects.get(key) or []
        if version_id is None:
            if versions and versions[-1].body is not None:
                return versions[-1]
        else:
            for version in versions:
                if version.version_id == version_id and version.body is not None:
                    return version
        raise DocumentMissing(key, version_id)

    def get(self, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]:
        version = self._version(key, version_id)
        body = version.body or b""
        return body, StoredObject(key, version.version_id, len(body), dict(version.metadata))

    def head(self, key: str) -> StoredObject:
        return self.get(key)[1]

    def hide(self, key: str) -> None:
        self._add(key, None, {})

    def restore(self, key: str, version_id: str, *, replacing: str) -> str | None:
        if self.head(key).version_id != replacing:
            return None
        version = self._version(key, version_id)
        return self._add(key, version.body, dict(version.metadata))

    def list_keys(self, prefix: str, *, page_size: int, continuation_token: str | None = None):
        keys = sorted(
            k for k, versions in self.objects.items() if k.startswith(prefix) and versions[-1].body is not None
        )
        start = int(continuation_token or 0)
        end = start + page_size
        return keys[start:end], str(end) if end < len(keys) else None


class FakeFigures:
    def __init__(self, validations: FakeValidations):
        self._validations = validations

    def _summaries(self) -> list[dict[str, Any]]:
        return [
            {
                "validation_id": r.validation_id,
                "created_at": r.created_at,
                "key": r.document.key,
                "version_id": r.document.version_id,
                "family": r.family,
                "profile": r.profile,
                "outcome": r.outcome,
                "review_status": r.review_status,
                "counts": dict(r.counts),
                "ruleset_version": r.ruleset_version,
                "content_sha256": r.content_sha256,
                "created_by": r.created_by,
            }
            for r in _newest_first(self._validations.records.values())
        ]

    def since(self, since: str | None) -> Iterator[dict[str, Any]]:
        return iter([s for s in self._summaries() if since is None or s["created_at"] >= since])

    def newest(self, limit: int) -> list[dict[str, Any]]:
        return self._summaries()[:limit]


class FakeMaintenance:
    def __init__(self, audit: FakeAudit):
        self._audit = audit
        self.state = MaintenanceState(enabled=False)

    def get(self) -> MaintenanceState:
        return self.state

    def set(self, state: MaintenanceState, event: AuditEvent) -> MaintenanceState:
        self.state = state
        self._audit.record(event)
        return state


class FakeResultCache:
    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}
        self.hits = self.misses = 0

    def get(self, key: str) -> dict | None:
        found = self.entries.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, report: dict, size: int) -> bool:
        self.entries[key] = report
        return True

    def stats(self) -> dict[str, Any]:
        versions: dict[str, int] = {}
        for key in self.entries:
            version = key_version(key) or "unknown"
            versions[version] = versions.get(version, 0) + 1
        return {"entries": len(self.entries), "hits": self.hits, "misses": self.misses, "by_ruleset_version": versions}

    def clear(self) -> int:
        removed = len(self.entries)
        self.entries.clear()
        return removed

    def delete_other_versions(self, ruleset_version: str) -> int:
        doomed = [key for key in self.entries if key_version(key) != ruleset_version]
        for key in doomed:
            del self.entries[key]
        return len(doomed)

    def reset_counters(self) -> None:
        self.hits = self.misses = 0


class FakeTimings:
    def __init__(self) -> None:
        self.samples: list[tuple[str, float, bool]] = []

    def record(self, operation: str, latency_ms: float, ok: bool) -> None:
        self.samples.append((operation, latency_ms, ok))

    def summaries(self, operations: list[str], since: datetime) -> list[TimingSummary]:
        merged: dict[str, TimingSummary] = {}
        for operation, latency_ms, ok in self.samples:
            summary = merged.setdefault(operation, TimingSummary(operation, buckets=[0] * BUCKETS))
            summary.count += 1
            summary.errors += 0 if ok else 1
            summary.total_ms += latency_ms
            summary.max_ms = max(summary.max_ms, latency_ms)
            summary.buckets[bucket_of(latency_ms)] += 1
        return [merged[name] for name in operations if name in merged]


class FakeCheckpoints:
    def __init__(self, audit: FakeAudit):
        self._audit = audit
        self.manifests: dict[str, dict] = {}

    def save(self, checkpoint_id: str, manifest: dict, event: AuditEvent) -> None:
        self.manifests[checkpoint_id] = manifest
        self._audit.record(event)

    def get(self, checkpoint_id: str) -> dict | None:
        return self.manifests.get(checkpoint_id)


class FakeInfrastructure:
    """Tables as lists of DynamoDB-JSON items keyed by `pk`; exports as a dict of objects."""

    def __init__(self) -> None:
        self.tables = {"system": "fake-system"}
        self.items: dict[str, list[dict[str, Any]]] = {"fake-system": []}
        self.exports: dict[str, bytes] = {}
        self.dlq_depth = 0

    def probe_dynamodb(self) -> Probe:
        return Probe(True, 0.1, {"tables": {name: {"table": t, "status": "ACTIVE"} for name, t in self.tables.items()}})

    def probe_s3(self) -> Probe:
        return Probe(True, 0.1, {"bucket": "fake-documents"})

    def probe_sqs(self) -> Probe:
        return Probe(True, 0.1, {"queue": "fake-uploads", "depth": 0, "in_flight": 0, "dlq_depth": self.dlq_depth})

    def probe_stepfunctions(self) -> Probe:
        return Probe(True, 0.1, {"state_machines": {}})

    def export_table(self, table: str) -> Iterator[dict[str, Any]]:
        return iter(list(self.items.get(table, [])))

    def write_lines(self, key: str, items: Iterator[dict[str, Any]]) -> tuple[int, str]:
        lines = [json.dumps(item) for item in items]
        body = "".join(line + "\n" for line in lines).encode()
        self.exports[key] = body
        return len(lines), hashlib.sha256(body).hexdigest()

    def read_export(self, key: str) -> bytes | None:
        return self.exports.get(key)

    def key_attributes(self, table: str) -> list[str]:
        return ["pk"]

    def insert_new(self, table: str, items: list[dict[str, Any]]) -> tuple[int, int]:
        present = {item["pk"]["S"] for item in self.items.setdefault(table, [])}
        new = [item for item in items if item["pk"]["S"] not in present]
        self.items[table] += new
        return len(new), len(items) - len(new)

    def import_table(self, table: str, items: list[dict[str, Any]]) -> int:
        kept = {item["pk"]["S"]: item for item in self.items.get(table, [])}
        kept.update({item["pk"]["S"]: item for item in items})
        self.items[table] = list(kept.values())
        return len(items)

    def put_export(self, key: str, body: bytes, content_type: str) -> None:
        self.exports[key] = body

    def presigned_url(self, key: str, expires_in: int = 3600) -> str:
        return f"https://exports.invalid/{key}"


class FakeWorkflows:
    def __init__(self, audit: FakeAudit):
        self._audit = audit
        self.records: dict[str, WorkflowRecord] = {}
        self.item_results: dict[tuple[str, str], WorkflowItem] = {}

    def create(self, record: WorkflowRecord, event: AuditEvent) -> WorkflowRecord:
        self.records[record.workflow_id] = record
        self._audit.record(event)
        return record

    def get(self, workflow_id: str) -> WorkflowRecord:
        if workflow_id not in self.records:
            raise ItemNotFound("workflow", workflow_id)
        return self.records[workflow_id]

    def list(self, *, limit, cursor=None, state=None, workflow_type=None, created_from=None, created_to=None):
        found = [
            r
            for r in _newest_first(self.records.values())
            if (state is None or r.state == state)
            and (workflow_type is None or r.workflow_type == workflow_type)
            and (created_from is None or r.created_at >= created_from)
            and (created_to is None or r.created_at <= created_to)
        ]
        return _page(found, limit, cursor)

    def transition(self, workflow_id, current, target, event, changes=None) -> WorkflowRecord:
        record = self.get(workflow_id)
        if record.state != current:
            raise StateChanged(workflow_id, record.state)
        self.records[workflow_id] = record.model_copy(
            update={"state": target, "updated_at": utc_now(), **(changes or {})}
        )
        self._audit.record(event)
        return self.records[workflow_id]

    def update(self, workflow_id: str, changes: dict[str, Any]) -> None:
        record = self.get(workflow_id)
        self.records[workflow_id] = record.model_copy(update={**changes, "updated_at": utc_now()})

    def add_items(self, workflow_id: str, count: int, *, listing_complete: bool) -> None:
        record = self.get(workflow_id)
        self.update(workflow_id, {"total": record.total + count, "listing_complete": listing_complete})

    def claim_start(self, workflow_id: str) -> bool:
        record = self.get(workflow_id)
        if record.state != "running":
            return False
        self.records[workflow_id] = record.model_copy(update={"started": record.started + 1})
        return True

    def record_item(self, item: WorkflowItem) -> bool:
        if (item.workflow_id, item.item) in self.item_results:
            return False
        self.item_results[(item.workflow_id, item.item)] = item
        record = self.get(item.workflow_id)
        counter = "done" if item.status == "succeeded" else "failed"
        self.records[item.workflow_id] = record.model_copy(update={counter: getattr(record, counter) + 1})
        return True

    def get_item(self, workflow_id: str, item: str) -> WorkflowItem | None:
        return self.item_results.get((workflow_id, item))

    def items(self, workflow_id, *, limit, cursor=None, status=None) -> Page[WorkflowItem]:
        found = [
            i
            for (wid, _), i in sorted(self.item_results.items())
            if wid == workflow_id and (status is None or i.status == status)
        ]
        return _page(found, limit, cursor)

    def delete(self, workflow_id: str, event: AuditEvent) -> None:
        self.get(workflow_id)
        del self.records[workflow_id]
        self.item_results = {k: v for k, v in self.item_results.items() if k[0] != workflow_id}
        self._audit.record(event)


class FakeExecutions:
    def __init__(self) -> None:
        self.started: list[tuple[str, str, dict]] = []
        self.statuses: dict[str, str] = {}
        self.failure: Exception | None = None  # raised by `start` when set

    def start(self, workflow_type: str, name: str, payload: dict) -> str:
        if self.failure is not None:
            raise self.failure
        arn = f"arn:fake:states:execution:{workflow_type}:{name}"
        self.started.append((workflow_type, name, payload))
        self.statuses[arn] = "RUNNING"
        return arn

    def stop(self, execution_arn: str, cause: str) -> None:
        if self.statuses.get(execution_arn) == "RUNNING":
            self.statuses[execution_arn] = "ABORTED"

    def status(self, execution_arn: str) -> str:
        return self.statuses.get(execution_arn, "MISSING")


class FakeUploads:
    def __init__(self) -> None:
        self.records: dict[str, UploadRecord] = {}

    def claim(self, upload_id: str, bucket: str, key: str, version_id: str) -> UploadRecord | None:
        if upload_id in self.records:
            return self.records[upload_id]
        now = utc_now()
        self.records[upload_id] = UploadRecord(
            upload_id=upload_id,
            bucket=bucket,
            key=key,
            version_id=version_id,
            status="processing",
            claimed_at=now,
            updated_at=now,
        )
        return None

    def finish(self, upload_id, status, *, reason=None, validation_id=None, enhancement_id=None) -> None:
        values = {"reason": reason, "validation_id": validation_id, "enhancement_id": enhancement_id}
        self.records[upload_id] = self.records[upload_id].model_copy(
            update={"status": status, "updated_at": utc_now(), **{k: v for k, v in values.items() if v}}
        )

    def release(self, upload_id: str) -> None:
        if self.records.get(upload_id) and self.records[upload_id].status == "processing":
            del self.records[upload_id]

    def get(self, upload_id: str) -> UploadRecord | None:
        return self.records.get(upload_id)


class FakeEvents:
    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish_all(self, events: Iterable[tuple[str, dict[str, Any]]]) -> None:
        self.published.extend(events)


class FakeConsumers:
    def __init__(self) -> None:
        self.states: list[bool] = []

    def switch(self, enabled: bool) -> int:
        self.states.append(enabled)
        return 1


class FakeRules:
    """The engine's default ruleset, counting reloads instead of clearing a process cache."""

    def __init__(self) -> None:
        self.reloads = 0

    def current(self) -> Ruleset:
        return load_ruleset()

    def reload(self) -> Ruleset:
        self.reloads += 1
        return load_ruleset()


@dataclass
class FakeWorld:
    """Every fake port, sharing one audit log and one validation store; `context` builds
    the operation context of a caller on them."""

    settings: Settings = field(default_factory=get_settings)
    audit: FakeAudit = field(default_factory=FakeAudit)

    def __post_init__(self) -> None:
        self.validations = FakeValidations(self.audit)
        self.review = FakeReview(self.audit, self.validations)
        self.documents = FakeDocuments(self.settings.documents_bucket)
        self.figures = FakeFigures(self.validations)
        self.maintenance = FakeMaintenance(self.audit)
        self.result_cache = FakeResultCache()
        self.timings = FakeTimings()
        self.checkpoints = FakeCheckpoints(self.audit)
        self.infra = FakeInfrastructure()
        self.workflows = FakeWorkflows(self.audit)
        self.executions = FakeExecutions()
        self.uploads = FakeUploads()
        self.events = FakeEvents()
        self.consumers = FakeConsumers()
        self.rules = FakeRules()

    def context(self, principal: str = "tester", roles: tuple[str, ...] = ROLES) -> OperationContext:
        ports = {name: getattr(self, name) for name in OperationContext.__dataclass_fields__ if hasattr(self, name)}
        return OperationContext(**ports, principal=principal, roles=tuple(roles))
