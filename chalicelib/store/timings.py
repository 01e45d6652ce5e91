"""Latency histograms per operation and hour (`timing` / `<hour>#<operation>` in the
system table), for the performance and health reports."""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from time import monotonic

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.tables import TableNames

_log = logging.getLogger(__name__)

# Latency histogram: bucket i holds samples up to FIRST_BOUND_MS * GROWTH**i (~19 % wide).
FIRST_BOUND_MS = 0.05
GROWTH = 2**0.25
BUCKETS = 96  # up to ~0.05 ms * 2**24 = 14 minutes
TIMING_RETENTION_DAYS = 30
TIMING_PARTITION = "timing"


class TimingModel(Model):
    TABLE = "system"

    pk = UnicodeAttribute(hash_key=True)  # "timing"
    sk = UnicodeAttribute(range_key=True)  # YYYY-MM-DDTHH#<operation>
    operation = UnicodeAttribute(null=True)
    count = NumberAttribute(null=True)  # type: ignore[assignment]  # the stored name; Model.count() is never called on it
    errors = NumberAttribute(null=True)
    total_ms = NumberAttribute(null=True)
    max_ms = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    for _i in range(BUCKETS):
        locals()[f"b{_i}"] = NumberAttribute(null=True)
    del _i


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

    def __init__(self, tables: TableNames, flush_seconds: float = 10.0):
        self._model = tables.bind(TimingModel)
        self._flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], _PendingTiming] = {}
        self._last_flush = monotonic()

    def record(self, operation: str, latency_ms: float, ok: bool) -> None:
        hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
        with self._lock:
            self._pending.setdefault((operation, hour), _PendingTiming()).add(latency_ms, ok)
            if monotonic() - self._last_flush < self._flush_seconds:
                return
        self.flush()

    def flush(self) -> None:
        """Write every pending sample (every `flush_seconds`, on the next recorded call)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = monotonic()
        expires = datetime.now(UTC) + timedelta(days=TIMING_RETENTION_DAYS)
        for (operation, hour), samples in pending.items():
            try:
                self._write(operation, hour, samples, expires)
            except Exception:  # bookkeeping never fails an operation; EMF has every sample
                _log.warning("latency histogram of %s (%s) not written", operation, hour, exc_info=True)

    def _write(self, operation: str, hour: str, samples: _PendingTiming, expires: datetime) -> None:
        model = self._model
        item = model(pk=TIMING_PARTITION, sk=f"{hour}#{operation}")
        actions = [
            model.count.add(samples.count),
            model.total_ms.add(round(samples.total_ms, 3)),
            model.operation.set(operation),
            model.expires_at.set(expires),
            *(getattr(model, f"b{index}").add(number) for index, number in samples.buckets.items()),
        ]
        if samples.errors:
            actions.append(model.errors.add(samples.errors))
        item.update(actions=actions)
        try:
            item.update(
                actions=[model.max_ms.set(round(samples.max_ms, 3))],
                condition=model.max_ms.does_not_exist() | (model.max_ms < samples.max_ms),
            )
        except Exception as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

    def summaries(self, operations: list[str], since: datetime) -> list[TimingSummary]:
        """Hourly histograms merged per operation, for the hours since `since`: the stored
        ones and this process's samples not written yet (a read never writes: under load
        a flush here made every stats call wait for a dozen updates)."""
        wanted, first_hour = set(operations), since.strftime("%Y-%m-%dT%H")
        merged: dict[str, TimingSummary] = {}

        def add(operation: str, count, errors, total_ms, max_ms, buckets: dict[int, int]) -> None:
            summary = merged.setdefault(operation, TimingSummary(operation))
            summary.count += int(count or 0)
            summary.errors += int(errors or 0)
            summary.total_ms += float(total_ms or 0)
            summary.max_ms = max(summary.max_ms, float(max_ms or 0))
            for index, number in buckets.items():
                summary.buckets[index] += int(number or 0)

        model = self._model
        for item in model.query(TIMING_PARTITION, model.sk >= first_hour):
            if item.operation in wanted:
                buckets = {index: getattr(item, f"b{index}") for index in range(BUCKETS)}
                add(item.operation, item.count, item.errors, item.total_ms, item.max_ms, buckets)
        with self._lock:
            pending = [(key, replace(samples, buckets=dict(samples.buckets))) for key, samples in self._pending.items()]
        for (operation, hour), samples in pending:
            if operation in wanted and hour >= first_hour:
                add(operation, samples.count, samples.errors, samples.total_ms, samples.max_ms, samples.buckets)
        return [merged[name] for name in operations if name in merged and merged[name].count]
