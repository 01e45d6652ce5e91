"""Opaque list cursors: a DynamoDB LastEvaluatedKey, base64url-encoded JSON."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.store.errors import InvalidCursor


def encode_cursor(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this API returned") from None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise InvalidCursor("cursor is not one this API returned")
    return value


FILTERED_PAGE_SIZE = 200


def page_size(limit: int, *, filtered: bool) -> int:
    """Items a Query reads per request for a page of `limit`: the page itself, more when a
    filter drops some (without a size a request reads up to 1 MB to return 25 items)."""
    return max(limit, FILTERED_PAGE_SIZE) if filtered else limit
