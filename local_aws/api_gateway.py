"""Unknown routes answer the JSON 404 envelope locally, as the packaged template's
GatewayResponse (`UnknownRouteResponse` in infra/template.json) makes API Gateway do.
Chalice's local gateway would answer 403 "Missing Authentication Token" instead."""

from __future__ import annotations

import json
import threading

from chalice.local import ChaliceRequestHandler, LocalGateway, RouteMatcher

NOT_FOUND_BODY = {
    "error": {
        "code": "not_found",
        "message": "no route matches this method and path; GET /openapi.json lists the routes",
        "field": "path",
    }
}


def _any_method(handler: ChaliceRequestHandler, name: str):
    """`do_<METHOD>` for methods Chalice's local server has no handler for (TRACE, QUERY,
    ...; it would answer 501 in HTML): the gateway answers them, with the 404 envelope."""
    if name.startswith("do_"):
        return handler._generic_handle
    raise AttributeError(name)


def install_not_found_envelope() -> None:
    """Idempotent: wraps LocalGateway.handle_request once."""
    if getattr(LocalGateway.handle_request, "tbcv_not_found", False):
        return
    ChaliceRequestHandler.__getattr__ = _any_method
    original = LocalGateway.handle_request

    def handle_request(self, method, path, headers, body):
        routes = self._app_object.routes
        try:
            route = RouteMatcher(list(routes)).match_route(path).route
            known = method == "OPTIONS" or method in routes[route]
        except ValueError:
            known = False
        if not known:  # API Gateway: no resource, or no such method on it
            return {
                "statusCode": 404,
                "headers": {"Content-Type": "application/json"},
                "multiValueHeaders": {},
                "body": json.dumps(NOT_FOUND_BODY),
            }
        return original(self, method, path, headers, body)

    handle_request.tbcv_not_found = True  # type: ignore[attr-defined]  # marks the patch as installed
    LocalGateway.handle_request = handle_request  # type: ignore[method-assign]  # patching Chalice's local server


def install_prompt_responses() -> None:
    """Chalice's local server writes a response's headers and its body as two sends; on
    a kept-alive connection Nagle's algorithm holds the body back until the client ACKs
    the headers, which its delayed ACK postpones by ~40 ms: every request on a reused
    connection took 40 ms more than its handler. TCP_NODELAY sends the body at once
    (API Gateway answers in one go)."""
    ChaliceRequestHandler.disable_nagle_algorithm = True


def install_request_limit(limit: int) -> None:
    """At most `limit` requests run in the app at once; the others wait their turn, in
    order, as requests wait for a free Lambda container under reserved concurrency.

    Chalice's local server starts a thread per connection and runs every request at once:
    at 50 users, 50 threads took turns on one interpreter lock and the lock that keeps
    moto's DynamoDB atomic, so a request needing ten AWS calls queued ten times behind
    all the others. A waiting thread holds neither lock."""
    slots = threading.BoundedSemaphore(limit)
    handle = getattr(ChaliceRequestHandler._generic_handle, "tbcv_unlimited", ChaliceRequestHandler._generic_handle)

    def limited(self: ChaliceRequestHandler) -> None:
        with slots:
            handle(self)

    limited.tbcv_unlimited = handle  # type: ignore[attr-defined]  # the unpatched handler, kept for tests
    ChaliceRequestHandler._generic_handle = limited  # type: ignore[method-assign]  # patching Chalice's local server
    for method in ("GET", "PUT", "POST", "HEAD", "DELETE", "PATCH", "OPTIONS"):
        setattr(ChaliceRequestHandler, f"do_{method}", limited)
