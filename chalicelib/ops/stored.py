"""Validating a stored document version for the asynchronous paths: workflow items, the
upload pipeline and revalidation. They differ from `validate_file` in what they link the
validation to (workflow, parent validation) and in choosing the validation id, which
makes a retried step or a redelivered message create the validation only once."""
from __future__ import annotations

import hashlib
from typing import get_args

from chalicelib.aws.documents import DocumentMissing, StoredObject
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import InvalidInput, NotFound, PayloadTooLarge
from chalicelib.ops.fields import Profile
from chalicelib.ops.validation import build_validation_record, run_engine, undo_writes
from chalicelib.store.errors import VersionConflict
from chalicelib.store.records import AuditEvent, DocumentRef, ValidationRecord


def stable_id(*parts: str) -> str:
    """A validation id derived from what it validates (32 hex characters)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


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


def validate_stored(context: OperationContext, key: str, version_id: str | None, *,
                    validation_id: str, family: str | None = None, profile: str | None = None,
                    parent_validation_id: str | None = None, workflow_id: str | None = None,
                    document: tuple[str, StoredObject] | None = None) -> ValidationRecord:
    """Validate one document version and store the result under `validation_id`; when a
    validation with that id exists already (a retry that got past the callers' own
    checks), return it instead. `document` is the version's (text, object) when the
    caller has read it already."""
    text, stored = document or read_document(context, key, version_id)
    family = family or stored.metadata.get("tbcv-family") or context.settings.default_family
    profile = profile or stored.metadata.get("tbcv-profile") or context.settings.default_profile
    if profile not in get_args(Profile):
        raise InvalidInput(f"object metadata tbcv-profile {profile!r} is not one of "
                           f"{', '.join(get_args(Profile))}", field="profile")
    report = run_engine(text, key, family, profile)
    ref = DocumentRef(bucket=context.documents.bucket, key=key, version_id=stored.version_id)
    written: list[tuple[str, str]] = []
    try:
        record = build_validation_record(context, validation_id=validation_id, report=report,
                                         document=ref, written_keys=written,
                                         parent_validation_id=parent_validation_id)
        record = record.model_copy(update={"workflow_id": workflow_id})
        event = AuditEvent.new(actor=context.principal, operation="validate",
                               target_type="validation", target_id=validation_id,
                               after={"outcome": record.outcome, "review_status": "pending",
                                      "workflow_id": workflow_id})
        return context.validations.create(record, event)
    except VersionConflict:   # a concurrent delivery stored it first
        undo_writes(context, written)
        return context.validations.get(validation_id)
    except Exception:
        undo_writes(context, written)
        raise
