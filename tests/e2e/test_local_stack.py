"""`make run`'s stack over HTTP: health, authentication, a validate → get round trip, and
a clean stop on SIGINT."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import start_stack, stop_stack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_health_is_200_without_a_token(stack):
    status, body, _ = stack.request("GET", "/health", token=None)
    assert status == 200 and body["ok"] is True


def test_requests_without_a_token_are_401(stack):
    status, body, headers = stack.request("GET", "/v1/validations", token=None)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_validate_content_then_get_round_trip(stack):
    page = "---\ntitle: Converting documents\n---\n\n# Converting documents\n\nApose.Words saves PDF.\n"
    status, created, _ = stack.request(
        "POST", "/v1/validations", {"content": page, "family": "words", "path": "en/java/convert.md"}
    )
    assert status == 201, created
    status, fetched, _ = stack.request("GET", f"/v1/validations/{created['validation_id']}")
    assert status == 200
    assert fetched == created
    assert any(issue["rule"].startswith("TR") for issue in fetched["issues"])  # the misspelling


def test_the_sample_pages_were_validated_at_start(stack):
    status, page, _ = stack.request("GET", "/v1/validations?limit=100")
    assert status == 200
    keys = {item["document"]["key"].rsplit("/", 1)[-1] for item in page["items"]}
    assert {"getting-started.md", "needs-review.md"} <= keys


def test_sigint_stops_everything_it_started():
    own = start_stack()
    assert stop_stack(own) == 0
    for port in (own.api_port, own.aws_port):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
