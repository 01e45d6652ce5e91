"""Logger, metrics and tracer shared by every handler (Powertools).

The tracer is created on first use: importing aws_xray_sdk costs ~100 ms of cold start,
and most invocations outside AWS never trace.
"""
from __future__ import annotations

from functools import lru_cache, wraps

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "tbcv"
NAMESPACE = "TBCV"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


@lru_cache(maxsize=1)
def get_tracer():
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def instrumented(handler):
    """Logger context, EMF metrics and (lazily created) tracing for a Lambda handler that
    takes (event, context); Chalice event handlers call it with `event.context`."""

    @wraps(handler)
    def run(event, context):
        traced = get_tracer().capture_lambda_handler(handler)
        return logger.inject_lambda_context(metrics.log_metrics(traced))(event, context)

    return run


def record_api_call(operation: str, status: int, latency_ms: float) -> None:
    """One EMF document per API request: calls, errors and latency by operation."""
    metrics.add_dimension(name="operation", value=operation)
    metrics.add_metric(name="ApiCalls", unit=MetricUnit.Count, value=1)
    if status >= 500:
        metrics.add_metric(name="ApiServerErrors", unit=MetricUnit.Count, value=1)
    elif status >= 400:
        metrics.add_metric(name="ApiClientErrors", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ApiLatency", unit=MetricUnit.Milliseconds, value=latency_ms)
    metrics.flush_metrics()


def record_step_run(operation: str) -> None:
    """Counted inside an `instrumented` handler, which flushes it."""
    metrics.add_dimension(name="operation", value=operation)
    metrics.add_metric(name="StepOperations", unit=MetricUnit.Count, value=1)
