"""CloudWatch dashboards as code: `operations` (API, Lambda, SQS, Step Functions,
DynamoDB, and the service's own API/MCP/workflow metrics) and `content_quality`
(validations by outcome, top failing rules, the recommendation funnel, enhancements).

`resources(template)` returns the AWS::CloudWatch::Dashboard resources that
scripts/package.py merges into the packaged template. Functions, queues, state machines
and tables are read from the template, so a new one shows up without editing this file.
Bodies are `Fn::Sub` strings: `${Stage}`, `${AWS::Region}` and `${LogicalId}` /
`${LogicalId.Attribute}` are filled in by CloudFormation. Custom metrics come from
chalicelib/metrics.py (namespace TBCV, dimensions service + stage + the metric's own);
tests/unit/test_dashboards.py checks both directions against its catalogue.
"""

from __future__ import annotations

import json
from typing import Any

NAMESPACE = "TBCV"
COMMON = ["service", "tbcv", "stage", "${Stage}"]
OUTCOMES = ("pass", "warning", "fail")
SEVERITIES = ("error", "warning", "info")
CATEGORIES = ("frontmatter", "markdown", "code", "links", "structure", "seo", "truth", "llm")
API = ["ApiName", "tbcv", "Stage", "${Stage}"]
WIDTH, HEIGHT = 12, 6


def _tbcv(metric: str, *dimensions: str, **options: Any) -> list:
    """A TBCV custom metric with the common dimensions (and `dimensions` name/value pairs)."""
    return [NAMESPACE, metric, *dimensions, *COMMON, *([options] if options else [])]


def _search(
    metric: str, dimension: str | None, stat: str, period: int, label: str, top: int | None = None, ident: str = "e1"
) -> list:
    """All series of a TBCV metric split by `dimension` (values not known in advance), as
    a widget's metrics list (add lists to show several)."""
    schema = ",".join([NAMESPACE, *([dimension] if dimension else []), "service", "stage"])
    expression = f"SEARCH('{{{schema}}} MetricName=\"{metric}\" stage=\"${{Stage}}\"', '{stat}', {period})"
    if top:
        expression = f"SORT({expression}, SUM, DESC, {top})"
    return [[{"expression": expression, "id": ident, "label": label}]]


def _widget(
    title: str,
    metrics: list,
    *,
    stat: str = "Sum",
    period: int = 300,
    view: str = "timeSeries",
    stacked: bool = False,
    width: int = WIDTH,
) -> dict:
    return {
        "type": "metric",
        "width": width,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "metrics": metrics,
            "stat": stat,
            "period": period,
            "view": view,
            "stacked": stacked,
        },
    }


def _text(markdown: str) -> dict:
    return {"type": "text", "width": 24, "height": 2, "properties": {"markdown": markdown}}


def _of_type(template: dict, kind: str) -> list[str]:
    return [k for k, r in template["Resources"].items() if r.get("Type") == kind]


def functions(template: dict) -> list[str]:
    """Chalice's Lambda functions: the merge template's type-less overrides of them."""
    return [k for k, r in template["Resources"].items() if "Type" not in r]


def queues(template: dict) -> tuple[list[str], list[str]]:
    """(work queues, dead-letter queues): a DLQ is a queue another one redrives into."""
    all_queues = _of_type(template, "AWS::SQS::Queue")
    dead = {
        r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for k in all_queues
        if "RedrivePolicy" in (r := template["Resources"][k])["Properties"]
    }
    return [q for q in all_queues if q not in dead], sorted(dead)


def operations(template: dict) -> dict:
    fns = functions(template)
    work, dead = queues(template)
    machines = _of_type(template, "AWS::StepFunctions::StateMachine")
    tables = _of_type(template, "AWS::DynamoDB::Table")

    def lam(metric: str, **options: Any) -> list:
        return [["AWS/Lambda", metric, "FunctionName", f"${{{f}}}", {"label": f, **options}] for f in fns]

    return {
        "widgets": [
            _text(
                "# TBCV ${Stage}: operations\nAPI, functions, queues, workflows and tables. "
                "Alarms and what to do: docs/runbook.md."
            ),
            _widget(
                "API requests, 4xx and 5xx",
                [
                    ["AWS/ApiGateway", "Count", *API],
                    ["AWS/ApiGateway", "4XXError", *API],
                    ["AWS/ApiGateway", "5XXError", *API],
                ],
            ),
            _widget(
                "API latency p50 / p95 / p99 (ms)",
                [
                    ["AWS/ApiGateway", "Latency", *API, {"stat": "p50"}],
                    ["AWS/ApiGateway", "Latency", *API, {"stat": "p95"}],
                    ["AWS/ApiGateway", "Latency", *API, {"stat": "p99"}],
                ],
                stat="p95",
            ),
            _widget("API calls by operation", _search("ApiCalls", "operation", "Sum", 300, "calls")),
            _widget(
                "API errors by operation (5xx, 4xx)",
                _search("ApiServerErrors", "operation", "Sum", 300, "5xx", ident="e1")
                + _search("ApiClientErrors", "operation", "Sum", 300, "4xx", ident="e2"),
            ),
            _widget(
                "API handler latency p95 by operation (ms)",
                _search("ApiLatency", "operation", "p95", 300, "p95"),
                stat="p95",
            ),
            _widget("Lambda errors", lam("Errors")),
            _widget("Lambda throttles", lam("Throttles")),
            _widget("Lambda duration p95 (ms)", lam("Duration", stat="p95"), stat="p95"),
            _widget("Lambda concurrent executions", lam("ConcurrentExecutions"), stat="Maximum"),
            _widget(
                "SQS age of oldest message (s)",
                [
                    ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", f"${{{q}.QueueName}}", {"label": q}]
                    for q in work
                ],
                stat="Maximum",
            ),
            _widget(
                "Dead-letter queue depth",
                [
                    ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", f"${{{q}.QueueName}}", {"label": q}]
                    for q in dead
                ],
                stat="Maximum",
            ),
            _widget(
                "Step Functions executions failed / timed out",
                [
                    ["AWS/States", metric, "StateMachineArn", f"${{{m}}}", {"label": f"{m} {metric}"}]
                    for m in machines
                    for metric in ("ExecutionsFailed", "ExecutionsTimedOut")
                ],
            ),
            _widget(
                "Workflow duration p95 (ms) and item failures",
                _search("WorkflowDuration", "workflow_type", "p95", 3600, "duration p95", ident="e1")
                + _search("WorkflowItemFailures", "workflow_type", "Sum", 3600, "item failures", ident="e2"),
                period=3600,
            ),
            _widget(
                "Workflows finished (completed / failed) and items processed",
                _search("WorkflowsCompleted", "workflow_type", "Sum", 3600, "completed", ident="e1")
                + _search("WorkflowsFailed", "workflow_type", "Sum", 3600, "failed", ident="e2")
                + _search("WorkflowItemsProcessed", "workflow_type", "Sum", 3600, "items", ident="e3"),
                period=3600,
            ),
            _widget(
                "DynamoDB throttled reads / writes",
                [
                    ["AWS/DynamoDB", metric, "TableName", f"${{{t}}}", {"label": f"{t} {metric}"}]
                    for t in tables
                    for metric in ("ReadThrottleEvents", "WriteThrottleEvents")
                ],
            ),
            _widget(
                "DynamoDB consumed capacity (read / write units)",
                [
                    ["AWS/DynamoDB", metric, "TableName", f"${{{t}}}", {"label": f"{t} {metric}"}]
                    for t in tables
                    for metric in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")
                ],
            ),
            _widget("MCP tool calls by tool", _search("McpCalls", "tool", "Sum", 300, "calls")),
            _widget("MCP errors by type", _search("McpErrors", "error_type", "Sum", 300, "errors")),
            _widget(
                "Engine latency (ms) and result cache",
                [
                    _tbcv("EngineLatency", stat="p50", label="engine p50"),
                    _tbcv("EngineLatency", stat="p95", label="engine p95"),
                    _tbcv("CacheHits", stat="Sum", label="cache hits", yAxis="right"),
                    _tbcv("CacheMisses", stat="Sum", label="cache misses", yAxis="right"),
                ],
            ),
            _widget(
                "Duplicates skipped (idempotency) and Step Functions tasks",
                _search("DuplicatesSkipped", "source", "Sum", 300, "duplicates", ident="e1")
                + _search("StepOperations", "operation", "Sum", 300, "steps", ident="e2"),
            ),
        ]
    }


def content_quality(template: dict) -> dict:
    return {
        "widgets": [
            _text(
                "# TBCV ${Stage}: content quality\nWhat the validations find and what review does "
                "with it. Metric meanings: chalicelib/metrics.py."
            ),
            _widget(
                "Validations per hour by outcome",
                [_tbcv("ValidationsCompleted", "outcome", o, label=o) for o in OUTCOMES],
                period=3600,
                view="timeSeries",
                stacked=True,
            ),
            _widget(
                "Top 10 failing rules (issues per hour)",
                _search("IssuesByRule", "rule", "Sum", 3600, "issues", top=10),
                period=3600,
                view="bar",
            ),
            _widget(
                "Issues by severity",
                [_tbcv("Issues", "severity", s, label=s) for s in SEVERITIES],
                period=3600,
                stacked=True,
            ),
            _widget(
                "Issues by rule family",
                [_tbcv("IssuesByCategory", "category", c, label=c) for c in CATEGORIES],
                period=3600,
                stacked=True,
            ),
            _widget(
                "Recommendations funnel: generated (pending) → approved → applied",
                [
                    _tbcv("RecommendationsGenerated", label="generated (pending)"),
                    _tbcv("RecommendationsApproved", label="approved"),
                    _tbcv("RecommendationsApplied", label="applied"),
                    _tbcv("RecommendationsRejected", label="rejected"),
                ],
                period=86400,
                view="bar",
                width=24,
            ),
            _widget(
                "Enhancements applied, refused by the safety gate, rolled back",
                [
                    _tbcv("EnhancementsApplied", label="applied"),
                    _tbcv("EnhancementsRefused", label="refused (safety gate)"),
                    _tbcv("EnhancementRollbacks", label="rolled back"),
                ],
                period=3600,
                width=24,
            ),
        ]
    }


DASHBOARDS = {
    "OperationsDashboard": ("operations", operations),
    "ContentQualityDashboard": ("content-quality", content_quality),
}


def resources(template: dict) -> dict[str, dict]:
    """The dashboard resources to merge into `template`'s Resources."""
    return {
        logical_id: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {
                "DashboardName": {"Fn::Sub": f"tbcv-${{Stage}}-{name}"},
                "DashboardBody": {"Fn::Sub": json.dumps(build(template), separators=(",", ":"))},
            },
        }
        for logical_id, (name, build) in DASHBOARDS.items()
    }
