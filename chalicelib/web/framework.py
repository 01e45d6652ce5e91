"""The web app's request cycle: one `Page` per request (session, CSRF, form, rendering)
and `register(app)`, which turns every `@page` handler into a Chalice route.

Handlers read and write only through `Page.invoke`, i.e. the operation catalogue, as the
session's principal: the same validation, errors, audit actor and maintenance rules as
REST and MCP. Operation errors become pages with the operation's message and status;
anything else becomes a 500 page naming the request id (the traceback goes to the log).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from chalice import Chalice, Response

from chalicelib.observability import logger, record_api_call
from chalicelib.ops import invoke
from chalicelib.ops.catalogue import may_run
from chalicelib.ops.errors import InvalidInput, OperationError, Unauthorized
from chalicelib.runtime import context_for
from chalicelib.settings import get_settings
from chalicelib.web import session as sessions

HERE = Path(__file__).resolve().parent
FORM = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 256 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
FLASH_COOKIE = "tbcv_flash"


class InternalError(OperationError):
    """A failure that is not the caller's: the page names the request, the log has the rest."""

    code, status = "internal", 500


@lru_cache(maxsize=1)
def templates():
    """The Jinja2 environment (autoescaping), built on the first page so that importing
    app.py stays fast for the functions that never render one."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from chalicelib.web import charts

    env.globals.update(line_chart=charts.line_chart, bar_chart=charts.bar_chart)
    env.filters["clock"] = lambda iso: iso[11:16]  # "2026-01-31T08:05:00Z" -> "08:05"
    return env


def allowed(roles: tuple[str, ...], operation: str) -> bool:
    """Whether the page shows the controls of `operation` to a principal holding `roles`:
    the catalogue's own answer (`may_run`), so a page hides exactly what invoke refuses."""
    return may_run(roles, operation)


@dataclass
class Route:
    path: str
    method: str
    handler: Callable[..., Response]
    public: bool


ROUTES: list[Route] = []


def page(path: str, *, method: str = "GET", public: bool = False):
    """Declare a page handler `(page, **path_params) -> Response` for `method path`."""

    def declare(handler):
        ROUTES.append(Route(path, method, handler, public))
        return handler

    return declare


class Page:
    """One request: the signed-in principal, its form, and the ways to answer it."""

    def __init__(self, app: Chalice):
        if app.current_request is None:  # Chalice sets it before any view runs
            raise RuntimeError("a Page is built inside a request only")
        self.request = app.current_request
        self.settings = get_settings()
        self.session: sessions.Session | None = None
        self.cookies: list[str] = []
        self._form: dict[str, list[str]] | None = None
        self._maintenance: dict | None = None
        self.headers = {name.lower(): value for name, value in (self.request.headers or {}).items()}
        self.secure = self.headers.get("x-forwarded-proto", "http").split(",")[0].strip() == "https"
        self.base = _stage_prefix(self.request.context or {})

    # --- input ---------------------------------------------------------------------------

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params or {})

    @property
    def form(self) -> dict[str, list[str]]:
        if self._form is None:
            raw = self.request.raw_body or b""
            if len(raw) > MAX_FORM_BYTES:
                raise InvalidInput(f"the form is larger than {MAX_FORM_BYTES} bytes", field="body")
            try:
                text = raw if isinstance(raw, str) else raw.decode("utf-8")
                self._form = parse_qs(text, keep_blank_values=True, max_num_fields=1000)
            except (UnicodeDecodeError, ValueError) as error:
                raise InvalidInput(f"the form could not be read: {error}", field="body") from None
        return self._form

    def field(self, name: str) -> str:
        values = self.form.get(name) or [""]
        return values[0].strip()

    def fields(self, name: str) -> list[str]:
        return [v for v in self.form.get(name, []) if v]

    def cookie(self, name: str) -> str | None:
        for part in self.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None

    # --- session -------------------------------------------------------------------------

    def authenticate(self) -> None:
        self.session = sessions.read_session(self.cookie(sessions.SESSION_COOKIE), self.settings)
        logger.append_keys(principal=self.session.principal)

    def check_csrf(self) -> None:
        expected = self.session.csrf if self.session else self.sign_in_nonce()
        sessions.check_csrf(expected, self.field(sessions.CSRF_FIELD))

    def sign_in_nonce(self) -> str | None:
        return sessions.pre_session_nonce(self.cookie(sessions.CSRF_COOKIE), self.settings)

    def set_cookie(self, name: str, value: str, max_age: int) -> None:
        attributes = [
            f"{name}={value}",
            f"Path={self.base or '/'}",
            f"Max-Age={max_age}",
            "HttpOnly",
            "SameSite=Strict",
        ]
        if self.secure:
            attributes.append("Secure")
        self.cookies.append("; ".join(attributes))

    # --- operations ----------------------------------------------------------------------

    def invoke(self, operation: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a catalogue operation as the session's principal."""
        if self.session is None:
            raise Unauthorized("sign in to continue", field="session")
        return invoke(operation, context_for(self.session.principal, self.session.roles), arguments or {})

    def maintenance(self) -> dict | None:
        """The maintenance state for the banner (None when signed out)."""
        if self.session is not None and self._maintenance is None:
            self._maintenance = self.invoke("get_maintenance_status")
        return self._maintenance

    # --- output --------------------------------------------------------------------------

    def url(self, path: str, **query: Any) -> str:
        pairs = [(k, v) for k, v in query.items() if v not in (None, "", False)]
        return f"{self.base}{path}" + (f"?{urlencode(pairs, doseq=True)}" if pairs else "")

    def flash(self, message: str) -> None:
        """A message shown on the next page (after the redirect of a form post)."""
        self.set_cookie(FLASH_COOKIE, sessions.sign(self.settings, "flash", message), 60)

    def _take_flash(self) -> str | None:
        value = self.cookie(FLASH_COOKIE)
        if not value:
            return None
        self.set_cookie(FLASH_COOKIE, "", 0)
        return sessions.unsign(self.settings, "flash", value, 60)

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        csrf = self.session.csrf if self.session else None
        html = (
            templates()
            .get_template(template)
            .render(
                page=self,
                url=self.url,
                principal=self.session.principal if self.session else None,
                csrf_token=csrf,
                csrf_field=sessions.CSRF_FIELD,
                maintenance=self.maintenance(),
                flash=self._take_flash(),
                can=lambda op: self.session is not None and allowed(self.session.roles, op),
                **values,
            )
        )
        return self.respond(html, status, "text/html; charset=utf-8")

    def respond(self, body: str, status: int, content_type: str, headers: dict | None = None) -> Response:
        all_headers: dict[str, Any] = {"Content-Type": content_type, **SECURITY_HEADERS, **(headers or {})}
        if self.cookies:
            all_headers["Set-Cookie"] = self.cookies if len(self.cookies) > 1 else self.cookies[0]
        return Response(body=body, status_code=status, headers=all_headers)

    def redirect(self, path: str, **query: Any) -> Response:
        return self.respond("", 303, "text/html; charset=utf-8", {"Location": self.url(path, **query)})

    def sign_in_page(self, status: int = 200, message: str | None = None) -> Response:
        nonce = self.sign_in_nonce()
        if nonce is None:
            nonce = sessions.new_nonce()
            self.set_cookie(sessions.CSRF_COOKIE, sessions.pre_session_cookie(nonce, self.settings), 3600)
        self.session = None
        return self.render("sign_in.html", status, sign_in_csrf=nonce, message=message, http_status=status)

    def error_page(self, error: OperationError) -> Response:
        if error.status == 401:
            return self.sign_in_page(401, error.message)
        try:
            return self.render("error.html", error.status, error=error)
        except Exception:  # the banner's read failed too (the same outage): render without it
            self.session = None
            return self.render("error.html", error.status, error=error)


def _stage_prefix(context: dict) -> str:
    """`/<stage>` when API Gateway serves the app under its stage path, else ''."""
    stage, path = context.get("stage"), context.get("path") or ""
    return f"/{stage}" if stage and path.startswith(f"/{stage}/") else ""


def _view(app: Chalice, route: Route):
    name = f"ui_{route.handler.__name__}"

    def view(**params):
        started = time.perf_counter()
        request_id = (app.current_request.context or {}).get("requestId")
        logger.set_correlation_id(request_id)
        current = Page(app)
        try:
            if not route.public:
                current.authenticate()
            if route.method == "POST":
                current.check_csrf()
            response = route.handler(current, **params)
        except OperationError as error:
            response = current.error_page(error)
        except Exception:
            logger.exception("web page failed", extra={"page": route.path})
            response = current.error_page(InternalError(f"internal error; see the logs for request {request_id}"))
        finally:
            logger.remove_keys(["principal"])
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"  # read by scripts/bench_web.py
        record_api_call(name, response.status_code, elapsed_ms)
        return response

    view.__name__ = name
    return view


def register(app: Chalice) -> None:
    """Add every page of the web app to `app` (called once by app.py)."""
    from chalicelib.web import pages  # noqa: F401  (declares the pages)

    for route in ROUTES:
        content_types = [FORM] if route.method == "POST" else None
        options = {"methods": [route.method]}
        if content_types:
            options["content_types"] = content_types
        app.route(route.path, **options)(_view(app, route))
