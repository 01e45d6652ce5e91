"""Bearer tokens mapped to named principals; the principal is the actor of every audit
event. Tokens come from TBCV_API_TOKEN (principal `local`) and TBCV_API_TOKENS
(JSON: token -> principal)."""

from __future__ import annotations

import hmac

from chalicelib.ops.errors import Unauthorized
from chalicelib.settings import Settings

LOCAL_PRINCIPAL = "local"


def principal_for(authorization: str | None, settings: Settings) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'", field="Authorization")
    token = token.strip()
    known = dict(settings.api_tokens)
    if settings.api_token:
        known[settings.api_token] = LOCAL_PRINCIPAL
    for candidate, principal in known.items():
        if hmac.compare_digest(candidate.encode(), token.encode()):
            return principal
    raise Unauthorized("the bearer token is not valid", field="Authorization")
