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

Both are small enough to offer upstream (a per-item backup in `transact_write_items`; a
switch for instance tracking). `docs/local-stack.md` lists them with the figures.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.core.common_models import BaseModel
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
from moto.dynamodb.models.dynamo_type import DynamoType

_ORIGINAL_TRANSACT = DynamoDBBackend.transact_write_items
_ORIGINAL_NEW = BaseModel.__new__
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


def install_moto_patches() -> None:
    """Per-item transaction backups and no instance tracking, for the stack's server."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    BaseModel.__new__ = _untracked_new  # type: ignore[method-assign]


def uninstall_moto_patches() -> None:
    DynamoDBBackend.transact_write_items = _ORIGINAL_TRANSACT  # type: ignore[method-assign]
    BaseModel.__new__ = _ORIGINAL_NEW  # type: ignore[method-assign]
