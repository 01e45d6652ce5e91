"""Exports of a validation (JSON, CSV, SARIF), of its recommendations and of a workflow;
large ones go to S3 behind a pre-signed URL."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal
from uuid import uuid4

from pydantic import BaseModel, Field

from chalicelib.engine.model import report_from_json
from chalicelib.engine.report.sarif_report import sarif_document
from chalicelib.ops.catalogue import CATALOGUE, invoke, operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Unavailable
from chalicelib.ops.fields import OperationInput, ValidationId

EXPORT_SCHEMA = "tbcv.export/1"
INLINE_EXPORT_LIMIT = 256 * 1024  # larger exports go to S3 behind a pre-signed URL
ExportFormat = Literal["json", "csv", "sarif"]


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
        report = report_from_json({**validation, "path": validation["document"]["path"]})
        text = json.dumps(sarif_document([report]), indent=2)
    return _deliver(context, f"validation-{params.validation_id}", params.format, text)


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
