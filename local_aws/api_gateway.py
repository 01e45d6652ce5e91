"""Unknown routes answer the JSON 404 envelope locally, as the packaged template's
GatewayResponse (`UnknownRouteResponse` in infra/template.json) makes API Gateway do.
Chalice's local gateway would answer 403 "Missing Authentication Token" instead."""

from __future__ import annotations

import json

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

    # the marker makes a second install a no-op; replacing Chalice's method is the point here
    handle_request.tbcv_not_found = True  # type: ignore[attr-defined]
    LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
