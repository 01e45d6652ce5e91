"""The operation catalogue: every operation (docs/api.md) is declared here once.

`@operation(...)` records the name, category, REST method and path, annotations and the
pydantic input/output models (taken from the handler's type hints). REST routes, MCP
tools, CLI commands and Step Functions steps are generated from, or dispatch into,
`CATALOGUE` through `invoke`, so each entry point gets the same validation and errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any, get_type_hints

from pydantic import BaseModel, ValidationError

from chalicelib.ops.errors import Conflict, Forbidden, InvalidInput, NotFound, OperationError, Unavailable
from chalicelib.settings import ROLES, Role
from chalicelib.store.errors import InvalidCursor, ItemNotFound, VersionConflict
from chalicelib.store.records import AuditEvent

if TYPE_CHECKING:
    from chalicelib.ops.context import OperationContext

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
    handler: Callable[[OperationContext, BaseModel], BaseModel]
    read_only: bool
    destructive: bool
    idempotent: bool
    success_status: int
    role: Role  # the least role that may run it (docs/security.md)


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
    role: Role | None = None,
):
    """Declare an operation; the handler's docstring is its description for people and models.

    `role` is the least role that may run it; by default `reader` for a read-only
    operation, `admin` for the admin category, `reviewer` for every other change."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if role is None:
        role = "admin" if category == "admin" and not read_only else "reader" if read_only else "reviewer"

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
            role=role,
        )
        return handler

    return register


def granted(roles: Any) -> frozenset[str]:
    """Roles with every role they include (admin > reviewer > reader)."""
    ranks = [ROLES.index(role) for role in roles or () if role in ROLES]
    return frozenset(ROLES[: max(ranks) + 1]) if ranks else frozenset()


def may_run(roles: Any, name: str) -> bool:
    """Whether a principal holding `roles` may run operation `name`: the one answer REST, MCP,
    the CLI and the web app all rely on."""
    op = CATALOGUE.get(name)
    return op is not None and op.role in granted(roles)


def _authorise(op: Operation, context: OperationContext) -> None:
    """Refuse (403, naming the role needed) an operation the caller's roles do not cover; the
    refusal is audited. Internal callers (workflow steps, the upload consumer, `make run`)
    hold every role."""
    if may_run(context.roles, op.name):
        return
    context.audit.record(
        AuditEvent.new(
            actor=context.principal,
            operation=op.name,
            target_type="operation",
            target_id=op.name,
            after={"denied": True, "needs": op.role, "roles": sorted(granted(context.roles))},
        )
    )
    held = ", ".join(sorted(granted(context.roles))) or "none"
    raise Forbidden(f"{op.name} needs the {op.role!r} role; {context.principal!r} has {held}", field="role")


MAX_ARGUMENT_DEPTH = 32  # nesting of lists/objects in an operation's arguments


def check_arguments(arguments: Any) -> None:
    """Refuse (400, naming the field) arguments nested deeper than MAX_ARGUMENT_DEPTH or
    holding text that is not valid Unicode (a lone surrogate from a `\\ud800` escape), which
    could not be stored as UTF-8 and would break every later read. Iterative, so no input
    can exhaust the stack; the same check for REST, MCP and the CLI."""
    pending: list[tuple[Any, str, int]] = [(arguments, "", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > MAX_ARGUMENT_DEPTH:
            raise InvalidInput(f"nested deeper than {MAX_ARGUMENT_DEPTH} levels", field=where or "body")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidInput(f"{where or 'body'}: not valid Unicode text (lone surrogate)", field=where) from None
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                pending.append((key, name, depth + 1))
                pending.append((item, name, depth + 1))
        elif isinstance(value, list):
            pending.extend(
                (item, f"{where}.{index}" if where else str(index), depth + 1) for index, item in enumerate(value)
            )


def field_of(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    return field, f"{field}: {first['msg']}"


def invoke(name: str, context: OperationContext, arguments: dict[str, Any]) -> dict[str, Any]:
    """Validate arguments, run the operation, return its output as JSON-ready data.

    Store outcomes become operation errors here, once, for every entry point."""
    op = CATALOGUE.get(name)
    if op is None:
        raise NotFound(f"unknown operation {name!r}", field="operation")
    _authorise(op, context)
    check_arguments(arguments)
    started, ok = perf_counter(), False
    try:
        _refuse_writes_in_maintenance(op, context)
        result = _run(op, context, arguments)
        ok = True
    finally:
        context.timings.record(op.name, (perf_counter() - started) * 1000, ok)
    if not op.read_only:  # push the committed change's live events (docs/realtime.md); never raises
        from chalicelib.ops.events import operation_events

        context.events.publish_all(operation_events(op.name, arguments, result))
    return result


def _refuse_writes_in_maintenance(op: Operation, context: OperationContext) -> None:
    """Maintenance mode blocks every operation that changes state, except the admin
    category (what an operator runs during maintenance: checkpoints, cache, the switch)."""
    if op.read_only or op.category == "admin":
        return
    state = context.maintenance.get()
    if state.enabled:
        raise Unavailable(
            f"maintenance mode is on since {state.since} ({state.reason or 'no reason given'}); "
            f"{op.name} changes state and is refused until it is switched off",
            field="maintenance",
        )


def _run(op: Operation, context: OperationContext, arguments: dict[str, Any]) -> dict[str, Any]:
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


__all__ = ["CATALOGUE", "Operation", "OperationError", "invoke", "may_run", "operation"]
