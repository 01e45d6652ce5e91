"""WebSocket connections and their subscriptions (docs/realtime.md), one table:

- the connection itself: `topic = "$connection"`, `connection_id`, the principal, the
  subscription count and a rate window;
- one item per subscription: `topic = <topic>`, `connection_id`.

Publishing queries a topic's partition; a disconnect finds a connection's items through
the `by_connection` index. Every item has a TTL a little past API Gateway's two-hour
connection limit, so records of connections whose disconnect never arrived expire."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.attributes import ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.store.repositories import is_condition_failure
from chalicelib.store.tables import TableNames

CONNECTION = "$connection"


class ByConnection(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_connection"
        projection = KeysOnlyProjection()

    connection_id = UnicodeAttribute(hash_key=True)
    topic = UnicodeAttribute(range_key=True)


class ConnectionModel(Model):
    TABLE = "connections"

    topic = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)
    principal = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, null=True)  # as the token granted them at connect
    subscriptions = NumberAttribute(null=True)
    window_start = NumberAttribute(null=True)
    window_messages = NumberAttribute(null=True)
    connected_at = NumberAttribute(null=True)
    expires_at = TTLAttribute()
    by_connection = ByConnection()


@dataclass(frozen=True, slots=True)
class Connection:
    connection_id: str
    principal: str
    roles: tuple[str, ...] = ()


class TooManySubscriptions(Exception):
    """The connection already has its maximum number of topics."""


class ConnectionGone(Exception):
    """The connection record does not exist (closed, expired or never connected)."""


class ConnectionRepository:
    def __init__(self, tables: TableNames, ttl_seconds: int, max_subscriptions: int):
        self._model = tables.bind(ConnectionModel)
        self.ttl_seconds, self.max_subscriptions = ttl_seconds, max_subscriptions

    def _expiry(self) -> timedelta:
        return timedelta(seconds=self.ttl_seconds)

    def connect(self, connection_id: str, principal: str, roles: tuple[str, ...]) -> None:
        now = int(time.time())
        self._model(
            CONNECTION,
            connection_id,
            principal=principal,
            roles=list(roles),
            subscriptions=0,
            window_start=now,
            window_messages=0,
            connected_at=now,
            expires_at=self._expiry(),
        ).save()

    def get(self, connection_id: str) -> Connection | None:
        try:
            item = self._model.get(CONNECTION, connection_id, consistent_read=True)
        except DoesNotExist:
            return None
        # pynamodb types ListAttribute(of=UnicodeAttribute)'s items as the attribute class; they are str
        return Connection(connection_id, item.principal or "", tuple(item.roles or ()))  # type: ignore[arg-type]

    def count_message(self, connection_id: str, window_seconds: int) -> int:
        """Messages of this connection in the current window, this one included (one
        atomic update); a new window starts when the last one is over."""
        now = int(time.time())
        item = self._model(CONNECTION, connection_id)
        try:
            item.update(
                actions=[self._model.window_messages.add(1)],
                condition=self._model.connection_id.exists() & (self._model.window_start > now - window_seconds),
            )
            return int(item.window_messages)
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
        try:
            item.update(
                actions=[self._model.window_start.set(now), self._model.window_messages.set(1)],
                condition=self._model.connection_id.exists(),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                raise ConnectionGone(connection_id) from None
            raise
        return 1

    def subscribe(self, connection_id: str, topic: str) -> bool:
        """Add a subscription; False when it already existed. The connection's count is
        raised first, conditional on the maximum, so concurrent subscribes cannot pass it."""
        if self.is_subscribed(connection_id, topic):
            return False
        counter = self._model(CONNECTION, connection_id)
        try:
            counter.update(
                actions=[self._model.subscriptions.add(1)],
                condition=self._model.connection_id.exists() & (self._model.subscriptions < self.max_subscriptions),
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
            if self.get(connection_id) is None:
                raise ConnectionGone(connection_id) from None
            raise TooManySubscriptions(connection_id) from None
        self._model(topic, connection_id, expires_at=self._expiry()).save()
        return True

    def unsubscribe(self, connection_id: str, topic: str) -> bool:
        try:
            self._model(topic, connection_id).delete(condition=self._model.connection_id.exists())
        except DeleteError as error:
            if is_condition_failure(error):
                return False
            raise
        try:
            self._model(CONNECTION, connection_id).update(
                actions=[self._model.subscriptions.add(-1)], condition=self._model.connection_id.exists()
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
        return True

    def is_subscribed(self, connection_id: str, topic: str) -> bool:
        try:
            self._model.get(topic, connection_id, consistent_read=True)
        except DoesNotExist:
            return False
        return True

    def subscribers(self, topic: str) -> list[str]:
        return [item.connection_id for item in self._model.query(topic, attributes_to_get=["connection_id"])]

    def topics_of(self, connection_id: str) -> list[str]:
        return [item.topic for item in self._model.by_connection.query(connection_id) if item.topic != CONNECTION]

    def remove(self, connection_id: str) -> None:
        """Delete the connection and every subscription of it (disconnect, or gone)."""
        topics = {item.topic for item in self._model.by_connection.query(connection_id)} | {CONNECTION}
        with self._model.batch_write() as batch:
            for topic in topics:
                batch.delete(self._model(topic, connection_id))

    def count(self) -> int:
        """Connection records in the table (tests and benchmarks check that none leak)."""
        return self._model.count(CONNECTION)
