"""The system table: maintenance flag, validation result cache, operation timings, and the
read models the admin and query operations need (audit log search, validation figures).

One table, keyed `pk`/`sk`:
- `maintenance` / `state`: the maintenance flag (changed together with its audit event);
- `cache` / `<key>`: a cached engine report (TTL `result_cache_days`);
- `counter` / `cache`: cache hits and misses (atomic ADD);
- `timing` / `<YYYY-MM-DDTHH>#<operation>`: an hourly latency histogram per operation
  (batched atomic ADDs into log-scale buckets, so p50/p95/p99 need no raw samples; TTL 30 days);
- `checkpoint` / `<checkpoint_id>`: a checkpoint's manifest.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from time import monotonic
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.settings import get_settings
from chalicelib.store.cursor import decode_cursor, encode_cursor, page_size
from chalicelib.store.errors import InvalidCursor
from chalicelib.store.models import AuditEventModel, ValidationModel
from chalicelib.store.records import AuditEvent, Page
from chalicelib.store.repositories import audit_record

_settings = get_settings()
_log = logging.getLogger(__name__)

# Latency histogram: bucket i holds samples up to FIRST_BOUND_MS * GROWTH**i (~19 % wide).
FIRST_BOUND_MS = 0.05
GROWTH = 2**0.25
BUCKETS = 96  # up to ~0.05 ms * 2**24 = 14 minutes
TIMING_RETENTION_DAYS = 30
TIMING_PARTITION = "timing"
MAX_CACHED_BYTES = 350 * 1024  # DynamoDB items stop at 400 KB


class SystemEntryModel(Model):
    class Meta:
        table_name = _settings.system_table
        region = _settings.region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class CounterModel(Model):
    class Meta:
        table_name = _settings.system_table
        region = _settings.region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    hits = NumberAttribute(null=True)
    misses = NumberAttribute(null=True)


class TimingModel(Model):
    class Meta:
        table_name = _settings.system_table
        region = _settings.region

    pk = UnicodeAttribute(hash_key=True)  # "timing"
    sk = UnicodeAttribute(range_key=True)  # YYYY-MM-DDTHH#<operation>
    operation = UnicodeAttribute(null=True)
    calls = NumberAttribute(attr_name="count", null=True)  # not `count`: that is Model.count()
    errors = NumberAttribute(null=True)
    total_ms = NumberAttribute(null=True)
    max_ms = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    for _i in range(BUCKETS):
        locals()[f"b{_i}"] = NumberAttribute(null=True)
    del _i


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _transaction() -> TransactWrite:
    return TransactWrite(connection=Connection(region=_settings.region))


# --- maintenance -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MaintenanceState:
    enabled: bool
    reason: str = ""
    since: str | None = None
    by: str | None = None


class MaintenanceFlag:
    """Read by every write operation, so it is cached per container for `ttl_seconds`
    (`TBCV_MAINTENANCE_CACHE_SECONDS`, default 2): a switch made through this container
    holds at once, one made elsewhere within that delay (docs/configuration.md)."""

    def __init__(self, audit: Any, ttl_seconds: float = 2.0):
        self._audit = audit
        self._ttl = ttl_seconds
        self._cached: tuple[float, MaintenanceState] | None = None

    def get(self) -> MaintenanceState:
        cached = self._cached
        if cached is not None and monotonic() - cached[0] < self._ttl:
            return cached[1]
        try:
            item = SystemEntryModel.get("maintenance", "state", consistent_read=True)
            state = MaintenanceState(**(item.data or {"enabled": False}))
        except DoesNotExist:
            state = MaintenanceState(enabled=False)
        self._cached = (monotonic(), state)
        return state

    def set(self, state: MaintenanceState, event: AuditEvent) -> MaintenanceState:
        data = {"enabled": state.enabled, "reason": state.reason, "since": state.since, "by": state.by}
        with _transaction() as tx:
            tx.save(SystemEntryModel(pk="maintenance", sk="state", data=data, updated_at=_iso(_now())))
            tx.save(self._audit.to_model(event))
        self._cached = (monotonic(), state)
        return state


# --- result cache --------------------------------------------------------------------------


class ResultCacheStore:
    """Engine reports by cache key (content hash, ruleset version, family, profile, path)."""

    def __init__(self, retention_days: int):
        self._retention_days = retention_days

    def get(self, key: str) -> dict | None:
        try:
            item = SystemEntryModel.get("cache", key)
        except DoesNotExist:
            item = None
        CounterModel(pk="counter", sk="cache").update(
            actions=[(CounterModel.hits if item else CounterModel.misses).add(1)]
        )
        return item.data if item else None

    def put(self, key: str, report: dict, size: int) -> bool:
        """Store a report unless it is too large for one item; True when stored."""
        if size > MAX_CACHED_BYTES:
            return False
        SystemEntryModel(
            pk="cache",
            sk=key,
            data=report,
            updated_at=_iso(_now()),
            expires_at=_now() + timedelta(days=self._retention_days),
        ).save()
        return True

    def _entries(self) -> Iterator[SystemEntryModel]:
        return SystemEntryModel.query("cache")

    def stats(self) -> dict[str, Any]:
        entries, size = 0, 0
        versions: dict[str, int] = {}
        for item in SystemEntryModel.query("cache", attributes_to_get=["pk", "sk"]):
            entries += 1
            version = item.sk.split("|", 2)[1] if item.sk.count("|") >= 2 else "unknown"
            versions[version] = versions.get(version, 0) + 1
            size += len(item.sk)
        try:
            counter = CounterModel.get("counter", "cache")
            hits, misses = int(counter.hits or 0), int(counter.misses or 0)
        except DoesNotExist:
            hits = misses = 0
        return {"entries": entries, "hits": hits, "misses": misses, "by_ruleset_version": versions}

    def delete_where(self, keep) -> int:
        """Delete every entry for which `keep(sk, data)` is false; returns how many."""
        removed = 0
        with SystemEntryModel.batch_write() as batch:
            for item in self._entries():
                if not keep(item.sk, item):
                    batch.delete(item)
                    removed += 1
        return removed

    def reset_counters(self) -> None:
        CounterModel(pk="counter", sk="cache", hits=0, misses=0).save()


# --- operation timings ----------------------------------------------------------------------


def bucket_of(latency_ms: float) -> int:
    if latency_ms <= FIRST_BOUND_MS:
        return 0
    return min(BUCKETS - 1, math.ceil(math.log(latency_ms / FIRST_BOUND_MS, GROWTH)))


def bucket_upper_ms(index: int) -> float:
    return FIRST_BOUND_MS * GROWTH**index


@dataclass(slots=True)
class TimingSummary:
    operation: str
    count: int = 0
    errors: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * BUCKETS)

    def percentile(self, fraction: float) -> float:
        """The upper bound of the bucket holding the sample at `fraction`, capped at the max."""
        if not self.count:
            return 0.0
        rank, seen = max(1, math.ceil(fraction * self.count)), 0
        for index, number in enumerate(self.buckets):
            seen += number
            if seen >= rank:
                return min(bucket_upper_ms(index), self.max_ms)
        return self.max_ms


@dataclass(slots=True)
class _PendingTiming:
    """Samples of one operation and hour not yet written."""

    count: int = 0
    errors: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    buckets: dict[int, int] = field(default_factory=dict)

    def add(self, latency_ms: float, ok: bool) -> None:
        self.count += 1
        self.errors += 0 if ok else 1
        self.total_ms += latency_ms
        self.max_ms = max(self.max_ms, latency_ms)
        index = bucket_of(latency_ms)
        self.buckets[index] = self.buckets.get(index, 0) + 1


class TimingStore:
    """Latency histograms per operation and hour, aggregated in memory and written in
    batches: no DynamoDB call on a request's path, one atomic ADD per operation and hour
    every `flush_seconds` (`TBCV_TIMINGS_FLUSH_SECONDS`, default 10). A container that is
    recycled loses at most its last interval (CloudWatch has every sample as EMF).

    All histograms live under one partition, sorted `<hour>#<operation>`, so a report
    over any span is one Query, not one per operation."""

    def __init__(self, flush_seconds: float = 10.0):
        self._flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], _PendingTiming] = {}
        self._last_flush = monotonic()

    def record(self, operation: str, latency_ms: float, ok: bool) -> None:
        hour = _now().strftime("%Y-%m-%dT%H")
        with self._lock:
            self._pending.setdefault((operation, hour), _PendingTiming()).add(latency_ms, ok)
            if monotonic() - self._last_flush < self._flush_seconds:
                return
        self.flush()

    def flush(self) -> None:
        """Write every pending sample (readers call this first, so they see their own)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = monotonic()
        expires = _now() + timedelta(days=TIMING_RETENTION_DAYS)
        for (operation, hour), samples in pending.items():
            try:
                self._write(operation, hour, samples, expires)
            except Exception:  # bookkeeping never fails an operation; EMF has every sample
                _log.warning("latency histogram of %s (%s) not written", operation, hour, exc_info=True)

    @staticmethod
    def _write(operation: str, hour: str, samples: _PendingTiming, expires: datetime) -> None:
        item = TimingModel(pk=TIMING_PARTITION, sk=f"{hour}#{operation}")
        actions = [
            TimingModel.calls.add(samples.count),
            TimingModel.total_ms.add(round(samples.total_ms, 3)),
            TimingModel.operation.set(operation),
            TimingModel.expires_at.set(expires),
            *(getattr(TimingModel, f"b{index}").add(number) for index, number in samples.buckets.items()),
        ]
        if samples.errors:
            actions.append(TimingModel.errors.add(samples.errors))
        item.update(actions=actions)
        try:
            item.update(
                actions=[TimingModel.max_ms.set(round(samples.max_ms, 3))],
                condition=TimingModel.max_ms.does_not_exist() | (TimingModel.max_ms < samples.max_ms),
            )
        except Exception as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

    def summaries(self, operations: list[str], since: datetime) -> list[TimingSummary]:
        """Hourly histograms merged per operation, for the hours since `since`."""
        self.flush()
        wanted = set(operations)
        merged: dict[str, TimingSummary] = {}
        for item in TimingModel.query(TIMING_PARTITION, TimingModel.sk >= since.strftime("%Y-%m-%dT%H")):
            if item.operation not in wanted:
                continue
            summary = merged.setdefault(item.operation, TimingSummary(item.operation))
            summary.count += int(item.calls or 0)
            summary.errors += int(item.errors or 0)
            summary.total_ms += float(item.total_ms or 0)
            summary.max_ms = max(summary.max_ms, float(item.max_ms or 0))
            for index in range(BUCKETS):
                summary.buckets[index] += int(getattr(item, f"b{index}") or 0)
        return [merged[name] for name in operations if name in merged and merged[name].count]


# --- checkpoints ---------------------------------------------------------------------------


class CheckpointIndex:
    def save(self, checkpoint_id: str, manifest: dict, event: AuditEvent, audit: Any) -> None:
        with _transaction() as tx:
            tx.save(
                SystemEntryModel(pk="checkpoint", sk=checkpoint_id, data=manifest, updated_at=manifest["created_at"])
            )
            tx.save(audit.to_model(event))

    def get(self, checkpoint_id: str) -> dict | None:
        try:
            return SystemEntryModel.get("checkpoint", checkpoint_id, consistent_read=True).data
        except DoesNotExist:
            return None


# --- read models for the query operations ------------------------------------------------


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


class AuditSearch:
    """Audit events newest first, month partition by month, with optional filters."""

    def __init__(self, retention_days: int):
        self._months = retention_days // 28 + 1

    def search(
        self,
        *,
        limit: int,
        cursor: str | None,
        actor: str | None,
        target_id: str | None,
        operation: str | None,
        since: str | None,
    ) -> Page[AuditEvent]:
        condition = None
        if operation is not None:
            condition = AuditEventModel.operation == operation
        if actor is not None and target_id is not None:
            condition = (
                (AuditEventModel.actor == actor) if condition is None else condition & (AuditEventModel.actor == actor)
            )
        start = decode_cursor(cursor)
        if target_id is not None or actor is not None:
            index, hash_key, key_name = (
                (AuditEventModel.by_target, target_id, "target_id")
                if target_id is not None
                else (AuditEventModel.by_actor, actor, "actor")
            )
            range_condition = AuditEventModel.event_id >= since if since else None
            return self._page(
                index.query(
                    hash_key,
                    range_condition,
                    filter_condition=condition,
                    scan_index_forward=False,
                    last_evaluated_key=start,
                    page_size=page_size(limit, filtered=condition is not None),
                ),
                limit,
                key_name,
            )
        return self._by_month(limit=limit, start=start, condition=condition, since=since)

    def _by_month(self, *, limit: int, start: dict | None, condition: Any, since: str | None) -> Page[AuditEvent]:
        month = _now().strftime("%Y-%m")
        if start is not None:
            month = (start.get("month") or {}).get("S") or ""
            if len(month) != 7:
                raise InvalidCursor("cursor is not one this API returned")
        items: list[AuditEvent] = []
        for _ in range(self._months):
            if since and month < since[:7]:
                break
            range_condition = AuditEventModel.event_id >= since if since else None
            result = AuditEventModel.query(
                month,
                range_condition,
                filter_condition=condition,
                scan_index_forward=False,
                last_evaluated_key=start,
                page_size=page_size(limit, filtered=condition is not None),
            )
            for model in result:
                items.append(audit_record(model))
                if len(items) == limit:
                    last = {"month": {"S": model.month}, "event_id": {"S": model.event_id}}
                    return Page(items=items, next_cursor=encode_cursor(last))
            start, month = None, _month_before(month)
        return Page(items=items, next_cursor=None)

    @staticmethod
    def _page(result, limit: int, index_key: str) -> Page[AuditEvent]:
        """A page of an index query; the cursor is the index's exclusive start key."""
        items = []
        for model in result:
            items.append(audit_record(model))
            if len(items) == limit:
                last = {
                    "month": {"S": model.month},
                    "event_id": {"S": model.event_id},
                    index_key: {"S": getattr(model, index_key)},
                }
                return Page(items=items, next_cursor=encode_cursor(last))
        return Page(items=items, next_cursor=None)


class ValidationFigures:
    """Validation summaries (index projections only) for statistics and history."""

    def since(self, since: str | None) -> Iterator[dict[str, Any]]:
        condition = ValidationModel.created_at >= since if since else None
        for model in ValidationModel.by_created.query("validation", condition, scan_index_forward=False):
            yield _figures(model)

    def newest(self, limit: int) -> list[dict[str, Any]]:
        items = []
        for model in ValidationModel.by_created.query("validation", scan_index_forward=False, limit=limit):
            items.append(_figures(model))
            if len(items) == limit:
                break
        return items


def _figures(model: ValidationModel) -> dict[str, Any]:
    return {
        "validation_id": model.validation_id,
        "created_at": model.created_at,
        "key": model.document_key,
        "version_id": model.document_version,
        "family": model.family,
        "profile": model.profile,
        "outcome": model.outcome,
        "review_status": model.review_status,
        "counts": dict(model.counts or {}),
        "ruleset_version": model.ruleset_version,
        "content_sha256": model.content_sha256,
        "created_by": model.created_by,
    }


class SystemStore:
    """Everything the system table holds, as the operation context's `system` port."""

    def __init__(
        self,
        audit: Any,
        *,
        audit_retention_days: int,
        result_cache_days: int,
        timings_flush_seconds: float = 10.0,
        maintenance_cache_seconds: float = 2.0,
    ):
        self.audit = audit
        self.maintenance = MaintenanceFlag(audit, maintenance_cache_seconds)
        self.result_cache = ResultCacheStore(result_cache_days)
        self.timings = TimingStore(timings_flush_seconds)
        self.checkpoints = CheckpointIndex()
        self.audit_search = AuditSearch(audit_retention_days)
        self.figures = ValidationFigures()

    def record(self, event: AuditEvent) -> None:
        """An audit event for a change that is not a table item (cache, ruleset, checkpoint restore)."""
        self.audit.to_model(event).save()

    def reachable(self) -> bool:
        try:
            return SystemEntryModel.exists()
        except Exception:  # any transport or auth failure means "not reachable"
            return False
