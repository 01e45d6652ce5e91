"""Approval operations: a person's sign-off on a validation, one at a time or in bulk.
Bulk reviews read every item in one BatchGet and write in batched transactions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, NotFound, OperationError
from chalicelib.ops.fields import Notes, OperationInput, Reason, ValidationId, ValidationIds
from chalicelib.ops.transitions import check_transition
from chalicelib.store.records import AuditEvent


class ApproveIn(OperationInput):
    validation_id: ValidationId
    notes: Notes | None = Field(default=None, description="Appended to the validation's notes")


class RejectIn(OperationInput):
    validation_id: ValidationId
    reason: Reason


class BulkApproveIn(OperationInput):
    validation_ids: ValidationIds
    notes: Notes | None = None


class BulkRejectIn(OperationInput):
    validation_ids: ValidationIds
    reason: Reason


class ReviewOut(BaseModel):
    validation_id: str
    review_status: str
    previous_status: str
    notes: str
    version: int


class ItemResult(BaseModel):
    validation_id: str
    result: Literal["changed", "not_found", "conflict"]
    review_status: str | None = None
    message: str | None = None


class ApprovalBulkReviewOut(BaseModel):
    items: list[ItemResult]
    changed: int
    failed: int


def _notes_with(notes: str, addition: str | None, principal: str, status: str) -> str:
    if not addition:
        return notes
    line = f"[{status} by {principal}] {addition}"
    return f"{notes}\n{line}" if notes else line


_OPERATION_OF = {"approved": "approve", "rejected": "reject"}


def review_validations(
    context: OperationContext, validation_ids: list[str], target: str, text: str | None
) -> list[ItemResult]:
    """Move each validation to `target` where the transition table allows it."""
    found = context.validations.get_many(validation_ids)
    results: dict[str, ItemResult] = {}
    changes = []
    for validation_id in dict.fromkeys(validation_ids):
        record = found.get(validation_id)
        if record is None:
            results[validation_id] = ItemResult(
                validation_id=validation_id, result="not_found", message=f"validation {validation_id!r} does not exist"
            )
            continue
        try:
            check_transition("validation", record.review_status, target, item_id=validation_id)
        except OperationError as error:
            results[validation_id] = ItemResult(
                validation_id=validation_id,
                result="conflict",
                review_status=record.review_status,
                message=error.message,
            )
            continue
        notes = _notes_with(record.notes, text, context.principal, target)
        event = AuditEvent.new(
            actor=context.principal,
            operation=_OPERATION_OF[target],
            target_type="validation",
            target_id=validation_id,
            before={"review_status": record.review_status},
            after={"review_status": target, "note": text},
        )
        changes.append((validation_id, record.version, {"review_status": target, "notes": notes}, event))
        results[validation_id] = ItemResult(validation_id=validation_id, result="changed", review_status=target)
    _, conflicted = context.validations.update_many(changes) if changes else ([], [])
    for validation_id in conflicted:
        results[validation_id] = ItemResult(
            validation_id=validation_id,
            result="conflict",
            message=f"validation {validation_id!r} was changed by another request; read it again",
        )
    return list(results.values())


def _single(context: OperationContext, validation_id: str, target: str, text: str | None) -> ReviewOut:
    before = context.validations.get(validation_id)
    (result,) = review_validations(context, [validation_id], target, text)
    if result.result == "not_found":
        raise NotFound(result.message or "", field="validation_id")
    if result.result == "conflict":
        raise Conflict(result.message or "", field="validation_id")
    after = context.validations.get(validation_id)
    return ReviewOut(
        validation_id=validation_id,
        review_status=after.review_status,
        previous_status=before.review_status,
        notes=after.notes,
        version=after.version,
    )


def _bulk(results: list[ItemResult]) -> ApprovalBulkReviewOut:
    changed = sum(1 for r in results if r.result == "changed")
    return ApprovalBulkReviewOut(items=results, changed=changed, failed=len(results) - changed)


@operation(
    "approve",
    category="approval",
    title="Approve a validation",
    method="POST",
    path="/v1/validations/{validation_id}/approve",
    idempotent=False,
)
def approve(context: OperationContext, params: ApproveIn) -> ReviewOut:
    """Sign off a validation (pending or rejected -> approved). Approving recommendations
    is separate (review_recommendation)."""
    return _single(context, params.validation_id, "approved", params.notes)


@operation(
    "reject",
    category="approval",
    title="Reject a validation",
    method="POST",
    path="/v1/validations/{validation_id}/reject",
)
def reject(context: OperationContext, params: RejectIn) -> ReviewOut:
    """Reject a validation (pending or approved -> rejected); the reason is appended to
    its notes and audited."""
    return _single(context, params.validation_id, "rejected", params.reason)


@operation(
    "bulk_approve",
    category="approval",
    title="Approve many validations",
    method="POST",
    path="/v1/bulk/validations/approve",
)
def bulk_approve(context: OperationContext, params: BulkApproveIn) -> ApprovalBulkReviewOut:
    """Approve up to 100 validations in one call; each item reports changed, not_found or
    conflict (a transition the table forbids, or a concurrent change)."""
    return _bulk(review_validations(context, params.validation_ids, "approved", params.notes))


@operation(
    "bulk_reject",
    category="approval",
    title="Reject many validations",
    method="POST",
    path="/v1/bulk/validations/reject",
)
def bulk_reject(context: OperationContext, params: BulkRejectIn) -> ApprovalBulkReviewOut:
    """Reject up to 100 validations in one call with one reason; per-item results."""
    return _bulk(review_validations(context, params.validation_ids, "rejected", params.reason))
