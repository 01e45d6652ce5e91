"""Bearer tokens mapped to named principals with roles (docs/security.md); the principal is
the actor of every audit event, the roles decide which operations it may run
(`chalicelib.ops.catalogue.may_run`).

Tokens come from TBCV_API_TOKEN (principal `local`, admin: the `make run` token),
TBCV_API_TOKENS (JSON: token -> {"principal", "roles"}, or token -> principal for an admin),
and in deployed stages from the Secrets Manager secret TBCV_API_TOKENS_SECRET, which holds
only SHA-256 digests of tokens. Every comparison is constant-time."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from chalicelib.ops.errors import Unauthorized
from chalicelib.settings import Settings, TokenGrant

LOCAL_PRINCIPAL = "local"


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    roles: tuple[str, ...]


def principal_for(authorization: str | None, settings: Settings) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'", field="Authorization")
    token = token.strip()
    known: dict[str, TokenGrant] = dict(settings.api_tokens)
    if settings.api_token:
        known[settings.api_token] = TokenGrant(principal=LOCAL_PRINCIPAL, roles=("admin",))
    found = None
    for candidate, grant in known.items():  # every candidate is compared: no early exit to time
        if hmac.compare_digest(candidate.encode(), token.encode()):
            found = grant
    if found is None and settings.api_tokens_secret:
        found = _from_secret(token, settings.api_tokens_secret)
    if found is None:
        raise Unauthorized("the bearer token is not valid", field="Authorization")
    return Principal(found.principal, tuple(found.roles))


def _from_secret(token: str, secret_id: str) -> TokenGrant | None:
    from chalicelib.aws.secrets import token_digests  # boto3 only where a secret is configured

    digest = hashlib.sha256(token.encode()).hexdigest()
    found = None
    for candidate, grant in token_digests(secret_id).items():
        if hmac.compare_digest(candidate.encode(), digest.encode()):
            found = TokenGrant.model_validate(grant)
    return found
