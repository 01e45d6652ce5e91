"""Calls the stack makes to its own local AWS skip the socket: a botocore `before-send`
handler hands every request for the stack's endpoint to moto's WSGI application in the
calling thread, and returns its answer as the HTTP response would have been.

Why: over loopback, each of the ~10 AWS calls behind one API request opened a TCP
connection (werkzeug's development server closes every connection) and a thread on the
server side, and passed the interpreter lock from the caller's thread to the server's
thread and back; under 50 concurrent users those hand-offs, not moto, were where a
request waited. In process the request and its answer are the same bytes (botocore
signs, serialises and parses them as before; moto routes them as its server does), so
the app's code and the AWS calls are unchanged. Clients outside the process (the CLI,
boto3 scripts, the tests) still use the server on the endpoint's port.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.handlers import BUILTIN_HANDLERS
from moto.core.botocore_stubber import MockRawResponse
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from werkzeug.test import EnvironBuilder, run_wsgi_app


class InProcessEndpoint:
    """The `before-send` handler: answers requests to `endpoint_url` with `app` (moto's
    `DomainDispatcherApplication`); any other request goes out as usual (None)."""

    def __init__(self, endpoint_url: str, app: Any) -> None:
        self._origin = endpoint_url.rstrip("/")
        self._app = app

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        if not (request.url == self._origin or request.url.startswith(self._origin + "/")):
            return None
        body = request.body
        if hasattr(body, "read"):
            body = body.read()  # type: ignore[union-attr]  # botocore gives a readable body here
        parts = urlsplit(request.url)
        # botocore keeps some values as bytes (X-Amz-Target, Content-Type); a socket sends them as is
        headers = [
            (name, value.decode("latin-1") if isinstance(value, bytes) else value)
            for name, value in request.headers.items()
        ]
        environ = EnvironBuilder(
            method=request.method,
            base_url=f"{parts.scheme}://{parts.netloc}",
            path=parts.path or "/",
            query_string=parts.query,
            headers=headers,
            data=body or b"",  # type: ignore[arg-type]  # bytes or str by now
        ).get_environ()
        # as moto's request handler does: S3 metadata names keep their underscores
        environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {
            environ_key_for_header(name): name for name, _ in headers if should_preserve_original_header_name(name)
        }
        answer, status, response_headers = run_wsgi_app(self._app, environ, buffered=True)
        try:
            content = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return AWSResponse(request.url, int(status.split(" ", 1)[0]), dict(response_headers), MockRawResponse(content))  # type: ignore[arg-type]  # a dict serves as HTTPHeaders


def install_in_process_endpoint(endpoint_url: str, app: Any) -> InProcessEndpoint:
    """Route this process's calls to `endpoint_url` through `app`. Botocore sessions read
    the built-in handlers when they are created, so this comes before the first client."""
    handler = InProcessEndpoint(endpoint_url, app)
    BUILTIN_HANDLERS.append(("before-send", handler))
    return handler


def uninstall_in_process_endpoint(handler: InProcessEndpoint) -> None:
    """For clients created from now on; clients that exist keep the handler."""
    if ("before-send", handler) in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.remove(("before-send", handler))
