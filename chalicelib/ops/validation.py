"""Validation operations: validate inline content, read, list, annotate and delete results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal, get_args
from urllib.parse import quote, unquote
from uuid import uuid4

from pydantic import BaseModel, Field

from chalicelib import metrics
from chalicelib.aws.documents import DocumentMissing, StoredObject
from chalicelib.engine import Report
from chalicelib.engine.report.json_report import detection_to_dict, issue_to_dict
from chalicelib.engine.truth import UnknownFamilyError
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from chalicelib.ops.fields import (
    Cursor,
    DocumentPath,
    Family,
    Limit,
    Notes,
    OperationInput,
    Profile,
    ReviewStatus,
    ValidationId,
)
from chalicelib.ops.ports import ResultCache
from chalicelib.ops.result_cache import validate_cached
from chalicelib.store.errors import VersionConflict
from chalicelib.store.records import AuditEvent, DocumentRef, Page, ValidationRecord, utc_now

MAX_KEY_BYTES = 1024  # S3's limit on an object key (UTF-8)


class DocumentOut(BaseModel):
    bucket: str
    key: str
    version_id: str
    path: str = Field(
        description="The page's path as the user named it: the key for pages in the bucket, the `path` "
        "sent with inline content (`document.md` when none was sent)"
    )


PATH_METADATA = "tbcv-path"  # object metadata: the path a page was stored with


def document_path(key: str, inline_prefix: str, metadata: Mapping[str, str] | None = None) -> str:
    """The user's path of a document: the path it was stored with (`tbcv-path` object
    metadata) when the object's metadata is at hand, else the key's. Inline content is
    stored under `<inline prefix><validation id>/<path>`, so the path is the key's tail: list
    views (index projections) carry it with the key. Records written before the whole path
    was kept have only the file name there; their metadata has the whole path, which is why
    a revalidation after an edit reads it (the checks that read the path: family, platform,
    plugin links)."""
    stored = unquote((metadata or {}).get(PATH_METADATA, ""))
    if stored:
        return stored
    if key.startswith(inline_prefix):
        path = key[len(inline_prefix) :].partition("/")[2]
        return path or key
    return key


class ValidationSummary(BaseModel):
    validation_id: str
    document: DocumentOut
    family: str | None
    profile: str
    outcome: str = Field(description="pass | warning | fail")
    review_status: str
    enhanced: bool
    counts: dict[str, int]
    notes: str
    created_by: str
    created_at: str
    updated_at: str
    version: int


class ValidationOut(ValidationSummary):
    truncated: bool = Field(description="The issue list was cut at the configured caps (most severe kept)")
    ruleset_version: str
    content_sha256: str
    issues: list[dict[str, Any]]
    detections: list[dict[str, Any]]
    timings_ms: dict[str, float]
    enhancement_ids: list[str]
    parent_validation_id: str | None
    workflow_id: str | None
    content: str | None = Field(default=None, description="The validated document version's text (include_content)")


class ValidationPage(Page[ValidationSummary]):
    pass


class ValidateContentIn(OperationInput):
    content: str = Field(description="The Markdown page (UTF-8 text, at most 1 MiB by default)")
    path: DocumentPath | None = None
    family: Family | None = None
    profile: Profile | None = None


class ValidateFileIn(OperationInput):
    key: DocumentPath = Field(description="S3 key of the page in the documents bucket, under the watched prefix")
    version_id: str | None = Field(
        default=None, max_length=1024, description="Object version to validate; the latest when omitted"
    )
    family: Family | None = None
    profile: Profile | None = None


class ValidationIdIn(OperationInput):
    validation_id: ValidationId


class GetValidationIn(ValidationIdIn):
    include_content: bool = Field(default=False, description="Also return the validated document version's text")


class ListValidationsIn(OperationInput):
    limit: Limit = 20
    cursor: Cursor | None = None
    review_status: ReviewStatus | None = None
    key: DocumentPath | None = Field(default=None, description="Only validations of this document key")
    outcome: Literal["pass", "warning", "fail"] | None = None
    family: Family | None = None
    prefix: DocumentPath | None = Field(default=None, description="Only documents whose key starts with this")


class UpdateValidationIn(OperationInput):
    validation_id: ValidationId
    notes: Notes


class DeletedOut(BaseModel):
    validation_id: str
    deleted: bool


def _summary_fields(context: OperationContext, record: ValidationRecord) -> dict[str, Any]:
    document = record.document
    return {
        "validation_id": record.validation_id,
        "document": {**document.model_dump(), "path": document_path(document.key, context.settings.inline_prefix)},
        "family": record.family,
        "profile": record.profile,
        "outcome": record.outcome,
        "review_status": record.review_status,
        "enhanced": record.enhanced,
        "counts": record.counts,
        "notes": record.notes,
        "created_by": record.created_by,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "version": record.version,
    }


def _full(context: OperationContext, record: ValidationRecord) -> ValidationOut:
    return ValidationOut(
        **_summary_fields(context, record),
        truncated=record.truncated,
        ruleset_version=record.ruleset_version,
        content_sha256=record.content_sha256,
        issues=issues_of(context, record),
        detections=record.detections,
        timings_ms=record.timings_ms,
        enhancement_ids=record.enhancement_ids,
        parent_validation_id=record.parent_validation_id,
        workflow_id=record.workflow_id,
    )


def run_engine(text: str, path: str | None, family: str | None, profile: str, *, cache: ResultCache) -> Report:
    """Profiles are checked by the input model; the engine names an unknown family. Identical
    content found in `cache` (the context's result cache) skips the engine."""
    try:
        report = validate_cached(cache, text, path, family, profile)
    except UnknownFamilyError as error:
        raise InvalidInput(str(error), field="family") from None
    metrics.engine_ran(report)
    return report


def build_validation_record(
    context: OperationContext,
    *,
    validation_id: str,
    report: Report,
    document: DocumentRef,
    written_keys: list[str],
    parent_validation_id: str | None = None,
) -> ValidationRecord:
    """The record of `report`; an issue list too large for an item is written to S3 under a
    key new to this write (and appended to `written_keys`, so a failed store write can
    undo it without touching another delivery's copy). Every stored validation is built
    here, so this is where ValidationsCompleted is counted."""
    issues = [issue_to_dict(issue) for issue in report.issues]
    issues_json = json.dumps(issues).encode()
    issues_s3_key = None
    if len(issues_json) > context.settings.issues_inline_limit_bytes:
        issues_s3_key = f"{context.settings.exports_prefix}validations/{validation_id}/issues-{uuid4().hex}.json"
        context.documents.put(issues_s3_key, issues_json)
        written_keys.append(issues_s3_key)
    metrics.validation_completed(report.outcome, report.issues)
    now = utc_now()
    return ValidationRecord(
        validation_id=validation_id,
        document=document,
        family=report.family,
        profile=report.profile,
        ruleset_version=report.ruleset_version,
        content_sha256=report.content_sha256,
        outcome=report.outcome,
        counts=report.counts,
        truncated=report.truncated,
        issues=None if issues_s3_key else issues,
        issues_s3_key=issues_s3_key,
        detections=[detection_to_dict(d) for d in report.detections],
        timings_ms=report.timings_ms,
        created_by=context.principal,
        created_at=now,
        updated_at=now,
        parent_validation_id=parent_validation_id,
    )


def undo_writes(context: OperationContext, written_keys: list[str]) -> None:
    """Hide the objects a failed operation wrote under keys of its own, newest first (delete
    markers: the versions expire with the bucket's retention, docs/security.md)."""
    for key in reversed(written_keys):
        context.documents.hide(key)


def record_validation(
    context: OperationContext,
    *,
    validation_id: str,
    report: Report,
    document: DocumentRef,
    written_keys: list[str],
) -> ValidationRecord:
    """Store a report as a validation of `document`; on failure undo the S3 writes listed
    in `written_keys` (with the spilled issues), so nothing is half-written."""
    try:
        record = build_validation_record(
            context, validation_id=validation_id, report=report, document=document, written_keys=written_keys
        )
        event = AuditEvent.new(
            actor=context.principal,
            operation="validate",
            target_type="validation",
            target_id=validation_id,
            after={"outcome": record.outcome, "review_status": "pending"},
        )
        return context.validations.create(record, event)
    except Exception:
        undo_writes(context, written_keys)
        raise


def issues_of(context: OperationContext, record: ValidationRecord) -> list[dict[str, Any]]:
    if record.issues is None and record.issues_s3_key:
        body, _ = context.documents.get(record.issues_s3_key)
        return json.loads(body)
    return record.issues or []


def stable_id(*parts: str) -> str:
    """A validation id derived from what it validates (32 hex characters)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def validate_stored(
    context: OperationContext,
    key: str,
    version_id: str | None,
    *,
    validation_id: str,
    family: str | None = None,
    profile: str | None = None,
    parent_validation_id: str | None = None,
    workflow_id: str | None = None,
    document: tuple[str, StoredObject] | None = None,
) -> ValidationRecord:
    """Validate one document version and store the result under `validation_id`; when a
    validation with that id exists already (a retry that got past the callers' own
    checks), return it instead. `document` is the version's (text, object) when the
    caller has read it already."""
    text, stored = document or read_document(context, key, version_id)
    family = family or stored.metadata.get("tbcv-family") or context.settings.default_family
    profile = profile or stored.metadata.get("tbcv-profile") or context.settings.default_profile
    if profile not in get_args(Profile):
        raise InvalidInput(
            f"object metadata tbcv-profile {profile!r} is not one of {', '.join(get_args(Profile))}", field="profile"
        )
    report = run_engine(text, key, family, profile, cache=context.result_cache)
    ref = DocumentRef(bucket=context.documents.bucket, key=key, version_id=stored.version_id)
    written: list[str] = []
    try:
        record = build_validation_record(
            context,
            validation_id=validation_id,
            report=report,
            document=ref,
            written_keys=written,
            parent_validation_id=parent_validation_id,
        )
        record = record.model_copy(update={"workflow_id": workflow_id})
        event = AuditEvent.new(
            actor=context.principal,
            operation="validate",
            target_type="validation",
            target_id=validation_id,
            after={"outcome": record.outcome, "review_status": "pending", "workflow_id": workflow_id},
        )
        return context.validations.create(record, event)
    except VersionConflict:  # a concurrent delivery stored it first
        undo_writes(context, written)
        return context.validations.get(validation_id)
    except Exception:
        undo_writes(context, written)
        raise


@operation(
    "validate_content",
    category="validation",
    title="Validate Markdown content",
    method="POST",
    path="/v1/validations",
    success_status=201,
)
def validate_content(context: OperationContext, params: ValidateContentIn) -> ValidationOut:
    """Validate a Markdown page sent inline. The content is stored as an immutable document
    version first, so the result always points at exactly what was checked."""
    body = params.content.encode("utf-8", errors="surrogatepass")
    if len(body) > context.settings.max_document_bytes:
        raise PayloadTooLarge(
            f"content is {len(body)} bytes; the limit is {context.settings.max_document_bytes}", field="content"
        )
    report = run_engine(
        params.content,
        params.path,
        params.family or context.settings.default_family,
        params.profile or context.settings.default_profile,
        cache=context.result_cache,
    )
    validation_id = uuid4().hex
    key = f"{context.settings.inline_prefix}{validation_id}/{params.path or 'document.md'}"
    if len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidInput(
            f"path is too long: the stored key would be {len(key.encode())} bytes; S3 allows {MAX_KEY_BYTES}",
            field="path",
        )
    version_id = context.documents.put(key, body, {PATH_METADATA: quote(params.path or "", safe="/")})
    document = DocumentRef(bucket=context.documents.bucket, key=key, version_id=version_id)
    record = record_validation(
        context, validation_id=validation_id, report=report, document=document, written_keys=[key]
    )
    return _full(context, record)


def read_document(context: OperationContext, key: str, version_id: str | None) -> tuple[str, StoredObject]:
    """The text of one version (the latest when None), within the size limit, as UTF-8."""
    limit = context.settings.max_document_bytes
    try:
        if version_id is None:
            head = context.documents.head(key)
            if head.size > limit:
                raise PayloadTooLarge(f"document is {head.size} bytes; the limit is {limit}", field="key")
            version_id = head.version_id
        body, stored = context.documents.get(key, version_id)
    except DocumentMissing as error:
        raise NotFound(str(error), field="key") from None
    if len(body) > limit:
        raise PayloadTooLarge(f"document is {len(body)} bytes; the limit is {limit}", field="key")
    try:
        return body.decode("utf-8"), stored
    except UnicodeDecodeError as error:
        raise InvalidInput(f"document is not UTF-8 text (byte {error.start})", field="key") from None


@operation(
    "validate_file",
    category="validation",
    title="Validate a page stored in S3",
    method="POST",
    path="/v1/validations/from-s3",
    success_status=201,
)
def validate_file(context: OperationContext, params: ValidateFileIn) -> ValidationOut:
    """Validate a Markdown page already in the documents bucket (by key, optionally a
    version). Family and profile default to the object's `tbcv-family`/`tbcv-profile`
    metadata, then to the page's front matter and path."""
    if not params.key.startswith(context.settings.watched_prefix):
        raise InvalidInput(f"key must be under {context.settings.watched_prefix!r}", field="key")
    return _full(
        context,
        validate_stored(
            context,
            params.key,
            params.version_id,
            validation_id=uuid4().hex,
            family=params.family,
            profile=params.profile,
        ),
    )


@operation(
    "get_validation",
    category="validation",
    title="Get a validation",
    method="GET",
    path="/v1/validations/{validation_id}",
    read_only=True,
    idempotent=True,
)
def get_validation(context: OperationContext, params: GetValidationIn) -> ValidationOut:
    """Return one validation with its issues, detections and review state; with
    `include_content`, also the text of the document version it checked (the review page
    shows the issues at their lines)."""
    record = context.validations.get(params.validation_id)
    out = _full(context, record)
    if params.include_content:
        try:
            body, _ = context.documents.get(record.document.key, record.document.version_id)
        except DocumentMissing as error:
            raise NotFound(str(error), field="validation_id") from None
        out.content = body.decode("utf-8", errors="replace")
    return out


@operation(
    "list_validations",
    category="validation",
    title="List validations",
    method="GET",
    path="/v1/validations",
    read_only=True,
    idempotent=True,
)
def list_validations(context: OperationContext, params: ListValidationsIn) -> ValidationPage:
    """List validations newest first, optionally only one review status, document key,
    outcome, family or key prefix; page with `cursor` (a page may be short when outcome,
    family or prefix filter it)."""
    page = context.validations.list(
        limit=params.limit,
        cursor=params.cursor,
        review_status=params.review_status,
        document_key=params.key,
        outcome=params.outcome,
        family=params.family,
        key_prefix=params.prefix,
    )
    return ValidationPage(
        items=[ValidationSummary(**_summary_fields(context, r)) for r in page.items], next_cursor=page.next_cursor
    )


@operation(
    "update_validation",
    category="validation",
    title="Update validation notes",
    method="PATCH",
    path="/v1/validations/{validation_id}",
    idempotent=True,
)
def update_validation(context: OperationContext, params: UpdateValidationIn) -> ValidationOut:
    """Replace the reviewer notes of a validation. Review status changes go through
    approve/reject, never through this operation."""
    current = context.validations.get(params.validation_id)
    event = AuditEvent.new(
        actor=context.principal,
        operation="update_validation",
        target_type="validation",
        target_id=params.validation_id,
        before={"notes": current.notes},
        after={"notes": params.notes},
    )
    updated = context.validations.update(params.validation_id, current.version, {"notes": params.notes}, event)
    return _full(context, updated)


@operation(
    "delete_validation",
    category="validation",
    title="Delete a validation",
    method="DELETE",
    path="/v1/validations/{validation_id}",
    destructive=True,
    idempotent=True,
    role="admin",  # validation records are the evidence reviews and audits refer to
)
def delete_validation(context: OperationContext, params: ValidationIdIn) -> DeletedOut:
    """Delete a validation record (its document versions stay in S3). A validation that still
    has recommendations, enhancements or re-validations is refused with 409 naming them:
    they would be orphaned (an orphaned enhancement could never be rolled back). Delete the
    recommendations first; enhanced validations stay until their retention ends."""
    current = context.validations.get(params.validation_id)
    children = {
        "recommendations": len(context.review.recommendations_of(params.validation_id)),
        "enhancements": len(context.review.enhancements_of(params.validation_id)),
        "re-validations": len(context.validations.revalidations_of(current)),
    }
    if any(children.values()):
        named = ", ".join(f"{count} {kind}" for kind, count in children.items() if count)
        raise Conflict(
            f"validation {params.validation_id!r} still has {named}; it is kept so they are not orphaned",
            field="validation_id",
        )
    event = AuditEvent.new(
        actor=context.principal,
        operation="delete_validation",
        target_type="validation",
        target_id=params.validation_id,
        before={"outcome": current.outcome, "review_status": current.review_status},
    )
    context.validations.delete(params.validation_id, current.version, event)
    return DeletedOut(validation_id=params.validation_id, deleted=True)
