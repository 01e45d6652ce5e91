"""Query operations: statistics, the audit log, per-operation latency, health and the
validation history of one document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from chalicelib.ops.catalogue import CATALOGUE, operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.fields import Cursor, DocumentPath, Limit, OperationInput
from chalicelib.ops.validation import document_path
from chalicelib.store.records import Page


def _utc_time(value: str) -> datetime:
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]`, as UTC."""
    return datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=UTC)


def _valid_time(value: str) -> str:
    _utc_time(value)  # ValueError names a bad date or time
    return value


Since = Annotated[
    str | None,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z?)?$",
        description="Only what happened at or after this UTC date or time "
        "(ISO 8601, e.g. 2026-01-31 or 2026-01-31T08:00:00Z)",
    ),
    AfterValidator(lambda v: v if v is None else _valid_time(v)),
]


# --- statistics -----------------------------------------------------------------------------


class StatsIn(OperationInput):
    since: Since = None
    bucket_minutes: int | None = Field(
        default=None, ge=1, le=1440, description="Also return the figures per time bucket of this many minutes"
    )


class StatsBucket(BaseModel):
    start: str = Field(description="UTC start of the bucket (ISO 8601)")
    validations: int
    by_outcome: dict[str, int]
    issues: dict[str, int] = Field(description="Issues found, by severity")


class StatsOut(BaseModel):
    since: str | None
    validations: int
    by_outcome: dict[str, int] = Field(description="pass / warning / fail")
    by_review_status: dict[str, int] = Field(description="pending / approved / rejected")
    by_family: dict[str, int]
    issues: dict[str, int] = Field(description="Issues found, by severity")
    documents: int = Field(description="Distinct document keys validated")
    operations: dict[str, int] = Field(description="Calls per operation in the last 30 days (or since `since`)")
    series: list[StatsBucket] | None = Field(
        default=None, description="With bucket_minutes: one bucket per interval that had validations, oldest first"
    )


def _since_time(since: str | None, default_days: int) -> datetime:
    return _utc_time(since) if since else datetime.now(UTC) - timedelta(days=default_days)


@operation(
    "get_stats",
    category="query",
    title="Get validation statistics",
    method="GET",
    path="/v1/stats",
    read_only=True,
    idempotent=True,
)
def get_stats(context: OperationContext, params: StatsIn) -> StatsOut:
    """Counts of validations by outcome, review status and family, issues by severity,
    distinct documents, and calls per operation; everything since `since` when given.

    Without `since` the counts come from running counters kept with every write (one
    read, whatever the number of validations); with it, from the validations created in
    the window."""
    timings = context.timings.summaries(sorted(CATALOGUE), _since_time(params.since, 30))
    operations = {t.operation: t.count for t in timings}
    if params.since is None and not params.bucket_minutes:
        return _stats_from_counters(context.validations.counters.read(), operations)
    outcomes = {"pass": 0, "warning": 0, "fail": 0}
    reviews = {"pending": 0, "approved": 0, "rejected": 0}
    families: dict[str, int] = {}
    issues = {"error": 0, "warning": 0, "info": 0}
    documents, total = set(), 0
    buckets: dict[str, StatsBucket] = {}
    for item in context.figures.since(params.since):
        total += 1
        if params.bucket_minutes:
            _add_to_bucket(buckets, item, params.bucket_minutes)
        outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1
        reviews[item["review_status"]] = reviews.get(item["review_status"], 0) + 1
        family = item["family"] or "none"
        families[family] = families.get(family, 0) + 1
        for severity, number in item["counts"].items():
            issues[severity] = issues.get(severity, 0) + int(number)
        documents.add(item["key"])
    return StatsOut(
        since=params.since,
        validations=total,
        by_outcome=outcomes,
        by_review_status=reviews,
        by_family=families,
        issues=issues,
        documents=len(documents),
        operations=operations,
        series=[buckets[start] for start in sorted(buckets)] if params.bucket_minutes else None,
    )


def _stats_from_counters(counters: dict[str, int], operations: dict[str, int]) -> StatsOut:
    def dimension(prefix: str, known: tuple[str, ...]) -> dict[str, int]:
        values = dict.fromkeys(known, 0)
        for name, number in counters.items():
            if name.startswith(prefix) and number:
                values[name[len(prefix) :]] = number
        return values

    return StatsOut(
        since=None,
        validations=counters.get("validations", 0),
        by_outcome=dimension("outcome_", ("pass", "warning", "fail")),
        by_review_status=dimension("review_", ("pending", "approved", "rejected")),
        by_family=dimension("family_", ()),
        issues=dimension("issues_", ("error", "warning", "info")),
        documents=counters.get("documents", 0),
        operations=operations,
    )


def _add_to_bucket(buckets: dict[str, StatsBucket], item: dict[str, Any], minutes: int) -> None:
    moment = _utc_time(item["created_at"])
    floored = moment - timedelta(
        minutes=(moment.hour * 60 + moment.minute) % minutes, seconds=moment.second, microseconds=moment.microsecond
    )
    start = floored.strftime("%Y-%m-%dT%H:%M:%SZ")
    bucket = buckets.setdefault(
        start,
        StatsBucket(
            start=start,
            validations=0,
            by_outcome={"pass": 0, "warning": 0, "fail": 0},
            issues={"error": 0, "warning": 0, "info": 0},
        ),
    )
    bucket.validations += 1
    bucket.by_outcome[item["outcome"]] = bucket.by_outcome.get(item["outcome"], 0) + 1
    for severity, number in item["counts"].items():
        bucket.issues[severity] = bucket.issues.get(severity, 0) + int(number)


# --- audit log --------------------------------------------------------------------------------


class AuditLogIn(OperationInput):
    limit: Limit = 50
    cursor: Cursor | None = None
    actor: str | None = Field(default=None, min_length=1, max_length=200, description="Only events by this principal")
    target_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only events about this item (validation id, workflow id, ...)",
    )
    operation: str | None = Field(
        default=None, pattern=r"^[a-z_]{1,64}$", description="Only events written by this operation, e.g. approve"
    )
    since: Since = None


class AuditEventOut(BaseModel):
    event_id: str
    actor: str
    operation: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: str


class AuditPage(Page[AuditEventOut]):
    pass


@operation(
    "get_audit_log",
    category="query",
    title="Search the audit log",
    method="GET",
    path="/v1/audit",
    read_only=True,
    idempotent=True,
)
def get_audit_log(context: OperationContext, params: AuditLogIn) -> AuditPage:
    """Every state change (who, what, before/after), newest first, filtered by actor,
    target, operation and time; page with `cursor`."""
    page = context.audit.search(
        limit=params.limit,
        cursor=params.cursor,
        actor=params.actor,
        target_id=params.target_id,
        operation=params.operation,
        since=params.since,
    )
    return AuditPage(items=[AuditEventOut(**event.model_dump()) for event in page.items], next_cursor=page.next_cursor)


# --- performance and health -----------------------------------------------------------------


class PerformanceIn(OperationInput):
    hours: int = Field(default=24, ge=1, le=720, description="Look-back window in hours, 1-720")
    operation: str | None = Field(default=None, pattern=r"^[a-z_]{1,64}$", description="Only this operation")


class OperationTiming(BaseModel):
    operation: str
    count: int
    errors: int
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


class PerformanceOut(BaseModel):
    hours: int
    operations: list[OperationTiming] = Field(description="Sorted by call count, most called first")
    note: str


@operation(
    "get_performance_report",
    category="query",
    title="Get the performance report",
    method="GET",
    path="/v1/performance",
    read_only=True,
    idempotent=True,
)
def get_performance_report(context: OperationContext, params: PerformanceIn) -> PerformanceOut:
    """Per operation: calls, errors, mean and p50/p95/p99/max latency over the last `hours`,
    from the timings every call records (log-scale buckets, about 19 % wide)."""
    names = [params.operation] if params.operation else sorted(CATALOGUE)
    summaries = context.timings.summaries(names, datetime.now(UTC) - timedelta(hours=params.hours))
    rows = [
        OperationTiming(
            operation=s.operation,
            count=s.count,
            errors=s.errors,
            mean_ms=round(s.total_ms / s.count, 3),
            p50_ms=round(s.percentile(0.50), 3),
            p95_ms=round(s.percentile(0.95), 3),
            p99_ms=round(s.percentile(0.99), 3),
            max_ms=round(s.max_ms, 3),
        )
        for s in summaries
    ]
    rows.sort(key=lambda r: (-r.count, r.operation))
    return PerformanceOut(
        hours=params.hours,
        operations=rows,
        note="percentiles are bucket upper bounds (log scale, ~19 % wide), capped at the maximum",
    )


class HealthIn(OperationInput):
    hours: int = Field(default=24, ge=1, le=720, description="Look-back window for error rates, 1-720")


class HealthOut(BaseModel):
    status: Literal["healthy", "degraded", "unhealthy"]
    problems: list[str] = Field(description="What is wrong, one sentence each; empty when healthy")
    services: dict[str, bool]
    dead_letter_messages: int
    maintenance: bool
    calls: int
    errors: int
    error_rate: float
    failing_operations: dict[str, float] = Field(description="Operations with errors: their error rate")
    cache_hit_rate: float


@operation(
    "get_health_report",
    category="query",
    title="Get the health report",
    method="GET",
    path="/v1/health-report",
    read_only=True,
    idempotent=True,
)
def get_health_report(context: OperationContext, params: HealthIn) -> HealthOut:
    """One verdict (healthy / degraded / unhealthy) with the reasons: unreachable services,
    messages in the dead-letter queue, maintenance mode, and operations that fail."""
    from chalicelib.ops.admin.status import service_statuses

    services = service_statuses(context)
    summaries = context.timings.summaries(sorted(CATALOGUE), datetime.now(UTC) - timedelta(hours=params.hours))
    calls = sum(s.count for s in summaries)
    errors = sum(s.errors for s in summaries)
    failing = {s.operation: round(s.errors / s.count, 4) for s in summaries if s.errors}
    dlq = int(services["sqs"].detail.get("dlq_depth", 0)) if services["sqs"].ok else 0
    maintenance = context.maintenance.get()
    cache = context.result_cache.stats()
    looked_up = cache["hits"] + cache["misses"]
    problems = [f"{name} is not reachable: {status.error}" for name, status in services.items() if not status.ok]
    unhealthy = bool(problems)
    if dlq:
        problems.append(f"{dlq} upload message(s) in the dead-letter queue")
    if maintenance.enabled:
        problems.append(f"maintenance mode is on: {maintenance.reason}")
    problems += [f"{name} failed {rate:.0%} of its calls" for name, rate in sorted(failing.items()) if rate >= 0.05]
    return HealthOut(
        status="unhealthy" if unhealthy else "degraded" if problems else "healthy",
        problems=problems,
        services={name: status.ok for name, status in services.items()},
        dead_letter_messages=dlq,
        maintenance=maintenance.enabled,
        calls=calls,
        errors=errors,
        error_rate=round(errors / calls, 4) if calls else 0.0,
        failing_operations=failing,
        cache_hit_rate=round(cache["hits"] / looked_up, 4) if looked_up else 0.0,
    )


# --- history -----------------------------------------------------------------------------------


class HistoryIn(OperationInput):
    key: DocumentPath = Field(description="Document key in the documents bucket, e.g. docs/en/java/index.md")
    limit: Limit = 20
    cursor: Cursor | None = None


class HistoryItem(BaseModel):
    validation_id: str
    created_at: str
    version_id: str
    outcome: str
    review_status: str
    counts: dict[str, int]
    ruleset_version: str
    content_sha256: str


class HistoryOut(BaseModel):
    key: str
    path: str = Field(description="The page's path as the user named it (see get_validation's document.path)")
    items: list[HistoryItem] = Field(description="Newest first")
    next_cursor: str | None
    trend: Literal["improving", "worsening", "stable", "new", "none"] = Field(
        description="First item of the page against the second: fewer errors (then warnings) is improving"
    )
    errors_change: int
    warnings_change: int


@operation(
    "get_validation_history",
    category="query",
    title="Get a document's validation history",
    method="GET",
    path="/v1/history",
    read_only=True,
    idempotent=True,
)
def get_validation_history(context: OperationContext, params: HistoryIn) -> HistoryOut:
    """The validations of one document key, newest first, with the trend of its errors and
    warnings. This is how a pipeline finds the result of an upload."""
    page = context.validations.list(limit=params.limit, cursor=params.cursor, document_key=params.key)
    items = [
        HistoryItem(
            validation_id=r.validation_id,
            created_at=r.created_at,
            version_id=r.document.version_id,
            outcome=r.outcome,
            review_status=r.review_status,
            counts=r.counts,
            ruleset_version=r.ruleset_version,
            content_sha256=r.content_sha256,
        )
        for r in page.items
    ]
    trend, errors_change, warnings_change = "none", 0, 0
    if len(items) == 1:
        trend = "new"
    elif len(items) > 1:
        newest, previous = items[0].counts, items[1].counts
        errors_change = newest.get("error", 0) - previous.get("error", 0)
        warnings_change = newest.get("warning", 0) - previous.get("warning", 0)
        change = (errors_change, warnings_change)
        trend = "stable" if change == (0, 0) else "improving" if change < (0, 0) else "worsening"
    return HistoryOut(
        key=params.key,
        path=document_path(params.key, context.settings.inline_prefix),
        items=items,
        next_cursor=page.next_cursor,
        trend=trend,
        errors_change=errors_change,
        warnings_change=warnings_change,
    )
