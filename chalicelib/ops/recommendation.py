"""Recommendation operations: drafted from a validation's issues with exact edits,
reviewed one at a time or in bulk, applied through the enhancement path."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal, get_type_hints
from uuid import uuid4

from pydantic import BaseModel, Field, create_model

from chalicelib import metrics
from chalicelib.engine.recommend import EditSpec, draft_recommendations
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, NotFound, OperationError
from chalicelib.ops.fields import (
    Cursor,
    Limit,
    Notes,
    OperationInput,
    RecommendationId,
    RecommendationIds,
    ValidationId,
)
from chalicelib.ops.transitions import check_transition
from chalicelib.ops.validation import issues_of
from chalicelib.store.records import AuditEvent, Page, ValidationRecord, utc_now
from chalicelib.store.review import Recommendation, RecommendationRecord, RecommendationStatus

ReviewAction = Literal["approve", "reject", "reset"]
_TARGET = {"approve": "approved", "reject": "rejected", "reset": "pending"}


# The API shape of an edit, derived from the engine's declaration of it
EditOut = create_model(
    "EditOut",
    **{name: (hint, ...) for name, hint in get_type_hints(EditSpec).items()}
    | {"start": (int, Field(description="0-based code-point offset in the validated document version"))},
)


class RecommendationOut(Recommendation):
    # the stored record's public fields (chalicelib.store.review.Recommendation), edits typed
    edits: list[EditOut]  # type: ignore[assignment]  # the API types the stored edits


class RecommendationsOut(BaseModel):
    validation_id: str
    created: int = Field(description="How many recommendations this call created")
    items: list[RecommendationOut]


class RecommendationPage(Page[RecommendationOut]):
    pass


class ValidationIdIn(OperationInput):
    validation_id: ValidationId


class ListRecommendationsIn(OperationInput):
    validation_id: ValidationId
    status: RecommendationStatus | None = None
    limit: Limit = 50
    cursor: Cursor | None = None


class RecommendationIdIn(OperationInput):
    recommendation_id: RecommendationId


class ReviewRecommendationIn(OperationInput):
    recommendation_id: RecommendationId
    action: ReviewAction = Field(description="approve, reject, or reset (rejected -> pending)")
    notes: Notes | None = None


class BulkReviewIn(OperationInput):
    recommendation_ids: RecommendationIds
    action: ReviewAction
    notes: Notes | None = None


class ReviewItem(BaseModel):
    recommendation_id: str
    result: Literal["changed", "not_found", "conflict"]
    status: str | None = None
    message: str | None = None


class RecommendationBulkReviewOut(BaseModel):
    items: list[ReviewItem]
    changed: int
    failed: int


class MarkAppliedIn(OperationInput):
    recommendation_ids: RecommendationIds
    notes: Notes | None = Field(default=None, description="Where/how the edits were applied")


class DeletedOut(BaseModel):
    recommendation_id: str
    deleted: bool


def to_out(record: RecommendationRecord) -> RecommendationOut:
    return RecommendationOut.model_validate(record.model_dump(include=set(RecommendationOut.model_fields)))


def new_records(
    context: OperationContext, validation: ValidationRecord, skip_keys: set[str]
) -> list[RecommendationRecord]:
    """Records for every draft of the validation's issues, except `skip_keys` (dedup)."""
    text, _ = context.documents.get(validation.document.key, validation.document.version_id)
    drafts = draft_recommendations(text.decode("utf-8"), issues_of(context, validation))
    now = utc_now()
    return [
        RecommendationRecord(
            recommendation_id=uuid4().hex,
            validation_id=validation.validation_id,
            document_version=validation.document.version_id,
            rule=d.rule,
            alias=d.alias,
            category=d.category,
            severity=d.severity,
            confidence=d.confidence,
            type=d.type,
            title=d.title,
            rationale=d.rationale,
            line=d.line,
            column=d.column,
            edits=[asdict(e) for e in d.edits],
            issue_indexes=d.issue_indexes,
            dedup_key=d.dedup_key,
            status="pending",
            reviewer=None,
            notes="",
            enhancement_id=None,
            created_at=now,
            updated_at=now,
            version=0,
        )
        for d in drafts
        if d.dedup_key not in skip_keys
    ]


def _generated(context: OperationContext, validation_id: str, created: int) -> RecommendationsOut:
    return RecommendationsOut(
        validation_id=validation_id,
        created=created,
        items=[to_out(r) for r in context.review.recommendations_of(validation_id)],
    )


@operation(
    "generate_recommendations",
    category="recommendation",
    title="Generate recommendations",
    method="POST",
    path="/v1/validations/{validation_id}/recommendations",
    idempotent=True,
)
def generate_recommendations(context: OperationContext, params: ValidationIdIn) -> RecommendationsOut:
    """Draft one recommendation per fixable issue (with its exact edits) and an advice-only
    one per other issue. Idempotent: a validation that has recommendations keeps them (use
    rebuild_recommendations to redraft)."""
    validation = context.validations.get(params.validation_id)
    if context.review.recommendations_of(params.validation_id):
        return _generated(context, params.validation_id, 0)
    records = new_records(context, validation, set())
    event = AuditEvent.new(
        actor=context.principal,
        operation="generate_recommendations",
        target_type="validation",
        target_id=params.validation_id,
        after={"recommendations": len(records)},
    )
    context.review.replace_recommendations(params.validation_id, records, [], event)
    metrics.recommendations_generated(len(records))
    return _generated(context, params.validation_id, len(records))


@operation(
    "rebuild_recommendations",
    category="recommendation",
    title="Rebuild recommendations",
    method="POST",
    path="/v1/validations/{validation_id}/recommendations/rebuild",
)
def rebuild_recommendations(context: OperationContext, params: ValidationIdIn) -> RecommendationsOut:
    """Replace a validation's unapplied recommendations by fresh drafts, atomically. Applied
    ones stay: they are the history of an enhancement."""
    validation = context.validations.get(params.validation_id)
    existing = context.review.recommendations_of(params.validation_id)
    applied = [r for r in existing if r.status == "applied"]
    remove = [r for r in existing if r.status != "applied"]
    records = new_records(context, validation, {r.dedup_key for r in applied})
    event = AuditEvent.new(
        actor=context.principal,
        operation="rebuild_recommendations",
        target_type="validation",
        target_id=params.validation_id,
        before={"recommendations": len(remove)},
        after={"recommendations": len(records)},
    )
    context.review.replace_recommendations(params.validation_id, records, remove, event)
    metrics.recommendations_generated(len(records))
    return _generated(context, params.validation_id, len(records))


@operation(
    "list_recommendations",
    category="recommendation",
    title="List recommendations",
    method="GET",
    path="/v1/validations/{validation_id}/recommendations",
    read_only=True,
    idempotent=True,
)
def list_recommendations(context: OperationContext, params: ListRecommendationsIn) -> RecommendationPage:
    """List a validation's recommendations, optionally of one status; page with cursor."""
    context.validations.get(params.validation_id)
    page = context.review.list_recommendations(
        params.validation_id, limit=params.limit, cursor=params.cursor, status=params.status
    )
    return RecommendationPage(items=[to_out(r) for r in page.items], next_cursor=page.next_cursor)


@operation(
    "get_recommendation",
    category="recommendation",
    title="Get a recommendation",
    method="GET",
    path="/v1/recommendations/{recommendation_id}",
    read_only=True,
    idempotent=True,
)
def get_recommendation(context: OperationContext, params: RecommendationIdIn) -> RecommendationOut:
    """One recommendation with its exact edits and review state."""
    return to_out(context.review.get_recommendation(params.recommendation_id))


def change_statuses(
    context: OperationContext,
    ids: list[str],
    target: str,
    *,
    via: str,
    operation_name: str,
    notes: str | None,
    extra: dict[str, Any] | None = None,
) -> list[ReviewItem]:
    """Move recommendations to `target` where the transition table allows it (via `via`)."""
    found = context.review.get_recommendations(ids)
    results: dict[str, ReviewItem] = {}
    changes = []
    for recommendation_id in dict.fromkeys(ids):
        record = found.get(recommendation_id)
        if record is None:
            results[recommendation_id] = ReviewItem(
                recommendation_id=recommendation_id,
                result="not_found",
                message=f"recommendation {recommendation_id!r} does not exist",
            )
            continue
        try:
            check_transition("recommendation", record.status, target, via=via, item_id=recommendation_id)
        except OperationError as error:
            results[recommendation_id] = ReviewItem(
                recommendation_id=recommendation_id, result="conflict", status=record.status, message=error.message
            )
            continue
        fields = {"status": target, "reviewer": context.principal, **(extra or {})}
        if notes:
            fields["notes"] = f"{record.notes}\n{notes}" if record.notes else notes
        event = AuditEvent.new(
            actor=context.principal,
            operation=operation_name,
            target_type="recommendation",
            target_id=recommendation_id,
            before={"status": record.status},
            after={"status": target},
        )
        changes.append((record, fields, event))
        results[recommendation_id] = ReviewItem(recommendation_id=recommendation_id, result="changed", status=target)
    _, conflicted = context.review.set_statuses(changes) if changes else ([], [])
    metrics.recommendations_moved(target, via, len(changes) - len(conflicted))
    for recommendation_id in conflicted:
        results[recommendation_id] = ReviewItem(
            recommendation_id=recommendation_id,
            result="conflict",
            message=f"recommendation {recommendation_id!r} was changed by another request; read it again",
        )
    return list(results.values())


def _summary(items: list[ReviewItem]) -> RecommendationBulkReviewOut:
    changed = sum(1 for i in items if i.result == "changed")
    return RecommendationBulkReviewOut(items=items, changed=changed, failed=len(items) - changed)


@operation(
    "review_recommendation",
    category="recommendation",
    title="Review a recommendation",
    method="POST",
    path="/v1/recommendations/{recommendation_id}/review",
)
def review_recommendation(context: OperationContext, params: ReviewRecommendationIn) -> RecommendationOut:
    """Approve or reject one recommendation, or reset a rejected one to pending. Concurrent
    reviews of the same recommendation: one wins, the others get 409."""
    (item,) = change_statuses(
        context,
        [params.recommendation_id],
        _TARGET[params.action],
        via="review",
        operation_name="review_recommendation",
        notes=params.notes,
    )
    if item.result == "not_found":
        raise NotFound(item.message or "", field="recommendation_id")
    if item.result == "conflict":
        raise Conflict(item.message or "", field="recommendation_id")
    return to_out(context.review.get_recommendation(params.recommendation_id))


@operation(
    "bulk_review_recommendations",
    category="recommendation",
    title="Review many recommendations",
    method="POST",
    path="/v1/bulk/recommendations/review",
)
def bulk_review_recommendations(context: OperationContext, params: BulkReviewIn) -> RecommendationBulkReviewOut:
    """Approve, reject or reset up to 100 recommendations in one call; per-item results."""
    return _summary(
        change_statuses(
            context,
            params.recommendation_ids,
            _TARGET[params.action],
            via="review",
            operation_name="bulk_review_recommendations",
            notes=params.notes,
        )
    )


@operation(
    "mark_recommendations_applied",
    category="recommendation",
    title="Mark recommendations applied",
    method="POST",
    path="/v1/bulk/recommendations/mark-applied",
)
def mark_recommendations_applied(context: OperationContext, params: MarkAppliedIn) -> RecommendationBulkReviewOut:
    """Record that approved recommendations were applied outside TBCV (for example by a
    writer by hand); only approved ones can be marked."""
    return _summary(
        change_statuses(
            context,
            params.recommendation_ids,
            "applied",
            via="apply",
            operation_name="mark_recommendations_applied",
            notes=params.notes,
        )
    )


@operation(
    "delete_recommendation",
    category="recommendation",
    title="Delete a recommendation",
    method="DELETE",
    path="/v1/recommendations/{recommendation_id}",
    destructive=True,
)
def delete_recommendation(context: OperationContext, params: RecommendationIdIn) -> DeletedOut:
    """Delete a recommendation that has not been applied (applied ones are the history of
    an enhancement)."""
    record = context.review.get_recommendation(params.recommendation_id)
    if record.status == "applied":
        raise Conflict(
            f"recommendation {params.recommendation_id!r} is applied; roll back its "
            f"enhancement {record.enhancement_id!r} first",
            field="recommendation_id",
        )
    event = AuditEvent.new(
        actor=context.principal,
        operation="delete_recommendation",
        target_type="recommendation",
        target_id=params.recommendation_id,
        before={"status": record.status},
    )
    context.review.delete_recommendation(record, event)
    return DeletedOut(recommendation_id=params.recommendation_id, deleted=True)
