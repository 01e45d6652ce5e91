"""The stack's own AWS calls reach moto's application in the calling thread
(local_aws/in_process.py) and get the answers the server on the port gives."""

from __future__ import annotations

import logging
import socket

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from local_aws.in_process import install_in_process_endpoint, uninstall_in_process_endpoint

CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}


@pytest.fixture
def server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    handler = install_in_process_endpoint(endpoint, moto._server.app)
    try:
        yield endpoint, moto
    finally:
        uninstall_in_process_endpoint(handler)
        moto.stop()


def test_calls_are_answered_without_the_socket_and_match_the_server(server):
    endpoint, moto = server
    in_process = boto3.session.Session().client("s3", endpoint_url=endpoint, **CREDENTIALS)
    in_process.create_bucket(Bucket="pages")
    body = "# Ünïcode page\n".encode() + bytes(range(256))
    in_process.put_object(
        Bucket="pages", Key="docs/a b/%2F.md", Body=body, Metadata={"tbcv-path": "a b.md", "snake_case": "kept"}
    )
    over_socket = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    stored = over_socket.get_object(Bucket="pages", Key="docs/a b/%2F.md")
    assert stored["Body"].read() == body
    assert stored["Metadata"] == {"tbcv-path": "a b.md", "snake_case": "kept"}

    moto._server.shutdown()  # nobody listens any more: only the in-process route answers
    again = in_process.get_object(Bucket="pages", Key="docs/a b/%2F.md")
    assert again["Body"].read() == body
    assert again["Metadata"] == stored["Metadata"]
    with pytest.raises(ClientError) as missing:
        in_process.head_object(Bucket="pages", Key="nothing.md")
    assert missing.value.response["Error"]["Code"] == "404"


def test_other_endpoints_are_left_alone(server):
    endpoint, _ = server
    elsewhere = endpoint.rsplit(":", 1)[0] + ":1"  # nothing listens on port 1
    client = boto3.session.Session().client(
        "sqs", endpoint_url=elsewhere, config=Config(retries={"total_max_attempts": 1}), **CREDENTIALS
    )
    with pytest.raises(Exception, match="Could not connect"):
        client.list_queues()
