"""Maintenance mode: read it, switch it on (writes refused, upload consumers stopped)
and off."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.ops.admin.inputs import AuditedChangeIn, NoInput
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.fields import AdminReason, OperationInput
from chalicelib.store.maintenance import MaintenanceState
from chalicelib.store.records import AuditEvent, utc_now


class MaintenanceOut(BaseModel):
    enabled: bool
    reason: str
    since: str | None
    by: str | None
    consumers_switched: int | None = Field(default=None, description="Upload queue consumers stopped or resumed")


def maintenance_out(state: MaintenanceState, switched: int | None = None) -> MaintenanceOut:
    return MaintenanceOut(
        enabled=state.enabled, reason=state.reason, since=state.since, by=state.by, consumers_switched=switched
    )


class EnableMaintenanceIn(OperationInput):
    reason: AdminReason


@operation(
    "get_maintenance_status",
    category="admin",
    title="Get the maintenance state",
    method="GET",
    path="/v1/admin/maintenance",
    read_only=True,
    idempotent=True,
)
def get_maintenance_status(context: OperationContext, params: NoInput) -> MaintenanceOut:
    """Whether maintenance mode is on, since when, by whom and why (one read; the web app
    shows it as a banner on every page)."""
    return maintenance_out(context.maintenance.get())


@operation(
    "enable_maintenance_mode",
    category="admin",
    title="Enable maintenance mode",
    method="POST",
    path="/v1/admin/maintenance",
    idempotent=True,
)
def enable_maintenance_mode(context: OperationContext, params: EnableMaintenanceIn) -> MaintenanceOut:
    """Refuse every state-changing operation (REST 503, MCP isError, with `reason`) while reads
    keep working; workflows pause between items and the upload queue is not consumed."""
    before = context.maintenance.get()
    state = MaintenanceState(
        enabled=True, reason=params.reason, since=before.since if before.enabled else utc_now(), by=context.principal
    )
    event = AuditEvent.new(
        actor=context.principal,
        operation="enable_maintenance_mode",
        target_type="system",
        target_id="maintenance",
        before={"enabled": before.enabled},
        after={"enabled": True, "reason": params.reason},
    )
    context.maintenance.set(state, event)
    return maintenance_out(state, context.consumers.switch(False))


@operation(
    "disable_maintenance_mode",
    category="admin",
    title="Disable maintenance mode",
    method="DELETE",
    path="/v1/admin/maintenance",
    idempotent=True,
)
def disable_maintenance_mode(context: OperationContext, params: AuditedChangeIn) -> MaintenanceOut:
    """Accept state-changing operations again and resume queue consumption."""
    before = context.maintenance.get()
    state = MaintenanceState(enabled=False)
    event = AuditEvent.new(
        actor=context.principal,
        operation="disable_maintenance_mode",
        target_type="system",
        target_id="maintenance",
        before={"enabled": before.enabled, "reason": before.reason},
        after={"enabled": False, "reason": params.reason},
    )
    context.maintenance.set(state, event)
    return maintenance_out(state, context.consumers.switch(True))
