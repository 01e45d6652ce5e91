"""Deployed API tokens from Secrets Manager: a JSON object mapping the SHA-256 (hex) of each
token to its grant, `{"<sha256>": {"principal": "...", "roles": ["reviewer"]}}`. Only
digests are stored, so the secret never holds a usable token, and the Lambda environment
holds no token at all. Read at most once every TOKEN_CACHE_SECONDS per process, so a
rotated or revoked token takes effect within that time."""

from __future__ import annotations

import json
import time
from typing import Any

from chalicelib.aws.clients import client

TOKEN_CACHE_SECONDS = 300
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def token_digests(secret_id: str) -> dict[str, Any]:
    """digest -> grant mapping of the secret (cached per process)."""
    now = time.monotonic()
    cached = _cache.get(secret_id)
    if cached is None or now - cached[0] > TOKEN_CACHE_SECONDS:
        value = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
        if not isinstance(value, dict):
            raise ValueError(f"secret {secret_id} must hold a JSON object of token digests")
        cached = _cache[secret_id] = (now, value)
    return cached[1]
