"""get_system_status: reachability and latency of every service, with the stage, the
documents bucket, the ruleset version and the maintenance state."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chalicelib.ops.admin.inputs import NoInput
from chalicelib.ops.admin.maintenance import MaintenanceOut, maintenance_out
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext


class ServiceStatus(BaseModel):
    ok: bool
    latency_ms: float
    detail: dict[str, Any]
    error: str | None = None


class SystemStatusOut(BaseModel):
    ok: bool = Field(description="True when every service answers")
    stage: str
    documents_bucket: str = Field(description="Put a .md object under watched_prefix here to have it validated")
    watched_prefix: str
    ruleset_version: str
    services: dict[str, ServiceStatus] = Field(description="dynamodb, s3, sqs (with DLQ depth), stepfunctions")
    maintenance: MaintenanceOut


def service_statuses(context: OperationContext) -> dict[str, ServiceStatus]:
    infra = context.infra
    probes = {
        "dynamodb": infra.probe_dynamodb(),
        "s3": infra.probe_s3(),
        "sqs": infra.probe_sqs(),
        "stepfunctions": infra.probe_stepfunctions(),
    }
    return {
        name: ServiceStatus(ok=p.ok, latency_ms=p.latency_ms, detail=p.detail, error=p.error)
        for name, p in probes.items()
    }


@operation(
    "get_system_status",
    category="admin",
    title="Get system status",
    method="GET",
    path="/v1/admin/status",
    read_only=True,
    idempotent=True,
)
def get_system_status(context: OperationContext, params: NoInput) -> SystemStatusOut:
    """Reachability and latency of DynamoDB, S3, SQS (queue and dead-letter queue depth) and
    Step Functions, the documents bucket and watched prefix (objects put there are validated
    automatically), the ruleset version and the maintenance state."""
    services = service_statuses(context)
    return SystemStatusOut(
        ok=all(s.ok for s in services.values()),
        stage=context.settings.stage,
        documents_bucket=context.settings.documents_bucket,
        watched_prefix=context.settings.watched_prefix,
        ruleset_version=context.rules.current().version,
        services=services,
        maintenance=maintenance_out(context.maintenance.get()),
    )
