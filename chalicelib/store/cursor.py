"""Pages of a Query and their opaque cursors (a DynamoDB LastEvaluatedKey, base64url-encoded JSON)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from chalicelib.store.errors import InvalidCursor
from chalicelib.store.records import Page

T = TypeVar("T")
Item = TypeVar("Item")


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


def take(result: Iterable[Item], limit: int) -> list[Item]:
    """At most `limit` items of a query result (it would otherwise read on, page after page)."""
    items = []
    for item in result:
        items.append(item)
        if len(items) == limit:
            break
    return items


def query_page(
    query: Callable[..., Any], convert: Callable[[Any], T], *args: Any, limit: int, cursor: str | None, **options: Any
) -> Page[T]:
    """One page of `query(*args, **options)` (a model's or an index's `query`) from `cursor`,
    each item converted to its record, with the cursor of the next page."""
    result = query(*args, limit=limit, last_evaluated_key=decode_cursor(cursor), **options)
    items = [convert(model) for model in take(result, limit)]
    return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))
