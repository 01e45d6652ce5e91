"""Composition root: builds operation contexts with the real adapters, once per process."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.aws.documents import DocumentStore
from chalicelib.aws.infra import Infrastructure
from chalicelib.aws.push import ManagementApi
from chalicelib.aws.workflows import ExecutionStarter
from chalicelib.ops.context import OperationContext
from chalicelib.realtime import EventHub, LiveSession
from chalicelib.settings import ROLES, get_settings
from chalicelib.store.connections import ConnectionRepository
from chalicelib.store.repositories import AuditLog, ValidationRepository
from chalicelib.store.review import ReviewRepository
from chalicelib.store.system import SystemStore
from chalicelib.store.workflows import UploadLedger, WorkflowRepository

# Tables a checkpoint leaves out: live WebSocket connections mean nothing after a restore.
EPHEMERAL_TABLES = frozenset({"connections_table"})


@lru_cache(maxsize=1)
def _adapters() -> dict:
    settings = get_settings()
    audit = AuditLog(settings.audit_retention_days)
    return {
        "settings": settings,
        "audit": audit,
        "validations": ValidationRepository(audit, settings.validation_retention_days, settings.region),
        "documents": DocumentStore(settings.documents_bucket),
        "system": SystemStore(
            audit,
            audit_retention_days=settings.audit_retention_days,
            result_cache_days=settings.result_cache_days,
            timings_flush_seconds=settings.timings_flush_seconds,
            maintenance_cache_seconds=settings.maintenance_cache_seconds,
        ),
        "infra": _infrastructure(settings),
        "review": ReviewRepository(audit, settings.validation_retention_days, settings.region),
        "workflows": WorkflowRepository(audit, settings.region),
        "executions": ExecutionStarter(settings.state_machine_arn_prefix),
        "uploads": UploadLedger(settings.upload_retention_days),
        "events": EventHub(
            ConnectionRepository(settings.ws_connection_ttl_seconds, settings.ws_max_subscriptions),
            ManagementApi(settings.ws_endpoint),
        ),
    }


def _infrastructure(settings) -> Infrastructure:
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
