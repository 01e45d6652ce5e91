"""moto's DynamoDB is not atomic across threads: two conditional writes can both pass.
Serialising its request handling makes conditional writes and transactions behave as
in AWS (one wins, the other gets ConditionalCheckFailed)."""

from __future__ import annotations

import threading

from moto.dynamodb.responses import DynamoHandler

DYNAMODB_LOCK = threading.RLock()
_original = DynamoHandler.call_action


def _serialised(self):
    with DYNAMODB_LOCK:
        return _original(self)


def install_dynamodb_lock() -> None:
    DynamoHandler.call_action = _serialised  # type: ignore[method-assign]  # serialising moto's handler is the point
