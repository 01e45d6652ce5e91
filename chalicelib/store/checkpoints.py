"""The index of checkpoints: each manifest (`checkpoint` / `<id>` in the system table),
written with its audit event. The exported files themselves are in S3 (chalicelib/aws/infra.py)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.audit import AuditLog
from chalicelib.store.models import SystemEntryModel
from chalicelib.store.records import AuditEvent
from chalicelib.store.repositories import transaction
from chalicelib.store.tables import TableNames


class CheckpointIndex:
    def __init__(self, audit: AuditLog, tables: TableNames):
        self._audit = audit
        self._model = tables.bind(SystemEntryModel)
        self._region = tables.region

    def save(self, checkpoint_id: str, manifest: dict, event: AuditEvent) -> None:
        with transaction(self._region) as tx:
            tx.save(self._model(pk="checkpoint", sk=checkpoint_id, data=manifest, updated_at=manifest["created_at"]))
            self._audit.stage(tx, event)

    def get(self, checkpoint_id: str) -> dict | None:
        try:
            return self._model.get("checkpoint", checkpoint_id, consistent_read=True).data
        except DoesNotExist:
            return None
