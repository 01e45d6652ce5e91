"""Composition root: builds operation contexts with the real adapters, once per process.

The adapters bind their tables here (`TableNames.of(settings)`), so nothing reads the
settings at import; every port of `OperationContext` (chalicelib/ops/ports.py) gets its
AWS adapter here and nowhere else."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.aws.documents import DocumentStore
from chalicelib.aws.infra import Infrastructure
from chalicelib.aws.push import ManagementApi
from chalicelib.aws.queue import EventSourceMappings
from chalicelib.aws.workflows import ExecutionStarter
from chalicelib.engine.ruleset import Ruleset, load_ruleset, reload_default_ruleset
from chalicelib.ops.context import OperationContext
from chalicelib.ops.ports import UploadConsumers
from chalicelib.realtime import EventHub, LiveSession
from chalicelib.settings import ROLES, Settings, get_settings
from chalicelib.store.audit import AuditLog
from chalicelib.store.checkpoints import CheckpointIndex
from chalicelib.store.connections import ConnectionRepository
from chalicelib.store.figures import ValidationFigures
from chalicelib.store.maintenance import MaintenanceFlag
from chalicelib.store.repositories import ValidationRepository
from chalicelib.store.result_cache import ResultCacheStore
from chalicelib.store.review import ReviewRepository
from chalicelib.store.tables import TableNames
from chalicelib.store.timings import TimingStore
from chalicelib.store.workflows import UploadLedger, WorkflowRepository

# Tables a checkpoint leaves out: live WebSocket connections mean nothing after a restore.
EPHEMERAL_TABLES = frozenset({"connections_table"})
UPLOAD_CONSUMER = "on_sqs_message"  # the Chalice handler that consumes the upload queue

_upload_consumers: UploadConsumers | None = None


def use_upload_consumers(consumers: UploadConsumers | None) -> None:
    """Consumers maintenance mode switches instead of the upload function's event source
    mappings: the local stack's SQS pollers (it has no mappings); None: the mappings."""
    global _upload_consumers
    _upload_consumers = consumers
    _adapters.cache_clear()


class EngineRules:
    """The engine's per-process default ruleset (the `Rules` port)."""

    def current(self) -> Ruleset:
        return load_ruleset()

    def reload(self) -> Ruleset:
        return reload_default_ruleset()


@lru_cache(maxsize=1)
def _adapters() -> dict[str, Any]:
    settings = get_settings()
    tables = TableNames.of(settings)
    audit = AuditLog(tables, settings.audit_retention_days)
    return {
        "settings": settings,
        "audit": audit,
        "validations": ValidationRepository(audit, tables, settings.validation_retention_days),
        "documents": DocumentStore(settings.documents_bucket),
        "review": ReviewRepository(audit, tables, settings.validation_retention_days),
        "figures": ValidationFigures(tables),
        "maintenance": MaintenanceFlag(audit, tables, settings.maintenance_cache_seconds),
        "result_cache": ResultCacheStore(tables, settings.result_cache_days),
        "timings": TimingStore(tables, settings.timings_flush_seconds),
        "checkpoints": CheckpointIndex(audit, tables),
        "infra": _infrastructure(settings),
        "workflows": WorkflowRepository(audit, tables),
        "executions": ExecutionStarter(settings.state_machine_arn_prefix),
        "uploads": UploadLedger(tables, settings.upload_retention_days),
        "events": EventHub(
            ConnectionRepository(tables, settings.ws_connection_ttl_seconds, settings.ws_max_subscriptions),
            ManagementApi(settings.ws_endpoint),
        ),
        "consumers": _upload_consumers or EventSourceMappings(f"tbcv-{settings.stage}-{UPLOAD_CONSUMER}"),
        "rules": EngineRules(),
    }


def _infrastructure(settings: Settings) -> Infrastructure:
    """Every table the settings name (`*_table`), so checkpoints cover tables added later."""
    tables = {
        name[: -len("_table")]: value
        for name, value in settings.model_dump().items()
        if name.endswith("_table") and value and name not in EPHEMERAL_TABLES
    }
    machines = (
        {"validate_batch": settings.validate_batch_state_machine} if settings.validate_batch_state_machine else {}
    )
    return Infrastructure(
        bucket=settings.documents_bucket,
        tables=tables,
        queue=settings.upload_queue,
        dead_letter_queue=settings.upload_dlq,
        state_machines=machines,
    )


def context_for(principal: str, roles: tuple[str, ...] = ROLES) -> OperationContext:
    """The context of a caller; internal callers (workflow steps, uploads) hold every role."""
    return OperationContext(principal=principal, roles=tuple(roles), **_adapters())


def live_session() -> LiveSession:
    """What the WebSocket handlers run (chalicelib/realtime.py)."""
    adapters = _adapters()
    return LiveSession(adapters["settings"], adapters["events"], context_for)


def health_status() -> dict:
    """Reachability of the services every request needs (cheap calls only)."""
    adapters = _adapters()
    checks = {"documents": adapters["documents"].reachable(), "validations": adapters["validations"].reachable()}
    return {"ok": all(checks.values()), "checks": checks, "stage": adapters["settings"].stage}
