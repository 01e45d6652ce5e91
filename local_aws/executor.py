"""Runs Lambda invocations in-process: moto's Lambda needs Docker, so its invoke hook is
pointed at the Chalice handlers. One patch covers the Invoke API and Step Functions
Lambda tasks, in-process (`mock_aws`) or under the threaded moto server."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

from chalice.local import LambdaContext
from moto.awslambda.models import LambdaFunction

from local_aws.template import function_name


def install_lambda_executor(
    handlers: dict[str, Callable[[Any, Any], Any]], *, app_name: str, stage: str
) -> Callable[[], None]:
    """Route invocations of `<app>-<stage>-<handler>` to `handlers[handler]`; returns an
    uninstall function."""
    by_function = {function_name(app_name, stage, name): (name, fn) for name, fn in handlers.items()}
    original = LambdaFunction._invoke_lambda

    def invoke(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        if self.function_name not in by_function:
            return original(self, event)
        name, handler = by_function[self.function_name]
        payload = event if isinstance(event, (dict, list)) else json.loads(event or "{}")
        try:
            result = handler(payload, LambdaContext(name, 1024, max_runtime_ms=30_000))
            return json.dumps(result), False, ""
        except Exception as error:  # reported as a Lambda function error, like AWS does
            return (
                json.dumps(
                    {
                        "errorType": type(error).__name__,
                        "errorMessage": str(error),
                        "stackTrace": traceback.format_tb(error.__traceback__),
                    }
                ),
                True,
                "",
            )

    LambdaFunction._invoke_lambda = invoke  # type: ignore[method-assign]  # running the handlers in process is the point

    def uninstall() -> None:
        LambdaFunction._invoke_lambda = original  # type: ignore[method-assign]  # restores moto's own

    return uninstall
