"""Posting to WebSocket connections through the API Gateway Management API.

The endpoint is the WebSocket API's stage URL (`TBCV_WS_ENDPOINT`); locally it is the
local AWS, whose management API delivers to the local WebSocket server's sockets
(local_aws/websocket.py)."""

from __future__ import annotations

from functools import cache

from chalicelib.settings import get_settings


class Gone(Exception):
    """The connection no longer exists (410 GoneException)."""


@cache
def _client(endpoint: str | None):
    import boto3
    from botocore.config import Config

    # One attempt: a post is not idempotent (a retry after a slow answer would deliver the
    # frame twice), and a push is best-effort; short timeouts keep it from holding the operation.
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint,
        region_name=get_settings().region,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=10),
    )


class ManagementApi:
    def __init__(self, endpoint: str | None):
        self.endpoint = endpoint

    def post(self, connection_id: str, data: bytes) -> None:
        client = _client(self.endpoint)
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except client.exceptions.GoneException:
            raise Gone(connection_id) from None

    def close(self, connection_id: str) -> None:
        client = _client(self.endpoint)
        try:
            client.delete_connection(ConnectionId=connection_id)
        except client.exceptions.GoneException:
            raise Gone(connection_id) from None
