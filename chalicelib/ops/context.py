"""What an operation receives: the caller and the ports (chalicelib/ops/ports.py), never globals.

The app builds contexts with the AWS adapters (`chalicelib.runtime`); the fast unit tests
build them with the in-memory fakes of `tests/fakes.py`."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.ops import ports
from chalicelib.settings import ROLES, Settings


@dataclass(slots=True)
class OperationContext:
    principal: str
    settings: Settings
    validations: ports.Validations
    audit: ports.AuditTrail
    documents: ports.Documents
    review: ports.Review
    figures: ports.Figures
    maintenance: ports.Maintenance
    result_cache: ports.ResultCache
    timings: ports.Timings
    checkpoints: ports.Checkpoints
    infra: ports.Infrastructure  # status probes, checkpoint files, exports
    workflows: ports.Workflows
    executions: ports.Executions
    uploads: ports.Uploads
    events: ports.EventPublisher  # live events, pushed after the change is committed
    consumers: ports.UploadConsumers  # switched off and on by maintenance mode
    rules: ports.Rules
    roles: tuple[str, ...] = ROLES  # the caller's roles; internal callers hold every role
