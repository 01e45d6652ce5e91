"""boto3 clients, created once per process on first use. boto3 itself is imported on
first use too: it is ~80 ms of cold start that health checks and engine-only paths skip."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from chalicelib.settings import get_settings

# The services the adapters call, as a literal type: mypy checks each name against boto3's
AwsService = Literal["dynamodb", "iam", "lambda", "s3", "secretsmanager", "sqs", "stepfunctions"]


@cache
def client(service: AwsService) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service, region_name=get_settings().region, config=Config(retries={"max_attempts": 5, "mode": "standard"})
    )
