"""Dashboards and metrics agree: every TBCV metric a dashboard shows is one the code
emits (with the dimensions it emits), and every metric the code emits is on a dashboard
or deliberately left off. Also: the bodies only name resources the template has."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import sys
from pathlib import Path

import pytest

from chalicelib import metrics
from local_aws.template import load_template

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra" / "dashboards"))
import dashboards  # noqa: E402

# metric name -> why it is on no dashboard (alarms or ad-hoc queries only)
DELIBERATELY_OFF_DASHBOARD: dict[str, str] = {}

TEMPLATE = load_template()
BODIES = {
    logical_id: resource["Properties"]["DashboardBody"]["Fn::Sub"]
    for logical_id, resource in dashboards.resources(TEMPLATE).items()
}
SEARCH = re.compile(r"\{TBCV,([^}]*)\} MetricName=\\?\"(\w+)\\?\"")
COMMON = set(metrics.COMMON_DIMENSIONS)


def _widgets(body: str) -> list[dict]:
    return json.loads(body)["widgets"]


def _references(body: str) -> list[tuple[str, frozenset[str]]]:
    """(metric name, dimension names) of every TBCV metric a body shows."""
    found = []
    for widget in _widgets(body):
        for entry in widget.get("properties", {}).get("metrics", []):
            if isinstance(entry[0], dict):
                for schema, name in SEARCH.findall(entry[0]["expression"]):
                    found.append((name, frozenset(schema.split(","))))
            elif entry[0] == metrics.NAMESPACE:
                pairs = [part for part in entry[2:] if not isinstance(part, dict)]
                found.append((entry[1], frozenset(pairs[0::2])))
    return found


def _shown() -> set[str]:
    return {name for body in BODIES.values() for name, _ in _references(body)}


# One call per helper: together they must emit every metric of the catalogue.
HELPER_CALLS = {
    "record_api_call": [("validate_content", 201, 3.0), ("validate_content", 404, 1.0), ("validate_content", 500, 2.0)],
    "record_step_run": [("validate_file",)],
    "engine_ran": [
        (type("R", (), {"timings_ms": {"total": 1.5}})(),),
        (type("R", (), {"timings_ms": {"cached": 0.0}})(),),
    ],
    "validation_completed": [("fail", [type("I", (), {"severity": "error", "category": "truth", "rule": "TR001"})()])],
    "recommendations_generated": [(3,)],
    "recommendations_moved": [("approved", "review", 1), ("rejected", "review", 1), ("applied", "apply", 1)],
    "enhancement_applied": [()],
    "enhancement_refused": [()],
    "enhancement_rolled_back": [()],
    "workflow_finished": [
        ("validate_prefix", "completed", "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:02.000000Z"),
        ("validate_prefix", "failed", None, "2026-01-01T00:00:00Z"),
    ],
    "workflow_item_finished": [("validate_prefix", "failed")],
    "duplicate_skipped": [("upload",)],
    "mcp_call": [("get_validation", "not_found")],
}


def _emitted_by_helpers() -> dict[str, set[frozenset[str]]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for helper, calls in HELPER_CALLS.items():
            for args in calls:
                getattr(metrics, helper)(*args)
    emitted: dict[str, set[frozenset[str]]] = {}
    for line in out.getvalue().splitlines():
        directive = json.loads(line)["_aws"]["CloudWatchMetrics"][0]
        for metric in directive["Metrics"]:
            emitted.setdefault(metric["Name"], set()).update(frozenset(d) for d in directive["Dimensions"])
    return emitted


def _public_helpers() -> set[str]:
    return {
        name
        for name, value in vars(metrics).items()
        if inspect.isfunction(value) and not name.startswith("_") and value.__module__ == metrics.__name__
    }


@pytest.mark.parametrize("logical_id", sorted(BODIES))
def test_every_metric_a_dashboard_shows_is_in_the_catalogue_with_its_dimensions(logical_id):
    for name, dimensions in _references(BODIES[logical_id]):
        assert name in metrics.CATALOGUE, f"{logical_id} shows {name}, which the code never emits"
        assert dimensions == COMMON | set(metrics.CATALOGUE[name].dimensions), (logical_id, name, dimensions)


def test_every_emitted_metric_is_on_a_dashboard_or_deliberately_left_off():
    missing = set(metrics.CATALOGUE) - _shown() - set(DELIBERATELY_OFF_DASHBOARD)
    assert not missing, f"metrics on no dashboard: {sorted(missing)}"


def test_metrics_left_off_are_real_and_really_off():
    for name, reason in DELIBERATELY_OFF_DASHBOARD.items():
        assert name in metrics.CATALOGUE and name not in _shown() and reason


def test_the_helpers_emit_every_catalogue_metric_with_its_catalogue_dimensions():
    emitted = _emitted_by_helpers()
    assert set(emitted) == set(metrics.CATALOGUE)
    for name, dimension_sets in emitted.items():
        assert dimension_sets == {frozenset(COMMON | set(metrics.CATALOGUE[name].dimensions))}, name


def test_every_helper_is_exercised_by_this_test():
    assert _public_helpers() == set(HELPER_CALLS)


def test_every_helper_is_called_where_its_event_happens():
    sources = [
        path.read_text()
        for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]
        if path.name != "metrics.py"
    ]
    for helper in _public_helpers():
        assert any(re.search(rf"\b{helper}\(", text) for text in sources), f"nothing calls metrics.{helper}"


def test_a_metric_with_the_wrong_dimensions_is_refused():
    with pytest.raises(ValueError, match="ValidationsCompleted"):
        metrics._emit({}, [("ValidationsCompleted", 1)])


@pytest.mark.parametrize("logical_id", sorted(BODIES))
def test_dashboard_bodies_only_substitute_template_resources(logical_id):
    names = set(TEMPLATE["Resources"]) | {"Stage", "AWS::Region"}
    for reference in re.findall(r"\$\{([A-Za-z0-9:]+)(?:\.\w+)?\}", BODIES[logical_id]):
        assert reference in names, f"{logical_id} substitutes unknown ${{{reference}}}"


def test_the_operations_dashboard_shows_every_function_queue_state_machine_and_table():
    body = BODIES["OperationsDashboard"]
    for logical_id, resource in TEMPLATE["Resources"].items():
        if "Type" not in resource or resource["Type"] in (
            "AWS::SQS::Queue",
            "AWS::StepFunctions::StateMachine",
            "AWS::DynamoDB::Table",
        ):
            assert f"${{{logical_id}" in body, f"{logical_id} is not on the operations dashboard"


def test_api_gateway_widgets_show_4xx_5xx_and_latency_percentiles():
    api = [
        entry
        for widget in _widgets(BODIES["OperationsDashboard"])
        for entry in widget.get("properties", {}).get("metrics", [])
        if entry[0] == "AWS/ApiGateway"
    ]
    assert {e[1] for e in api} >= {"4XXError", "5XXError", "Latency"}
    assert {e[-1]["stat"] for e in api if e[1] == "Latency"} == {"p50", "p95", "p99"}


def test_content_quality_shows_the_recommendation_funnel_in_order():
    funnel = next(
        w
        for w in _widgets(BODIES["ContentQualityDashboard"])
        if w["properties"].get("title", "").startswith("Recommendations funnel")
    )
    names = [entry[1] for entry in funnel["properties"]["metrics"]]
    assert names[:3] == ["RecommendationsGenerated", "RecommendationsApproved", "RecommendationsApplied"]


def test_dashboard_bodies_fit_cloudwatch_limits():
    for body in BODIES.values():
        assert len(body.encode()) < 1024 * 1024
        assert all(len(w.get("properties", {}).get("metrics", [])) <= 500 for w in _widgets(body))
