"""boto3 clients, created once per process on first use. boto3 itself is imported on
first use too: it is ~80 ms of cold start that health checks and engine-only paths skip."""

from __future__ import annotations

from functools import cache

from chalicelib.settings import get_settings


@cache
def client(service: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service, region_name=get_settings().region, config=Config(retries={"max_attempts": 5, "mode": "standard"})
    )
