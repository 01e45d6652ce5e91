"""Step Functions: start, stop and describe workflow executions."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib.aws.clients import client


class ExecutionStarter:
    """Starts the state machine of a workflow type; machine names are
    `<arn prefix><type with dashes>` (tbcv-<stage>-validate-prefix, ...)."""

    def __init__(self, state_machine_arn_prefix: str):
        self._prefix = state_machine_arn_prefix

    def state_machine_arn(self, workflow_type: str) -> str:
        return self._prefix + workflow_type.replace("_", "-")

    def start(self, workflow_type: str, name: str, payload: dict) -> str:
        """Start an execution named `name` (always named: unnamed ones collide locally)."""
        response = client("stepfunctions").start_execution(
            stateMachineArn=self.state_machine_arn(workflow_type), name=name, input=json.dumps(payload)
        )
        return response["executionArn"]

    def stop(self, execution_arn: str, cause: str) -> None:
        """Stop a running execution; one that already ended is left as it is."""
        try:
            client("stepfunctions").stop_execution(executionArn=execution_arn, cause=cause[:32768])
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("ExecutionDoesNotExist", "ExecutionNotRunning"):
                raise

    def status(self, execution_arn: str) -> str:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED; MISSING when Step Functions does not
        know the execution (e.g. the local stack restarted: executions are not kept)."""
        try:
            return client("stepfunctions").describe_execution(executionArn=execution_arn)["status"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return "MISSING"
            raise
