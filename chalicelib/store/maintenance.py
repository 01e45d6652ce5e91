"""The maintenance flag (`maintenance` / `state` in the system table)."""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.audit import AuditLog
from chalicelib.store.models import SystemEntryModel
from chalicelib.store.records import AuditEvent, utc_now
from chalicelib.store.repositories import transaction
from chalicelib.store.tables import TableNames


@dataclass(frozen=True, slots=True)
class MaintenanceState:
    enabled: bool
    reason: str = ""
    since: str | None = None
    by: str | None = None


class MaintenanceFlag:
    """Read by every write operation, so it is cached per container for `ttl_seconds`
    (`TBCV_MAINTENANCE_CACHE_SECONDS`, default 2): a switch made through this container
    holds at once, one made elsewhere within that delay (docs/configuration.md)."""

    def __init__(self, audit: AuditLog, tables: TableNames, ttl_seconds: float = 2.0):
        self._audit = audit
        self._model = tables.bind(SystemEntryModel)
        self._region = tables.region
        self._ttl = ttl_seconds
        self._cached: tuple[float, MaintenanceState] | None = None

    def get(self) -> MaintenanceState:
        cached = self._cached
        if cached is not None and monotonic() - cached[0] < self._ttl:
            return cached[1]
        try:
            item = self._model.get("maintenance", "state", consistent_read=True)
            state = MaintenanceState(**(item.data or {"enabled": False}))
        except DoesNotExist:
            state = MaintenanceState(enabled=False)
        self._cached = (monotonic(), state)
        return state

    def set(self, state: MaintenanceState, event: AuditEvent) -> MaintenanceState:
        """Store the state together with its audit event (one transaction)."""
        data = {"enabled": state.enabled, "reason": state.reason, "since": state.since, "by": state.by}
        with transaction(self._region) as tx:
            tx.save(self._model(pk="maintenance", sk="state", data=data, updated_at=utc_now()))
            self._audit.stage(tx, event)
        self._cached = (monotonic(), state)
        return state
