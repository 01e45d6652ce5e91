"""The operation catalogue: every operation of SPEC §7 is declared here once.

`@operation(...)` records the name, category, REST method and path, annotations and the
pydantic input/output models (taken from the handler's type hints). REST routes, MCP
tools, CLI commands and Step Functions steps are generated from, or dispatch into,
`CATALOGUE` through `invoke`, so each entry point gets the same validation and errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any, get_type_hints

from pydantic import BaseModel, ValidationError

from chalicelib.ops.errors import Conflict, InvalidInput, NotFound, OperationError, Unavailable
from chalicelib.store.errors import InvalidCursor, ItemNotFound, VersionConflict

CATEGORIES = ("validation", "approval", "enhancement", "recommendation", "workflow", "admin", "query")


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    category: str
    title: str
    description: str
    method: str
    path: str
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    handler: Callable[[Any, BaseModel], BaseModel]
    read_only: bool
    destructive: bool
    idempotent: bool
    success_status: int


CATALOGUE: dict[str, Operation] = {}


def operation(
    name: str,
    *,
    category: str,
    title: str,
    method: str,
    path: str,
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool = False,
    success_status: int = 200,
):
    """Declare an operation; the handler's docstring is its description for people and models."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")

    def register(handler):
        if name in CATALOGUE:
            raise ValueError(f"operation {name!r} is declared twice")
        hints = get_type_hints(handler)
        CATALOGUE[name] = Operation(
            name=name,
            category=category,
            title=title,
            description=" ".join((handler.__doc__ or title).split()),
            method=method,
            path=path,
            input_model=hints["params"],
            output_model=hints["return"],
            handler=handler,
            read_only=read_only,
            destructive=destructive,
            idempotent=idempotent,
            success_status=success_status,
        )
        return handler

    return register


def field_of(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    return field, f"{field}: {first['msg']}"


def invoke(name: str, context: Any, arguments: dict[str, Any]) -> dict[str, Any]:
    """Validate arguments, run the operation, return its output as JSON-ready data.

    Store outcomes become operation errors here, once, for every entry point."""
    op = CATALOGUE.get(name)
    if op is None:
        raise NotFound(f"unknown operation {name!r}", field="operation")
    system = getattr(context, "system", None)
    if system is None:
        return _published(op, context, arguments, _run(op, context, arguments))
    started, ok = perf_counter(), False
    try:
        _refuse_writes_in_maintenance(op, system)
        result = _run(op, context, arguments)
        ok = True
    finally:
        system.timings.record(op.name, (perf_counter() - started) * 1000, ok)
    return _published(op, context, arguments, result)


def _published(op: Operation, context: Any, arguments: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Push the committed change's live events (docs/realtime.md); the publisher never raises."""
    publisher = getattr(context, "events", None)
    if publisher is not None and not op.read_only:
        from chalicelib.ops.events import operation_events

        publisher.publish_all(operation_events(op.name, arguments, result))
    return result


def _refuse_writes_in_maintenance(op: Operation, system: Any) -> None:
    """Maintenance mode blocks every operation that changes state, except the admin
    category (what an operator runs during maintenance: checkpoints, cache, the switch)."""
    if op.read_only or op.category == "admin":
        return
    state = system.maintenance.get()
    if state.enabled:
        raise Unavailable(
            f"maintenance mode is on since {state.since} ({state.reason or 'no reason given'}); "
            f"{op.name} changes state and is refused until it is switched off",
            field="maintenance",
        )


def _run(op: Operation, context: Any, arguments: dict[str, Any]) -> dict[str, Any]:
    try:
        params = op.input_model.model_validate(arguments)
    except ValidationError as error:
        field, message = field_of(error)
        raise InvalidInput(message, field=field) from None
    try:
        result = op.handler(context, params)
    except ItemNotFound as error:
        raise NotFound(str(error), field=f"{error.kind}_id") from None
    except VersionConflict as error:
        raise Conflict(str(error), field=f"{error.kind}_id") from None
    except InvalidCursor as error:
        raise InvalidInput(str(error), field="cursor") from None
    return result.model_dump(mode="json")


__all__ = ["CATALOGUE", "Operation", "OperationError", "invoke", "operation"]
