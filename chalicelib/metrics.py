"""Every CloudWatch metric TBCV emits: names, units and dimensions in one catalogue, and
the small functions handlers and operations call where the event happens.

Metrics are written as CloudWatch Embedded Metric Format lines on stdout through
Powertools (`EphemeralMetrics`: one line per dimension set, printed at once, so an
operation's metrics never leak dimensions into another's). Every line also carries the
`service` and `stage` dimensions, so stages sharing an account keep apart; the dashboards
in infra/dashboards/ read exactly these names (tests/unit/test_dashboards.py checks both
directions). Operations call these plain functions and never import Powertools.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from chalicelib.settings import get_settings

NAMESPACE = "TBCV"
SERVICE = "tbcv"
COMMON_DIMENSIONS = ("service", "stage")


class Metric(NamedTuple):
    unit: str
    dimensions: tuple[str, ...]  # besides COMMON_DIMENSIONS
    meaning: str


COUNT, MS = MetricUnit.Count.value, MetricUnit.Milliseconds.value

CATALOGUE: dict[str, Metric] = {
    "ApiCalls": Metric(COUNT, ("operation",), "REST requests"),
    "ApiClientErrors": Metric(COUNT, ("operation",), "REST responses 4xx"),
    "ApiServerErrors": Metric(COUNT, ("operation",), "REST responses 5xx"),
    "ApiLatency": Metric(MS, ("operation",), "REST handler time"),
    "StepOperations": Metric(COUNT, ("operation",), "operations run by Step Functions tasks"),
    "ValidationsCompleted": Metric(COUNT, ("outcome",), "stored validations by outcome"),
    "Issues": Metric(COUNT, ("severity",), "issues of stored validations by severity"),
    "IssuesByCategory": Metric(COUNT, ("category",), "issues by rule family"),
    "IssuesByRule": Metric(COUNT, ("rule",), "issues by rule id (top failing rules)"),
    "EngineLatency": Metric(MS, (), "engine time of one page (cache misses only)"),
    "CacheHits": Metric(COUNT, (), "validations answered from the result cache"),
    "CacheMisses": Metric(COUNT, (), "validations that ran the engine"),
    "RecommendationsGenerated": Metric(COUNT, (), "recommendations drafted (enter pending)"),
    "RecommendationsApproved": Metric(COUNT, (), "recommendations approved"),
    "RecommendationsRejected": Metric(COUNT, (), "recommendations rejected"),
    "RecommendationsApplied": Metric(COUNT, (), "recommendations applied by an enhancement"),
    "EnhancementsApplied": Metric(COUNT, (), "enhancements written to S3"),
    "EnhancementsRefused": Metric(COUNT, (), "enhancements refused by the safety gate"),
    "EnhancementRollbacks": Metric(COUNT, (), "enhancements rolled back"),
    "WorkflowsCompleted": Metric(COUNT, ("workflow_type",), "workflows finished completed"),
    "WorkflowsFailed": Metric(COUNT, ("workflow_type",), "workflows finished failed"),
    "WorkflowDuration": Metric(MS, ("workflow_type",), "start to finish of a workflow"),
    "WorkflowItemsProcessed": Metric(COUNT, ("workflow_type",), "workflow items finished"),
    "WorkflowItemFailures": Metric(COUNT, ("workflow_type",), "workflow items failed"),
    "DuplicatesSkipped": Metric(COUNT, ("source",), "redelivered work skipped by idempotency"),
    "McpCalls": Metric(COUNT, ("tool",), "MCP tools/call requests"),
    "McpErrors": Metric(COUNT, ("error_type",), "MCP tool calls that returned an error"),
}

# metric names of a recommendation reaching a review status
_RECOMMENDATION_TARGETS = {
    "approved": "RecommendationsApproved",
    "rejected": "RecommendationsRejected",
    "applied": "RecommendationsApplied",
}


def _emit(dimensions: dict[str, str], values: Iterable[tuple[str, float]]) -> None:
    """Print one EMF line: `values` share `dimensions` (which must be their catalogue's)."""
    line = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    line.add_dimension(name="stage", value=get_settings().stage)
    for name, value in dimensions.items():
        line.add_dimension(name=name, value=str(value) or "-")
    for name, amount in values:
        metric = CATALOGUE[name]
        if set(metric.dimensions) != set(dimensions):
            raise ValueError(f"{name} takes dimensions {metric.dimensions}, not {tuple(dimensions)}")
        line.add_metric(name=name, unit=metric.unit, value=amount)
    target = get_settings().metrics_file
    if not target:
        line.flush_metrics()  # stdout: CloudWatch Logs turns EMF lines into metrics
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(line.serialize_metric_set(), separators=(",", ":")) + "\n")


def record_api_call(operation: str, status: int, latency_ms: float) -> None:
    values = [("ApiCalls", 1), ("ApiLatency", latency_ms)]
    if status >= 500:
        values.append(("ApiServerErrors", 1))
    elif status >= 400:
        values.append(("ApiClientErrors", 1))
    _emit({"operation": operation}, values)


def record_step_run(operation: str) -> None:
    _emit({"operation": operation}, [("StepOperations", 1)])


def engine_ran(report: Any) -> None:
    """After the engine (or the cache) produced `report` (a cached one has only the
    'cached' timing)."""
    if "cached" in report.timings_ms:
        _emit({}, [("CacheHits", 1)])
    else:
        _emit({}, [("CacheMisses", 1), ("EngineLatency", report.timings_ms.get("total", 0.0))])


def validation_completed(outcome: str, issues: Iterable[Any]) -> None:
    """A stored validation: its outcome and its issues by severity, category and rule."""
    _emit({"outcome": outcome}, [("ValidationsCompleted", 1)])
    by_severity: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    for issue in issues:
        by_severity[issue.severity] = by_severity.get(issue.severity, 0) + 1
        by_category[issue.category] = by_category.get(issue.category, 0) + 1
        by_rule[issue.rule] = by_rule.get(issue.rule, 0) + 1
    for dimension, name, counts in (
        ("severity", "Issues", by_severity),
        ("category", "IssuesByCategory", by_category),
        ("rule", "IssuesByRule", by_rule),
    ):
        for value, count in counts.items():
            _emit({dimension: value}, [(name, count)])


def recommendations_generated(count: int) -> None:
    if count:
        _emit({}, [("RecommendationsGenerated", count)])


def recommendations_moved(target: str, via: str, count: int) -> None:
    """Recommendations that reached `target`; a rollback's return to approved is counted
    as EnhancementRollbacks, not as new approvals."""
    name = _RECOMMENDATION_TARGETS.get(target)
    if name and count and via != "rollback":
        _emit({}, [(name, count)])


def enhancement_applied() -> None:
    _emit({}, [("EnhancementsApplied", 1)])


def enhancement_refused() -> None:
    _emit({}, [("EnhancementsRefused", 1)])


def enhancement_rolled_back() -> None:
    _emit({}, [("EnhancementRollbacks", 1)])


def workflow_finished(workflow_type: str, state: str, started_at: str | None, finished_at: str) -> None:
    """A workflow reached completed or failed; duration from its start (ISO-8601 UTC)."""
    values: list[tuple[str, float]] = [("WorkflowsCompleted" if state == "completed" else "WorkflowsFailed", 1)]
    if started_at:
        values.append(("WorkflowDuration", _ms_between(started_at, finished_at)))
    _emit({"workflow_type": workflow_type}, values)


def workflow_item_finished(workflow_type: str, status: str) -> None:
    values = [("WorkflowItemsProcessed", 1)]
    if status == "failed":
        values.append(("WorkflowItemFailures", 1))
    _emit({"workflow_type": workflow_type}, values)


def duplicate_skipped(source: str) -> None:
    """Redelivered work found already done (`source`: upload, workflow_item)."""
    _emit({"source": source}, [("DuplicatesSkipped", 1)])


def mcp_call(tool: str, error_type: str | None) -> None:
    """One tools/call; `error_type` is the error code of a failed call (e.g. not_found)."""
    _emit({"tool": tool}, [("McpCalls", 1)])
    if error_type:
        _emit({"error_type": error_type}, [("McpErrors", 1)])


def _ms_between(start: str, end: str) -> float:
    return max(0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() * 1000)
