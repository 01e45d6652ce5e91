"""Composition root: builds operation contexts with the real adapters, once per process."""
from __future__ import annotations

from functools import lru_cache

from chalicelib.aws.documents import DocumentStore
from chalicelib.ops.context import OperationContext
from chalicelib.settings import get_settings
from chalicelib.store.repositories import AuditLog, ValidationRepository


@lru_cache(maxsize=1)
def _adapters() -> dict:
    settings = get_settings()
    audit = AuditLog(settings.audit_retention_days)
    return {
        "settings": settings,
        "audit": audit,
        "validations": ValidationRepository(audit, settings.validation_retention_days, settings.region),
        "documents": DocumentStore(settings.documents_bucket),
    }


def context_for(principal: str) -> OperationContext:
    return OperationContext(principal=principal, **_adapters())


def health_status() -> dict:
    """Reachability of the services every request needs (cheap calls only)."""
    adapters = _adapters()
    checks = {"documents": adapters["documents"].reachable(),
              "validations": adapters["validations"].reachable()}
    return {"ok": all(checks.values()), "checks": checks, "stage": adapters["settings"].stage}
