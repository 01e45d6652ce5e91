"""Logger and tracer shared by every handler (Powertools); metrics are chalicelib.metrics.

The tracer is created on first use: importing aws_xray_sdk costs ~100 ms of cold start,
and most invocations outside AWS never trace.
"""

from __future__ import annotations

from functools import lru_cache, wraps

from aws_lambda_powertools import Logger

from chalicelib.metrics import SERVICE, record_api_call, record_step_run  # noqa: F401 (app.py's imports)

logger = Logger(service=SERVICE)


@lru_cache(maxsize=1)
def get_tracer():
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def instrumented(handler):
    """Logger context and (lazily created) tracing for a Lambda handler that takes
    (event, context); Chalice event handlers call it with `event.context`. Metrics need no
    flush here: chalicelib.metrics prints each EMF line when it is recorded."""

    @wraps(handler)
    def run(event, context):
        traced = get_tracer().capture_lambda_handler(handler)
        return logger.inject_lambda_context(traced)(event, context)

    return run
