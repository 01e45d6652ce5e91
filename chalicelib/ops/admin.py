"""Admin operations: system status, the validation result cache, rules, maintenance mode,
checkpoints (table export/restore through S3) and exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any, Literal
from uuid import uuid4

from pydantic import BaseModel, Field

from chalicelib.engine import ruleset as engine_ruleset
from chalicelib.engine.model import Issue, Report, TextEdit
from chalicelib.engine.report.sarif_report import sarif_document
from chalicelib.engine.rules.registry import REGISTRY
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.ops.catalogue import CATALOGUE, invoke, operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, InvalidInput, NotFound, Unavailable
from chalicelib.ops.fields import AdminReason, Cursor, Limit, OperationInput, ValidationId
from chalicelib.ops.result_cache import key_version
from chalicelib.ops.validation import document_path
from chalicelib.store.records import AuditEvent, Page, utc_now
from chalicelib.store.system import MaintenanceState

CHECKPOINT_SCHEMA = "tbcv.checkpoint/2"  # /2: per-file SHA-256 and item counts in `files`
EXPORT_SCHEMA = "tbcv.export/1"
UPLOAD_CONSUMER = "on_sqs_message"  # the Chalice handler that consumes the upload queue
INLINE_EXPORT_LIMIT = 256 * 1024  # larger exports go to S3 behind a pre-signed URL

ExportFormat = Literal["json", "csv", "sarif"]


class NoInput(OperationInput):
    """This operation takes no arguments."""


# --- status ------------------------------------------------------------------------------


class ServiceStatus(BaseModel):
    ok: bool
    latency_ms: float
    detail: dict[str, Any]
    error: str | None = None


class MaintenanceOut(BaseModel):
    enabled: bool
    reason: str
    since: str | None
    by: str | None
    consumers_switched: int | None = Field(default=None, description="Upload queue consumers stopped or resumed")


class SystemStatusOut(BaseModel):
    ok: bool = Field(description="True when every service answers")
    stage: str
    documents_bucket: str = Field(description="Put a .md object under watched_prefix here to have it validated")
    watched_prefix: str
    ruleset_version: str
    services: dict[str, ServiceStatus] = Field(description="dynamodb, s3, sqs (with DLQ depth), stepfunctions")
    maintenance: MaintenanceOut


def _maintenance_out(state: MaintenanceState, switched: int | None = None) -> MaintenanceOut:
    return MaintenanceOut(
        enabled=state.enabled, reason=state.reason, since=state.since, by=state.by, consumers_switched=switched
    )


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
        ruleset_version=load_ruleset().version,
        services=services,
        maintenance=_maintenance_out(context.system.maintenance.get()),
    )


# --- cache --------------------------------------------------------------------------------


class CacheStatsOut(BaseModel):
    entries: int
    hits: int
    misses: int
    hit_rate: float = Field(description="hits / (hits + misses), 0 when nothing was looked up")
    current_ruleset_version: str
    by_ruleset_version: dict[str, int]


class CacheChangeOut(BaseModel):
    removed: int = 0
    added: int = 0
    entries: int


@operation(
    "get_cache_stats",
    category="admin",
    title="Get result cache statistics",
    method="GET",
    path="/v1/admin/cache",
    read_only=True,
    idempotent=True,
)
def get_cache_stats(context: OperationContext, params: NoInput) -> CacheStatsOut:
    """Entries in the validation result cache (by ruleset version) and the hit/miss counts.
    A hit means a validation reused an earlier engine report for identical content."""
    stats = context.system.result_cache.stats()
    looked_up = stats["hits"] + stats["misses"]
    return CacheStatsOut(
        entries=stats["entries"],
        hits=stats["hits"],
        misses=stats["misses"],
        hit_rate=round(stats["hits"] / looked_up, 4) if looked_up else 0.0,
        current_ruleset_version=load_ruleset().version,
        by_ruleset_version=stats["by_ruleset_version"],
    )


def _cache_event(context: OperationContext, name: str, after: dict) -> None:
    context.system.record(
        AuditEvent.new(
            actor=context.principal, operation=name, target_type="cache", target_id="result-cache", after=after
        )
    )


class AuditedChangeIn(OperationInput):
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Why; kept in the audit event of the change"
    )


@operation(
    "clear_cache",
    category="admin",
    title="Clear the result cache",
    method="DELETE",
    path="/v1/admin/cache",
    destructive=True,
    idempotent=True,
)
def clear_cache(context: OperationContext, params: AuditedChangeIn) -> CacheChangeOut:
    """Remove every cached engine report and reset the hit/miss counters. Validations stay;
    later validations run the engine again."""
    removed = context.system.result_cache.delete_where(lambda key, item: False)
    context.system.result_cache.reset_counters()
    _cache_event(context, "clear_cache", {"removed": removed, "reason": params.reason})
    return CacheChangeOut(removed=removed, entries=0)


@operation(
    "cleanup_cache",
    category="admin",
    title="Remove stale cache entries",
    method="POST",
    path="/v1/admin/cache/cleanup",
    idempotent=True,
)
def cleanup_cache(context: OperationContext, params: AuditedChangeIn) -> CacheChangeOut:
    """Remove cached reports made under an older ruleset version (they can never be hit
    again); entries of the current version stay."""
    current = load_ruleset().version
    removed = context.system.result_cache.delete_where(lambda key, item: key_version(key) == current)
    _cache_event(context, "cleanup_cache", {"removed": removed, "reason": params.reason})
    return CacheChangeOut(removed=removed, entries=context.system.result_cache.stats()["entries"])


class RebuildCacheIn(OperationInput):
    limit: Limit = Field(default=50, description="How many of the newest validations to re-check, 1-100")


@operation(
    "rebuild_cache", category="admin", title="Rebuild the result cache", method="POST", path="/v1/admin/cache/rebuild"
)
def rebuild_cache(context: OperationContext, params: RebuildCacheIn) -> CacheChangeOut:
    """Warm the cache under the current ruleset: run the engine on the documents of the
    newest validations (up to `limit`) and cache their reports. Validation records are not
    changed; use revalidate for that."""
    from chalicelib.ops.result_cache import validate_cached

    before = context.system.result_cache.stats()["entries"]
    for item in context.system.figures.newest(params.limit):
        try:
            body, _ = context.documents.get(item["key"], item["version_id"])
            text = body.decode("utf-8")
        except Exception:  # a deleted document or a non-UTF-8 one: nothing to cache
            continue
        path = document_path(item["key"], context.settings.inline_prefix)
        validate_cached(context.system.result_cache, text, path, item["family"], item["profile"])
    after = context.system.result_cache.stats()["entries"]
    _cache_event(context, "rebuild_cache", {"added": after - before})
    return CacheChangeOut(added=after - before, entries=after)


# --- rules ---------------------------------------------------------------------------------


class RulesetOut(BaseModel):
    ruleset_version: str
    previous_version: str
    rules: int
    profiles: list[str]
    families: list[str]


@operation(
    "reload_rules",
    category="admin",
    title="Reload rules and truth tables",
    method="POST",
    path="/v1/admin/rules/reload",
    idempotent=True,
)
def reload_rules(context: OperationContext, params: AuditedChangeIn) -> RulesetOut:
    """Re-read profiles, family settings and truth tables from the config folder in this
    process; a changed configuration gets a new ruleset version, so cached reports of the
    old one are no longer used."""
    previous = load_ruleset().version
    engine_ruleset._default_ruleset.cache_clear()  # the per-process default ruleset, read again
    ruleset = load_ruleset()
    context.system.record(
        AuditEvent.new(
            actor=context.principal,
            operation="reload_rules",
            target_type="ruleset",
            target_id="ruleset",
            before={"version": previous},
            after={"version": ruleset.version, "reason": params.reason},
        )
    )
    return RulesetOut(
        ruleset_version=ruleset.version,
        previous_version=previous,
        rules=len(REGISTRY),
        profiles=ruleset.profile_names,
        families=sorted(ruleset.families),
    )


class ListValidatorsIn(OperationInput):
    category: Literal["frontmatter", "markdown", "code", "links", "structure", "seo", "truth", "llm"] | None = None
    limit: Limit = 100
    cursor: Cursor | None = None


class ValidatorOut(BaseModel):
    id: str
    alias: str
    category: str
    severity: str
    description: str
    fixable: bool


class ValidatorPage(Page[ValidatorOut]):
    pass


@operation(
    "list_validators",
    category="admin",
    title="List validators (rules)",
    method="GET",
    path="/v1/admin/validators",
    read_only=True,
    idempotent=True,
)
def list_validators(context: OperationContext, params: ListValidatorsIn) -> ValidatorPage:
    """The rules the engine runs, by id, optionally one category, with their default
    severity and whether they can fix what they find."""
    rules = sorted(
        (r.meta for r in REGISTRY.values() if params.category is None or r.meta.category == params.category),
        key=lambda m: m.id,
    )
    if params.cursor is not None:
        if params.cursor not in {m.id for m in rules}:
            raise InvalidInput("cursor is not one this API returned", field="cursor")
        rules = [m for m in rules if m.id > params.cursor]
    page = rules[: params.limit]
    return ValidatorPage(
        items=[
            ValidatorOut(
                id=m.id,
                alias=m.alias,
                category=m.category,
                severity=m.severity,
                description=m.description,
                fixable=m.fixable,
            )
            for m in page
        ],
        next_cursor=page[-1].id if len(rules) > params.limit else None,
    )


# --- maintenance -------------------------------------------------------------------------


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
    return _maintenance_out(context.system.maintenance.get())


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
    before = context.system.maintenance.get()
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
    context.system.maintenance.set(state, event)
    return _maintenance_out(state, _switch_consumers(context, enabled=False))


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
    before = context.system.maintenance.get()
    state = MaintenanceState(enabled=False)
    event = AuditEvent.new(
        actor=context.principal,
        operation="disable_maintenance_mode",
        target_type="system",
        target_id="maintenance",
        before={"enabled": before.enabled, "reason": before.reason},
        after={"enabled": False, "reason": params.reason},
    )
    context.system.maintenance.set(state, event)
    return _maintenance_out(state, _switch_consumers(context, enabled=True))


def _switch_consumers(context: OperationContext, *, enabled: bool) -> int:
    """Stop or resume the upload queue consumer (its event source mapping; the local
    stack's poller); returns how many consumers were switched."""
    from chalicelib.aws.queue import set_upload_consumption

    return set_upload_consumption(enabled, f"tbcv-{context.settings.stage}-{UPLOAD_CONSUMER}")


# --- checkpoints -------------------------------------------------------------------------


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
    context.system.checkpoints.save(checkpoint_id, manifest, event, context.system.audit)
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
    manifest = context.system.checkpoints.get(params.checkpoint_id)
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
    was_enabled = context.system.maintenance.get().enabled
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
    context.system.record(
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


# --- exports ----------------------------------------------------------------------------


class ExportOut(BaseModel):
    schema_version: str
    format: str
    content: str | None = Field(description="The export itself when small; else null and see url")
    url: str | None = Field(description="Pre-signed S3 URL (1 hour) for a large export")
    key: str | None
    size: int


def _deliver(context: OperationContext, name: str, fmt: str, text: str) -> ExportOut:
    body = text.encode()
    if len(body) <= INLINE_EXPORT_LIMIT:
        return ExportOut(schema_version=EXPORT_SCHEMA, format=fmt, content=text, url=None, key=None, size=len(body))
    key = f"{context.settings.exports_prefix}exports/{uuid4().hex}/{name}.{fmt}"
    context.infra.put_export(
        key, body, {"json": "application/json", "csv": "text/csv", "sarif": "application/sarif+json"}[fmt]
    )
    return ExportOut(
        schema_version=EXPORT_SCHEMA,
        format=fmt,
        content=None,
        url=context.infra.presigned_url(key),
        key=key,
        size=len(body),
    )


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: json.dumps(v) if isinstance(v, (dict, list)) else v for c, v in row.items()})
    return out.getvalue()


class ExportValidationIn(OperationInput):
    validation_id: ValidationId
    format: ExportFormat = "json"


ISSUE_COLUMNS = [
    "rule",
    "alias",
    "category",
    "severity",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "fixable",
    "suggestion",
]


@operation(
    "export_validation",
    category="admin",
    title="Export a validation",
    method="GET",
    path="/v1/admin/exports/validations/{validation_id}",
    read_only=True,
    idempotent=True,
)
def export_validation(context: OperationContext, params: ExportValidationIn) -> ExportOut:
    """A validation as JSON (the full record with a schema version), CSV (one row per issue)
    or SARIF 2.1.0 (for code-scanning tools). Large exports come back as a pre-signed URL."""
    validation = invoke("get_validation", context, {"validation_id": params.validation_id})
    if params.format == "json":
        text = json.dumps({"schema_version": EXPORT_SCHEMA, "validation": validation}, indent=2)
    elif params.format == "csv":
        path = validation["document"]["path"]
        text = _csv([{**issue, "path": path} for issue in validation["issues"]], [*ISSUE_COLUMNS, "path"])
    else:
        text = json.dumps(sarif_document([_report_of(validation)]), indent=2)
    return _deliver(context, f"validation-{params.validation_id}", params.format, text)


def _report_of(validation: dict[str, Any]) -> Report:
    """The engine report a stored validation describes (for the SARIF writer)."""
    issue_fields = Issue.__dataclass_fields__
    issues = [
        Issue(
            **{
                **{k: v for k, v in issue.items() if k in issue_fields},
                "fix": tuple(TextEdit(**edit) for edit in issue.get("fix") or ()) or None,
            }
        )
        for issue in validation["issues"]
    ]
    return Report(
        path=validation["document"]["path"],
        family=validation["family"],
        profile=validation["profile"],
        ruleset_version=validation["ruleset_version"],
        content_sha256=validation["content_sha256"],
        issues=issues,
    )


class ExportRecommendationsIn(OperationInput):
    validation_id: ValidationId
    format: Literal["json", "csv"] = "json"


@operation(
    "export_recommendations",
    category="admin",
    title="Export recommendations",
    method="GET",
    path="/v1/admin/exports/validations/{validation_id}/recommendations",
    read_only=True,
    idempotent=True,
)
def export_recommendations(context: OperationContext, params: ExportRecommendationsIn) -> ExportOut:
    """Every recommendation of a validation as JSON or CSV (one row per recommendation)."""
    items = _all_pages(context, "list_recommendations", {"validation_id": params.validation_id})
    if params.format == "json":
        text = json.dumps(
            {"schema_version": EXPORT_SCHEMA, "validation_id": params.validation_id, "recommendations": items}, indent=2
        )
    else:
        columns = sorted({key for item in items for key in item}) or ["recommendation_id"]
        text = _csv(items, columns)
    return _deliver(context, f"recommendations-{params.validation_id}", params.format, text)


class ExportWorkflowIn(OperationInput):
    workflow_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Workflow id")
    format: Literal["json", "csv"] = "json"


@operation(
    "export_workflow",
    category="admin",
    title="Export a workflow",
    method="GET",
    path="/v1/admin/exports/workflows/{workflow_id}",
    read_only=True,
    idempotent=True,
)
def export_workflow(context: OperationContext, params: ExportWorkflowIn) -> ExportOut:
    """A workflow with its whole report (every page of items) as JSON, or the items as CSV."""
    workflow = _required("get_workflow", context, {"workflow_id": params.workflow_id})
    rows = _all_pages(context, "get_workflow_report", {"workflow_id": params.workflow_id})
    if params.format == "json":
        report = {"workflow": workflow, "items": rows, "next_cursor": None}
        text = json.dumps({"schema_version": EXPORT_SCHEMA, "workflow": workflow, "report": report}, indent=2)
    else:
        columns = sorted({key for row in rows for key in row}) or ["key"]
        text = _csv(rows, columns)
    return _deliver(context, f"workflow-{params.workflow_id}", params.format, text)


def _required(name: str, context: OperationContext, arguments: dict) -> dict:
    if name not in CATALOGUE:
        raise Unavailable(f"this deployment has no {name} operation", field="operation")
    return invoke(name, context, arguments)


def _all_pages(context: OperationContext, name: str, arguments: dict) -> list[dict]:
    items, cursor = [], None
    while True:
        page = _required(name, context, {**arguments, "limit": 100, **({"cursor": cursor} if cursor else {})})
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items
