"""Where moto's cost meets this workload, and the patches the local stack applies.

Every state change of TBCV is a DynamoDB transaction (the record and its audit event),
so two of moto's choices, harmless in a unit test, make a long-running local stack slow
and let it grow without bound:

- `transact_write_items` deep-copies every table a transaction touches, before the
  first write, so it can roll back. A write then costs time and memory in proportion
  to the table's size. The patched version backs up only the items the transaction
  touches (a transaction names at most 100 keys), which is all a rollback needs: moto
  keeps no per-table state besides the items (its indexes are computed by scanning
  them).
- every instance of a moto model (each DynamoDB `Item`, each S3 key version, ...) is
  appended to a class-level list, `instances_tracked`, that only `mock_aws`'s reset
  between tests reads. A server that runs for hours keeps every item it ever created,
  and every copy a transaction made. The stack's server never resets that way (its
  reset is the backends' own), so tracking is switched off there.
- a Query on a table (not an index) tests every item of the table for the partition key,
  though the items are stored by partition already: a Query of the `timing` partition of
  the system table read the 10,000 document markers beside it. The patched Query starts
  from the partition's own items; everything after (sort, pages, filters, projection) is
  moto's.
- responses carrying items (GetItem, Query, Scan, BatchGetItem, Put/Update/DeleteItem,
  the transactions) are serialised by walking the operation's output shape value by
  value, recursing through every attribute of every item: half of the server's time for
  a Query of 20 validations. Items are already in DynamoDB's wire form, so these
  responses are written with `json.dumps` (binary values base64-encoded, as the walk
  does); errors and every other operation keep moto's serialiser.
- moto's server finds the service of each request under one lock shared by every
  request, and there lists its own package folder (~150 `stat` calls) and tries ~400
  URL patterns, for every request: every AWS call of the stack queued there. The
  service of a host never changes, so the patched lookup remembers it.

All are small enough to offer upstream (a per-item backup in `transact_write_items`; a
switch for instance tracking; a partition lookup in `Table.query`; a JSON fast path for
item responses; a remembered service per host). `docs/local-stack.md` lists them with the figures.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from moto.core.common_models import BaseModel
from moto.core.responses import ActionResult
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_ORIGINAL_TRANSACT = DynamoDBBackend.transact_write_items
_ORIGINAL_NEW = BaseModel.__new__
_ORIGINAL_QUERY = Table.query
_ORIGINAL_SERIALIZED = DynamoHandler.serialized
_ORIGINAL_BACKEND_FOR_HOST = DomainDispatcherApplication.get_backend_for_host
# Operations whose output is items, counts and keys only (no timestamps, no renamed members).
_ITEM_ACTIONS = frozenset(
    {
        "GetItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
_TRANSACTION_OPS = {"ConditionCheck", "Put", "Delete", "Update"}


def _item_key(table: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type == "Put":
        attrs = op["Item"]
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs[table.range_key_attr]
        return key
    return op["Key"]


class _ItemBackups:
    """The touched items of one transaction as they were before it, to put back on rollback."""

    def __init__(self) -> None:
        self._saved: dict[tuple[str, DynamoType, DynamoType | None], Any] = {}

    def save(self, table: Any, key: dict[str, Any]) -> None:
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr is not None else None
        slot = (table.name, hash_value, range_value)
        if slot not in self._saved:
            self._saved[slot] = copy.deepcopy(table.get_item(hash_value, range_value))

    def restore(self, tables: dict[str, Any]) -> None:
        for (name, hash_value, range_value), item in self._saved.items():
            table = tables[name]
            if item is None:
                table.delete_item(hash_value, range_value)
            elif range_value is not None:
                table.items[hash_value][range_value] = item
            else:
                table.items[hash_value] = item


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's `transact_write_items` (5.2.5) with per-item instead of per-table backups.

    The checks, their order and the errors are moto's; only the backup changed."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    backups = _ItemBackups()
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in _TRANSACTION_OPS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            table = self.get_table(table_name)
            key = _item_key(table, op_type, op)
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition = get_filter_expression(condition_expression, names, values)
                if not condition.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type != "ConditionCheck":
                backups.save(table, key)
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            backups.restore(self.tables)
            raise
        except ConditionalCheckFailed as error:
            errors.append(("ConditionalCheckFailed", str(error.message), original_item))
        except Exception as error:  # moto reports any other failure per item, as AWS does
            errors.append((type(error).__name__, str(error), original_item))
    if any(code is not None for code, _, _ in errors):
        backups.restore(self.tables)
        raise TransactionCanceledException(errors)


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


class _OnePartition:
    """A table seen through one partition: `all_items` lists that partition's items only;
    every other attribute is the table's."""

    def __init__(self, table: Table, hash_key: DynamoType) -> None:
        self._table, self._hash_key = table, hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Item]:
        partition = self._table.items.get(self._hash_key)
        if partition is None:
            return []
        return list(partition.values()) if self._table.range_key_attr else [partition]  # type: ignore[list-item]  # moto keeps a hash-only partition as its item


def query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
    """moto's `Table.query` (same arguments), reading only the partition queried when the
    Query is on the table itself (moto passes `index_name` by position, 8th)."""
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    target = _OnePartition(self, hash_key) if index_name is None and hash_key is not None else self
    return _ORIGINAL_QUERY(target, hash_key, *args, **kwargs)  # type: ignore[arg-type]


def _wire_value(value: Any) -> str:
    """What json.dumps cannot write itself: binary attribute values (`B`, `BS`), which
    `DynamoResult` hands over as bytes for the serialiser to base64-encode."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not part of an item response")


def serialized(self: DynamoHandler, action_result: ActionResult) -> Any:
    """Item responses written with json.dumps; errors and other operations as moto does."""
    result = action_result.result
    if isinstance(result, Exception) or self._get_action() not in _ITEM_ACTIONS:
        return _ORIGINAL_SERIALIZED(self, action_result)
    headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
    return 200, headers, json.dumps(result, default=_wire_value, separators=(",", ":"))


def get_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
    """moto's lookup, once per host (moto calls it under its dispatcher's lock)."""
    known = self.__dict__.setdefault("_backend_for_host", {})
    if host not in known:
        known[host] = _ORIGINAL_BACKEND_FOR_HOST(self, host)
    return known[host]


def install_moto_patches() -> None:
    """Per-item transaction backups, no instance tracking, partition reads for a table's
    Query and item responses in one json.dumps, for the stack's server and the tests."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    BaseModel.__new__ = _untracked_new  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    DynamoHandler.serialized = serialized  # type: ignore[method-assign,assignment]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


def uninstall_moto_patches() -> None:
    DynamoDBBackend.transact_write_items = _ORIGINAL_TRANSACT  # type: ignore[method-assign]
    BaseModel.__new__ = _ORIGINAL_NEW  # type: ignore[method-assign]
    Table.query = _ORIGINAL_QUERY  # type: ignore[method-assign]
    DynamoHandler.serialized = _ORIGINAL_SERIALIZED  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _ORIGINAL_BACKEND_FOR_HOST  # type: ignore[method-assign]
