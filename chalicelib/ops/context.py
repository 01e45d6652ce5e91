"""What an operation receives: the caller and the adapters (ports), never globals.

Tests build a context with in-memory fakes; the app builds one with the real adapters
(`chalicelib.runtime`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.settings import ROLES, Settings


@dataclass(slots=True)
class OperationContext:
    principal: str
    settings: Settings
    validations: Any  # chalicelib.store.repositories.ValidationRepository
    audit: Any  # chalicelib.store.repositories.AuditLog
    documents: Any  # chalicelib.aws.documents.DocumentStore
    review: Any  # chalicelib.store.review.ReviewRepository
    system: Any = None  # chalicelib.store.system.SystemStore: maintenance flag, result cache, timings
    infra: Any = None  # chalicelib.aws.infra.Infrastructure: status probes, checkpoints, exports
    workflows: Any = None  # chalicelib.store.workflows.WorkflowRepository
    executions: Any = None  # chalicelib.aws.workflows.ExecutionStarter
    uploads: Any = None  # chalicelib.store.workflows.UploadLedger
    events: Any = None  # chalicelib.realtime.EventHub: live events, pushed after the change is committed
    roles: tuple[str, ...] = ROLES  # the caller's roles; internal callers hold every role
