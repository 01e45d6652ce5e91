"""Checkpoints: every table exported to S3 as DynamoDB JSON lines with a manifest, and
restored from it (checked file by file first, under maintenance mode)."""

from __future__ import annotations

import hashlib
import json
from uuid import uuid4

from pydantic import BaseModel, Field

from chalicelib.ops.catalogue import invoke, operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, NotFound
from chalicelib.ops.fields import AdminReason, OperationInput
from chalicelib.store.records import AuditEvent, utc_now

CHECKPOINT_SCHEMA = "tbcv.checkpoint/2"  # /2: per-file SHA-256 and item counts in `files`


class CheckpointIn(OperationInput):
    notes: str = Field(default="", max_length=1000, description="Free text kept with the checkpoint")


class CheckpointOut(BaseModel):
    checkpoint_id: str
    schema_version: str
    created_at: str
    created_by: str
    prefix: str = Field(description="S3 prefix holding manifest.json and one <table>.jsonl per table")
    tables: dict[str, int] = Field(description="Items per table")
    notes: str


@operation(
    "create_checkpoint",
    category="admin",
    title="Create a checkpoint (table export)",
    method="POST",
    path="/v1/admin/checkpoints",
    success_status=201,
)
def create_checkpoint(context: OperationContext, params: CheckpointIn) -> CheckpointOut:
    """Export every table (validations, audit, system, and any other table the stack has)
    to S3 as JSON lines (DynamoDB typed JSON) with a manifest carrying the schema version.
    Restore it with restore_checkpoint."""
    checkpoint_id = uuid4().hex
    prefix = f"{context.settings.exports_prefix}checkpoints/{checkpoint_id}/"
    counts, files = {}, {}
    for name, table in context.infra.tables.items():
        items = (
            item
            for item in context.infra.export_table(table)
            if not (name == "system" and item.get("pk", {}).get("S") in ("cache", "checkpoint"))
        )
        counts[name], digest = context.infra.write_lines(f"{prefix}{name}.jsonl", items)
        files[name] = {"items": counts[name], "sha256": digest}
    manifest = {
        "schema_version": CHECKPOINT_SCHEMA,
        "checkpoint_id": checkpoint_id,
        "created_at": utc_now(),
        "created_by": context.principal,
        "prefix": prefix,
        "tables": counts,
        "files": files,
        "notes": params.notes,
    }
    context.infra.put_export(f"{prefix}manifest.json", json.dumps(manifest).encode(), "application/json")
    event = AuditEvent.new(
        actor=context.principal,
        operation="create_checkpoint",
        target_type="checkpoint",
        target_id=checkpoint_id,
        after={"tables": counts},
    )
    context.checkpoints.save(checkpoint_id, manifest, event)
    return CheckpointOut(**manifest)


class RestoreIn(OperationInput):
    checkpoint_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="Id from create_checkpoint")
    reason: AdminReason


class RestoreOut(BaseModel):
    checkpoint_id: str
    restored: dict[str, int] = Field(description="Items written per table")
    audit_events_kept: int = Field(
        description="Audit events already present, left untouched (history is never rewritten)"
    )
    maintenance_was_enabled: bool


_DYNAMODB_TYPES = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}


def _checked_items(name: str, body: bytes | None, expected: dict, keys: list[str]) -> list[dict]:
    """The items of one checkpoint file, after every check the restore makes before writing:
    the file exists, its SHA-256 and item count are the manifest's, and every line is a
    DynamoDB-JSON item carrying the table's key attributes."""

    def refuse(problem: str) -> Conflict:
        return Conflict(f"checkpoint file {name}.jsonl {problem}; nothing was restored", field="checkpoint_id")

    if body is None:
        raise refuse("is missing")
    if hashlib.sha256(body).hexdigest() != expected.get("sha256"):
        raise refuse("does not match the SHA-256 recorded when the checkpoint was made")
    items = []
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise refuse("is not UTF-8") from None
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except ValueError:
            raise refuse(f"line {number} is not JSON") from None
        if not isinstance(item, dict) or not all(
            isinstance(value, dict) and len(value) == 1 and set(value) <= _DYNAMODB_TYPES for value in item.values()
        ):
            raise refuse(f"line {number} is not a DynamoDB item")
        if not all(key in item for key in keys):
            raise refuse(f"line {number} lacks the key attributes {', '.join(keys)}")
        items.append(item)
    if len(items) != expected.get("items"):
        raise refuse(f"holds {len(items)} items, not the {expected.get('items')} recorded")
    return items


@operation(
    "restore_checkpoint",
    category="admin",
    title="Restore a checkpoint",
    method="POST",
    path="/v1/admin/checkpoints/{checkpoint_id}/restore",
    destructive=True,
    idempotent=True,
)
def restore_checkpoint(context: OperationContext, params: RestoreIn) -> RestoreOut:
    """Write every item of a checkpoint back (batched puts; items with the same key are
    replaced, newer items stay). Every file is checked first (SHA-256 and item count from
    the manifest, DynamoDB item shape, key attributes): one bad file restores nothing.
    Audit events are only added where missing, never overwritten. Runs under maintenance
    mode: it is switched on for the restore with `reason` and switched off after, unless it
    was already on."""
    manifest = context.checkpoints.get(params.checkpoint_id)
    if manifest is None:
        raise NotFound(f"checkpoint {params.checkpoint_id!r} does not exist", field="checkpoint_id")
    if manifest.get("schema_version") != CHECKPOINT_SCHEMA:
        raise Conflict(
            f"checkpoint schema {manifest.get('schema_version')!r} is not {CHECKPOINT_SCHEMA}", field="checkpoint_id"
        )
    unknown = set(manifest["tables"]) - set(context.infra.tables)
    if unknown:
        raise Conflict(
            f"checkpoint holds tables this stack does not have: {', '.join(sorted(unknown))}", field="checkpoint_id"
        )
    files = manifest.get("files") or {}
    checked = {
        name: _checked_items(
            name,
            context.infra.read_export(f"{manifest['prefix']}{name}.jsonl"),
            files.get(name, {}),
            context.infra.key_attributes(context.infra.tables[name]),
        )
        for name in manifest["tables"]
    }
    was_enabled = context.maintenance.get().enabled
    if not was_enabled:
        invoke("enable_maintenance_mode", context, {"reason": f"restoring checkpoint: {params.reason}"})
    restored, kept = {}, 0
    try:
        for name, items in checked.items():
            table = context.infra.tables[name]
            if name == "audit":
                restored[name], kept = context.infra.insert_new(table, items)
            else:
                restored[name] = context.infra.import_table(table, items)
    finally:
        if not was_enabled:
            invoke("disable_maintenance_mode", context, {})
    context.audit.record(
        AuditEvent.new(
            actor=context.principal,
            operation="restore_checkpoint",
            target_type="checkpoint",
            target_id=params.checkpoint_id,
            after={"restored": restored, "audit_events_kept": kept, "reason": params.reason},
        )
    )
    return RestoreOut(
        checkpoint_id=params.checkpoint_id,
        restored=restored,
        audit_events_kept=kept,
        maintenance_was_enabled=was_enabled,
    )
