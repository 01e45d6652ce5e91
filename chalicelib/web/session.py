"""Web sessions and CSRF tokens: signed, expiring cookies (itsdangerous), no server state.

Signing in exchanges an API token for a session cookie holding the principal the token
maps to (resolved by `chalicelib.auth.principal_for`, exactly as the REST and MCP entry
points resolve it) and a random CSRF nonce. The token itself is never stored in the
cookie, a URL or a log. The signing key is `TBCV_SESSION_SECRET` combined with the
configured tokens, so rotating or removing any token ends every session signed before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chalicelib.auth import LOCAL_PRINCIPAL, principal_for
from chalicelib.ops.errors import Forbidden, Unauthorized
from chalicelib.settings import Settings

SESSION_COOKIE = "tbcv_session"
CSRF_COOKIE = "tbcv_csrf"
CSRF_FIELD = "csrf_token"
PRE_SESSION_SECONDS = 3600  # a sign-in form's CSRF nonce lives this long


@dataclass(frozen=True, slots=True)
class Session:
    principal: str
    csrf: str
    roles: tuple[str, ...]  # as the token grants them; a change of tokens signs everybody out


def _signing_key(settings: Settings) -> bytes:
    tokens = sorted(
        {**settings.api_tokens, **({settings.api_token: LOCAL_PRINCIPAL} if settings.api_token else {})}.items()
    )
    material = repr(tokens).encode()
    return hmac.new((settings.session_secret or "tbcv-session").encode(), material, hashlib.sha256).digest()


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_signing_key(settings), salt=f"tbcv-{purpose}")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def sign_in(token: str, settings: Settings) -> tuple[Session, str]:
    """The session of a valid API token and its cookie value; 401 for any other token."""
    token = token.strip()
    if not token:
        raise Unauthorized("enter an API token", field="token")
    try:
        principal = principal_for(f"Bearer {token}", settings)
    except Unauthorized:
        raise Unauthorized("this API token is not valid", field="token") from None
    session = Session(principal=principal.name, csrf=new_nonce(), roles=principal.roles)
    cookie = {"p": session.principal, "c": session.csrf, "r": list(session.roles)}
    return session, _serializer(settings, "session").dumps(cookie)


def read_session(cookie: str | None, settings: Settings) -> Session:
    """The session of a cookie value; 401 naming why when it is missing, forged or expired."""
    if not cookie:
        raise Unauthorized("sign in to continue", field="session")
    try:
        data = _serializer(settings, "session").loads(cookie, max_age=int(settings.session_hours * 3600))
    except SignatureExpired:
        raise Unauthorized("your session has expired; sign in again", field="session") from None
    except BadSignature:
        raise Unauthorized("your session is not valid; sign in again", field="session") from None
    roles = data.get("r") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("p"), str)
        or not isinstance(data.get("c"), str)
        or not isinstance(roles, list)
        or not all(isinstance(role, str) for role in roles)
    ):
        raise Unauthorized("your session is not valid; sign in again", field="session")
    return Session(principal=data["p"], csrf=data["c"], roles=tuple(roles))


def pre_session_cookie(nonce: str, settings: Settings) -> str:
    """The signed cookie that carries the sign-in form's CSRF nonce (no session yet)."""
    return sign(settings, "csrf", nonce)


def pre_session_nonce(cookie: str | None, settings: Settings) -> str | None:
    return unsign(settings, "csrf", cookie, PRE_SESSION_SECONDS) if cookie else None


def check_csrf(expected: str | None, sent: str | None) -> None:
    """403 unless the form's token equals the one bound to the session (or sign-in form)."""
    if not sent:
        raise Forbidden("the form has no CSRF token; reload the page and submit it again", field=CSRF_FIELD)
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise Forbidden("the form's CSRF token is not valid; reload the page and submit it again", field=CSRF_FIELD)


def sign(settings: Settings, purpose: str, value: str) -> str:
    """A short signed value for a cookie that only this app writes (e.g. a flash message)."""
    return _serializer(settings, purpose).dumps(value)


def unsign(settings: Settings, purpose: str, value: str, max_age: int) -> str | None:
    try:
        result = _serializer(settings, purpose).loads(value, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    return result if isinstance(result, str) else None
