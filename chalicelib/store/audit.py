"""The audit log: one event per state change, written inside the transaction of the change
it describes (repositories `stage` it in their transaction), read by target, actor, operation and
time. The `audit` table is partitioned by month, so listing is a Query, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.store.cursor import decode_cursor, encode_cursor, page_size, query_page
from chalicelib.store.errors import InvalidCursor
from chalicelib.store.models import AuditEventModel
from chalicelib.store.records import AuditEvent, Page, expiry
from chalicelib.store.tables import TableNames


def audit_record(model: AuditEventModel) -> AuditEvent:
    """The record of a stored audit event."""
    return AuditEvent(**{name: getattr(model, name) for name in AuditEvent.model_fields})


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


class AuditLog:
    """Audit events of one table, kept `retention_days` (TTL), and only ever added. IAM lets
    the functions put audit items but not update or delete them; a put could still replace
    an item with the same key, so every write here is conditioned on that key being new
    (`attribute_not_exists`): history cannot be rewritten through this class, and a duplicate
    event id fails its transaction instead of replacing one."""

    def __init__(self, tables: TableNames, retention_days: int):
        self._model = tables.bind(AuditEventModel)
        self._retention_days = retention_days
        self._months = retention_days // 28 + 1  # month partitions a search may walk back

    def stage(self, tx: TransactWrite, event: AuditEvent) -> None:
        """Add `event` to the transaction of the change it records."""
        tx.save(self._item(event), condition=self._model.event_id.does_not_exist())

    def record(self, event: AuditEvent) -> None:
        """Write `event` alone (a change that is not a table item: cache, ruleset, checkpoint
        restore, or one written before)."""
        self._item(event).save(condition=self._model.event_id.does_not_exist())

    def _item(self, event: AuditEvent) -> AuditEventModel:
        return self._model(
            month=event.created_at[:7],
            **event.model_dump(),
            expires_at=expiry(self._retention_days),
        )

    def for_target(self, target_id: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]:
        return query_page(
            self._model.by_target.query, audit_record, target_id, limit=limit, cursor=cursor, scan_index_forward=False
        )

    def for_actor(self, actor: str, *, limit: int = 50, cursor: str | None = None) -> Page[AuditEvent]:
        return query_page(
            self._model.by_actor.query, audit_record, actor, limit=limit, cursor=cursor, scan_index_forward=False
        )

    def search(
        self,
        *,
        limit: int,
        cursor: str | None,
        actor: str | None,
        target_id: str | None,
        operation: str | None,
        since: str | None,
    ) -> Page[AuditEvent]:
        """Events newest first with optional filters: through the target or actor index when
        one is given, else month partition by month."""
        model = self._model
        condition = None
        if operation is not None:
            condition = model.operation == operation
        if actor is not None and target_id is not None:
            condition = (model.actor == actor) if condition is None else condition & (model.actor == actor)
        start = decode_cursor(cursor)
        options: dict[str, Any] = {
            "filter_condition": condition,
            "scan_index_forward": False,
            "page_size": page_size(limit, filtered=condition is not None),
        }
        range_condition = model.event_id >= since if since else None
        if target_id is not None or actor is not None:
            index, hash_key, key_name = (
                (model.by_target, target_id, "target_id") if target_id is not None else (model.by_actor, actor, "actor")
            )
            items: list[AuditEvent] = []
            result = index.query(hash_key, range_condition, last_evaluated_key=start, **options)
            full = _fill(items, result, limit, lambda m: {**_table_key(m), key_name: {"S": getattr(m, key_name)}})
            return full or Page(items=items, next_cursor=None)
        return self._by_month(limit, start, range_condition, since, options)

    def _by_month(
        self, limit: int, start: dict | None, range_condition: Any, since: str | None, options: dict[str, Any]
    ) -> Page[AuditEvent]:
        """Month partitions newest first, from the cursor's month (a cursor here is the
        table's own key, so it names the month to go on with)."""
        month = datetime.now(UTC).strftime("%Y-%m")
        if start is not None:
            month = (start.get("month") or {}).get("S") or ""
            if len(month) != 7:
                raise InvalidCursor("cursor is not one this API returned")
        items: list[AuditEvent] = []
        for _ in range(self._months):
            if since and month < since[:7]:
                break
            result = self._model.query(month, range_condition, last_evaluated_key=start, **options)
            full = _fill(items, result, limit, _table_key)
            if full is not None:
                return full
            start, month = None, _month_before(month)
        return Page(items=items, next_cursor=None)


def _table_key(model: AuditEventModel) -> dict[str, Any]:
    return {"month": {"S": model.month}, "event_id": {"S": model.event_id}}


def _fill(items: list[AuditEvent], result, limit: int, cursor_of) -> Page[AuditEvent] | None:
    """Add `result`'s events to `items` until there are `limit`; then the page, whose cursor
    (`cursor_of` the last event: the exclusive start key of the next query) is built here
    rather than taken from DynamoDB, which stops at its page size, not at `limit`."""
    for model in result:
        items.append(audit_record(model))
        if len(items) == limit:
            return Page(items=items, next_cursor=encode_cursor(cursor_of(model)))
    return None
