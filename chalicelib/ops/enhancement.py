"""Enhancement operations: apply approved recommendations as a new document version, with
preview, diff, safety gate, re-validation and rollback.

Apply order: (1) already applied? return the existing enhancement; (2) only approved fix
recommendations of the validated version, and only if the document is still at that
version; (3) edits applied from the end backwards, conflicts refused naming both
recommendations; (4) the result re-validated and the safety gate checked; (5) the new
version written to S3 (metadata marks it as TBCV's), then the enhancement, the
re-validation and the source validation's flag in one transaction (if that fails, the
validated version is copied back as the newest: versions are never deleted, see
docs/security.md), then the recommendations marked applied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from uuid import uuid4

import yaml
from pydantic import BaseModel, Field

from chalicelib import metrics
from chalicelib.engine.edits import EditConflict, EditOutOfRange
from chalicelib.engine.enhance import EnhancedText, enhance_text
from chalicelib.engine.model import Report, TextEdit
from chalicelib.engine.sources import config_dir
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, InvalidInput, OperationError
from chalicelib.ops.fields import Cursor, EnhancementId, Limit, OperationInput, Reason, RecommendationIds, ValidationId
from chalicelib.ops.recommendation import RecommendationOut, change_statuses, to_out
from chalicelib.ops.validation import build_validation_record, document_path, issues_of, run_engine, undo_writes
from chalicelib.store.records import AuditEvent, DocumentRef, Page, ValidationRecord, utc_now
from chalicelib.store.review import Enhancement, EnhancementRecord, RecommendationRecord

DIFF_INLINE_LIMIT = 200 * 1024
MAX_BATCH = 20


class ApplyIn(OperationInput):
    validation_id: ValidationId
    recommendation_ids: RecommendationIds | None = Field(
        default=None, description="Approved recommendations to apply; all approved ones when omitted"
    )


class ApplyRecommendationsIn(OperationInput):
    validation_id: ValidationId
    recommendation_ids: RecommendationIds


class SafetyOut(BaseModel):
    ok: bool
    reasons: list[str]
    change_ratio: float
    max_change_ratio: float


class RevalidationOut(BaseModel):
    outcome: str
    counts: dict[str, int]
    resolved: int = Field(description="Issues of the source validation that are gone")
    remaining: int


class PreviewOut(BaseModel):
    validation_id: str
    document_key: str
    base_version: str
    recommendation_ids: list[str]
    diff: str
    stats: dict[str, float]
    safety: SafetyOut
    revalidation: RevalidationOut
    document_changed: bool = Field(
        description="The document has a newer version than the validated one; apply would be refused"
    )


class EnhancementOut(Enhancement):
    # the stored record's public fields (chalicelib.store.review.Enhancement)
    pass


class EnhancementIdIn(OperationInput):
    enhancement_id: EnhancementId


class RollbackIn(OperationInput):
    enhancement_id: EnhancementId
    reason: Reason


class ComparisonOut(BaseModel):
    enhancement: EnhancementOut
    diff: str
    before: dict[str, int]
    after: dict[str, int]
    resolved_by_rule: dict[str, int]
    remaining_by_rule: dict[str, int]


class ListEnhancementsIn(OperationInput):
    validation_id: ValidationId | None = None
    limit: Limit = 20
    cursor: Cursor | None = None


class EnhancementPage(Page[EnhancementOut]):
    pass


class BatchIn(OperationInput):
    validation_ids: list[ValidationId] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"1-{MAX_BATCH} validations"
    )


class BatchItem(BaseModel):
    validation_id: str
    result: Literal["applied", "failed"]
    enhancement_id: str | None = None
    error: dict[str, Any] | None = None


class BatchOut(BaseModel):
    items: list[BatchItem]
    applied: int
    failed: int


class AutoApplyOut(BaseModel):
    validation_id: str
    approved: list[RecommendationOut]
    enhancement: EnhancementOut | None


@dataclass
class _Plan:
    validation: ValidationRecord
    selected: list[RecommendationRecord]
    text: str
    enhanced: EnhancedText
    report: Report
    document_changed: bool


def _out(record: EnhancementRecord) -> EnhancementOut:
    return EnhancementOut(**record.model_dump(include=set(EnhancementOut.model_fields)))


def _already_applied(
    context: OperationContext, validation_id: str, ids: list[str] | None, recs: list[RecommendationRecord]
) -> EnhancementRecord | None:
    """The enhancement that already applied these recommendations, if any (checked first)."""
    by_id = {r.recommendation_id: r for r in recs}
    if ids is None:
        if any(r.status == "approved" and r.type == "fix" for r in recs):
            return None
        live = [e for e in context.review.enhancements_of(validation_id) if not e.rolled_back]
        return max(live, key=lambda e: e.created_at) if live else None
    wanted = [by_id.get(i) for i in ids]
    if wanted and all(r is not None and r.status == "applied" and r.enhancement_id for r in wanted):
        enhancement_ids = {r.enhancement_id for r in wanted if r is not None and r.enhancement_id}
        if len(enhancement_ids) == 1:
            return context.review.get_enhancement(enhancement_ids.pop())
    return None


def _select(recs: list[RecommendationRecord], ids: list[str] | None, version: str) -> list[RecommendationRecord]:
    by_id = {r.recommendation_id: r for r in recs}
    if ids is None:
        selected = [r for r in recs if r.status == "approved" and r.type == "fix"]
        if not selected:
            raise Conflict("no approved fix recommendations to apply", field="recommendation_ids")
        return selected
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise InvalidInput(f"not recommendations of this validation: {', '.join(unknown)}", field="recommendation_ids")
    selected = [by_id[i] for i in dict.fromkeys(ids)]
    advice = [r.recommendation_id for r in selected if r.type != "fix"]
    if advice:
        raise InvalidInput(
            f"advice-only recommendations have no edits to apply: {', '.join(advice)}", field="recommendation_ids"
        )
    not_approved = [f"{r.recommendation_id} ({r.status})" for r in selected if r.status != "approved"]
    if not_approved:
        raise Conflict(
            f"only approved recommendations are applied: {', '.join(not_approved)}", field="recommendation_ids"
        )
    stale = [r.recommendation_id for r in selected if r.document_version != version]
    if stale:
        raise Conflict(f"recommendations of another document version: {', '.join(stale)}", field="recommendation_ids")
    return selected


def _edits(text: str, selected: list[RecommendationRecord]) -> tuple[list[TextEdit], dict[TextEdit, str]]:
    edits, owner = [], {}
    for rec in selected:
        for spec in rec.edits:
            if not 0 <= spec["start"] <= spec["end"] <= len(text):
                raise InvalidInput(
                    f"recommendation {rec.recommendation_id} has an edit range "
                    f"[{spec['start']}:{spec['end']}] outside the document (0..{len(text)})",
                    field="recommendation_ids",
                )
            if text[spec["start"] : spec["end"]] != spec["original"]:
                raise Conflict(
                    f"recommendation {rec.recommendation_id} no longer matches the document "
                    f"text at line {spec['line']}",
                    field="recommendation_ids",
                )
            edit = TextEdit(spec["start"], spec["end"], spec["replacement"])
            edits.append(edit)
            owner[edit] = rec.recommendation_id
    return edits, owner


def _plan(context: OperationContext, validation: ValidationRecord, selected: list[RecommendationRecord]) -> _Plan:
    document = validation.document
    body, stored = context.documents.get(document.key, document.version_id)
    text = body.decode("utf-8")
    latest = context.documents.head(document.key).version_id
    edits, owner = _edits(text, selected)
    try:
        enhanced = enhance_text(
            text,
            edits,
            max_change_ratio=context.settings.max_change_ratio,
            before_label=f"{document.key}@{document.version_id}",
            after_label=f"{document.key}@enhanced",
        )
    except EditConflict as error:
        raise Conflict(
            f"recommendations {owner[error.first]} and {owner[error.second]} edit "
            f"overlapping text; approve only one of them",
            field="recommendation_ids",
        ) from None
    except EditOutOfRange as error:
        raise InvalidInput(str(error), field="recommendation_ids") from None
    path = document_path(document.key, context.settings.inline_prefix, stored.metadata)
    report = run_engine(enhanced.text, path, validation.family, validation.profile, cache=context.result_cache)
    return _Plan(validation, selected, text, enhanced, report, latest != document.version_id)


def _revalidation(context: OperationContext, plan: _Plan) -> RevalidationOut:
    before = len(issues_of(context, plan.validation))
    after = len(plan.report.issues)
    return RevalidationOut(
        outcome=plan.report.outcome, counts=plan.report.counts, resolved=max(before - after, 0), remaining=after
    )


def _issue_rules(context: OperationContext, validation: ValidationRecord) -> list[str]:
    return [issue["rule"] for issue in issues_of(context, validation)]


def _preview(context: OperationContext, validation_id: str, ids: list[str] | None) -> PreviewOut:
    validation = context.validations.get(validation_id)
    recs = context.review.recommendations_of(validation_id)
    plan = _plan(context, validation, _select(recs, ids, validation.document.version_id))
    safety = plan.enhanced.safety
    return PreviewOut(
        validation_id=validation_id,
        document_key=validation.document.key,
        base_version=validation.document.version_id,
        recommendation_ids=[r.recommendation_id for r in plan.selected],
        diff=plan.enhanced.diff,
        stats=plan.enhanced.stats,
        safety=SafetyOut(
            ok=safety.ok,
            reasons=list(safety.reasons),
            change_ratio=safety.change_ratio,
            max_change_ratio=safety.max_change_ratio,
        ),
        revalidation=_revalidation(context, plan),
        document_changed=plan.document_changed,
    )


def apply_approved(context: OperationContext, validation_id: str, ids: list[str] | None) -> EnhancementRecord:
    """Apply approved recommendations of a validation (see the module docstring)."""
    validation = context.validations.get(validation_id)
    recs = context.review.recommendations_of(validation_id)
    existing = _already_applied(context, validation_id, ids, recs)
    if existing is not None:
        return existing
    plan = _plan(context, validation, _select(recs, ids, validation.document.version_id))
    document = validation.document
    if plan.document_changed:
        latest = context.documents.head(document.key).version_id
        raise Conflict(
            f"the document changed since it was validated: validated version "
            f"{document.version_id}, current version {latest}; validate it again",
            field="validation_id",
        )
    if not plan.enhanced.safety.ok:
        metrics.enhancement_refused()
        raise Conflict(
            "safety gate refused the result: " + "; ".join(plan.enhanced.safety.reasons), field="recommendation_ids"
        )
    enhancement_id = uuid4().hex
    written: list[str] = []
    result_version = None
    try:
        result_version = context.documents.put(
            document.key,
            plan.enhanced.text.encode("utf-8"),
            {"tbcv-enhancement-id": enhancement_id, "tbcv-base-version": document.version_id},
        )
        result_doc = DocumentRef(bucket=document.bucket, key=document.key, version_id=result_version)
        revalidation = build_validation_record(
            context,
            validation_id=uuid4().hex,
            report=plan.report,
            document=result_doc,
            written_keys=written,
            parent_validation_id=validation_id,
        )
        diff: str | None = plan.enhanced.diff
        diff_key: str | None = None  # a large diff is stored beside the document, not inline
        if len(plan.enhanced.diff.encode()) > DIFF_INLINE_LIMIT:
            diff_key = f"{context.settings.exports_prefix}enhancements/{enhancement_id}/diff.patch"
            context.documents.put(diff_key, plan.enhanced.diff.encode())
            written.append(diff_key)
            diff = None
        safety = plan.enhanced.safety
        now = utc_now()
        record = EnhancementRecord(
            enhancement_id=enhancement_id,
            validation_id=validation_id,
            document_bucket=document.bucket,
            document_key=document.key,
            base_version=document.version_id,
            result_version=result_version,
            recommendation_ids=[r.recommendation_id for r in plan.selected],
            diff=diff,
            diff_s3_key=diff_key,
            stats=plan.enhanced.stats,
            safety={
                "ok": safety.ok,
                "reasons": list(safety.reasons),
                "change_ratio": safety.change_ratio,
                "max_change_ratio": safety.max_change_ratio,
            },
            result_validation_id=revalidation.validation_id,
            applied_by=context.principal,
            rolled_back=False,
            rolled_back_by=None,
            rolled_back_at=None,
            rollback_version=None,
            created_at=now,
            updated_at=now,
            version=0,
        )
        events = [
            AuditEvent.new(
                actor=context.principal,
                operation="apply_enhancement",
                target_type="enhancement",
                target_id=enhancement_id,
                after={
                    "validation_id": validation_id,
                    "result_version": result_version,
                    "recommendation_ids": record.recommendation_ids,
                },
            ),
            AuditEvent.new(
                actor=context.principal,
                operation="apply_enhancement",
                target_type="validation",
                target_id=validation_id,
                before={"enhanced": validation.enhanced},
                after={"enhanced": True},
            ),
            AuditEvent.new(
                actor=context.principal,
                operation="revalidate_enhancement",
                target_type="validation",
                target_id=revalidation.validation_id,
                after={"outcome": revalidation.outcome, "parent_validation_id": validation_id},
            ),
        ]
        context.review.record_enhancement(record, validation, revalidation, events)
    except Exception:
        undo_writes(context, written)
        if result_version is not None:  # the validated version becomes the newest again
            context.documents.restore(document.key, document.version_id, replacing=result_version)
        raise
    metrics.enhancement_applied()
    change_statuses(
        context,
        record.recommendation_ids,
        "applied",
        via="apply",
        operation_name="apply_enhancement",
        notes=None,
        extra={"enhancement_id": enhancement_id},
    )
    return context.review.get_enhancement(enhancement_id)


@operation(
    "preview_enhancement",
    category="enhancement",
    title="Preview an enhancement",
    method="POST",
    path="/v1/validations/{validation_id}/enhancement/preview",
    read_only=True,
    idempotent=True,
)
def preview_enhancement(context: OperationContext, params: ApplyIn) -> PreviewOut:
    """What applying the approved recommendations would produce (diff, stats, safety gate,
    re-validation), without writing anything."""
    return _preview(context, params.validation_id, params.recommendation_ids)


@operation(
    "apply_enhancement",
    category="enhancement",
    title="Apply approved recommendations",
    method="POST",
    path="/v1/validations/{validation_id}/enhancement",
    idempotent=True,
    success_status=201,
)
def apply_enhancement(context: OperationContext, params: ApplyIn) -> EnhancementOut:
    """Apply the validation's approved recommendations (or the listed ones) as a new version
    of the document; applying the same recommendations again returns the same enhancement."""
    return _out(apply_approved(context, params.validation_id, params.recommendation_ids))


@operation(
    "apply_recommendations",
    category="recommendation",
    title="Apply listed recommendations",
    method="POST",
    path="/v1/validations/{validation_id}/recommendations/apply",
    idempotent=True,
    success_status=201,
)
def apply_recommendations(context: OperationContext, params: ApplyRecommendationsIn) -> EnhancementOut:
    """Apply exactly these approved recommendations of one validation (same rules as
    apply_enhancement)."""
    return _out(apply_approved(context, params.validation_id, params.recommendation_ids))


@operation(
    "enhance_batch",
    category="enhancement",
    title="Apply approved recommendations of many validations",
    method="POST",
    path="/v1/bulk/enhancements",
)
def enhance_batch(context: OperationContext, params: BatchIn) -> BatchOut:
    """Apply the approved recommendations of up to 20 validations; each item succeeds or
    fails on its own (use a workflow for more)."""
    items = []
    for validation_id in dict.fromkeys(params.validation_ids):
        try:
            record = apply_approved(context, validation_id, None)
            items.append(BatchItem(validation_id=validation_id, result="applied", enhancement_id=record.enhancement_id))
        except OperationError as error:
            items.append(BatchItem(validation_id=validation_id, result="failed", error=error.to_dict()["error"]))
    applied = sum(1 for i in items if i.result == "applied")
    return BatchOut(items=items, applied=applied, failed=len(items) - applied)


def _policy() -> dict[str, Any]:
    data = yaml.safe_load((Path(config_dir()) / "auto_apply.yaml").read_text()) or {}
    return {"rules": set(data.get("rules", [])), "min_confidence": float(data.get("min_confidence", 1.0))}


@operation(
    "auto_apply",
    category="enhancement",
    title="Approve and apply by policy",
    method="POST",
    path="/v1/validations/{validation_id}/enhancement/auto",
)
def auto_apply(context: OperationContext, params: ApplyIn) -> AutoApplyOut:
    """Approve the pending fix recommendations that the auto-apply policy allows (rule
    allow-list and minimum confidence in config/auto_apply.yaml) and apply every approved
    one. Never runs on a document version written by TBCV itself."""
    validation = context.validations.get(params.validation_id)
    if validation.parent_validation_id:
        raise Conflict(
            "this validation is the re-validation of an enhancement; auto-apply never runs on TBCV-written versions",
            field="validation_id",
        )
    policy = _policy()
    recs = context.review.recommendations_of(params.validation_id)
    chosen = [
        r.recommendation_id
        for r in recs
        if r.status == "pending"
        and r.type == "fix"
        and r.rule in policy["rules"]
        and r.confidence >= policy["min_confidence"]
        and (params.recommendation_ids is None or r.recommendation_id in params.recommendation_ids)
    ]
    if chosen:
        change_statuses(
            context,
            chosen,
            "approved",
            via="review",
            operation_name="auto_apply",
            notes="approved by the auto-apply policy",
        )
    approved = [to_out(r) for r in context.review.get_recommendations(chosen).values()] if chosen else []
    has_approved = any(
        r.status == "approved" and r.type == "fix" for r in context.review.recommendations_of(params.validation_id)
    )
    enhancement = _out(apply_approved(context, params.validation_id, None)) if has_approved else None
    return AutoApplyOut(validation_id=params.validation_id, approved=approved, enhancement=enhancement)


@operation(
    "get_enhancement",
    category="enhancement",
    title="Get an enhancement",
    method="GET",
    path="/v1/enhancements/{enhancement_id}",
    read_only=True,
    idempotent=True,
)
def get_enhancement(context: OperationContext, params: EnhancementIdIn) -> EnhancementOut:
    """One enhancement: versions, applied recommendations, stats, safety report, rollback state."""
    return _out(context.review.get_enhancement(params.enhancement_id))


@operation(
    "list_enhancements",
    category="enhancement",
    title="List enhancements",
    method="GET",
    path="/v1/enhancements",
    read_only=True,
    idempotent=True,
)
def list_enhancements(context: OperationContext, params: ListEnhancementsIn) -> EnhancementPage:
    """Enhancements newest first, optionally of one validation; page with cursor."""
    page = context.review.list_enhancements(
        validation_id=params.validation_id, limit=params.limit, cursor=params.cursor
    )
    return EnhancementPage(items=[_out(e) for e in page.items], next_cursor=page.next_cursor)


def _diff_of(context: OperationContext, record: EnhancementRecord) -> str:
    if record.diff is None and record.diff_s3_key:
        body, _ = context.documents.get(record.diff_s3_key)
        return body.decode("utf-8")
    return record.diff or ""


def _by_rule(rules: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for rule in rules:
        counts[rule] = counts.get(rule, 0) + 1
    return counts


@operation(
    "get_enhancement_comparison",
    category="enhancement",
    title="Compare before and after",
    method="GET",
    path="/v1/enhancements/{enhancement_id}/comparison",
    read_only=True,
    idempotent=True,
)
def get_enhancement_comparison(context: OperationContext, params: EnhancementIdIn) -> ComparisonOut:
    """The unified diff of an enhancement and the issues before and after it, by rule."""
    record = context.review.get_enhancement(params.enhancement_id)
    before = context.validations.get(record.validation_id)
    after = context.validations.get(record.result_validation_id)
    before_rules, after_rules = _by_rule(_issue_rules(context, before)), _by_rule(_issue_rules(context, after))
    resolved = {rule: n - after_rules.get(rule, 0) for rule, n in before_rules.items() if n > after_rules.get(rule, 0)}
    return ComparisonOut(
        enhancement=_out(record),
        diff=_diff_of(context, record),
        before=before.counts,
        after=after.counts,
        resolved_by_rule=resolved,
        remaining_by_rule=after_rules,
    )


@operation(
    "rollback_enhancement",
    category="enhancement",
    title="Roll back an enhancement",
    method="POST",
    path="/v1/enhancements/{enhancement_id}/rollback",
    destructive=True,
)
def rollback_enhancement(context: OperationContext, params: RollbackIn) -> EnhancementOut:
    """Write the base content back as a newer version of the document (versions are never
    deleted) and return the applied recommendations to approved."""
    record = context.review.get_enhancement(params.enhancement_id)
    if record.rolled_back:
        raise Conflict(
            f"enhancement {params.enhancement_id!r} was already rolled back by "
            f"{record.rolled_back_by} at {record.rolled_back_at}",
            field="enhancement_id",
        )
    latest = context.documents.head(record.document_key).version_id
    if latest != record.result_version:
        raise Conflict(
            f"the document changed after the enhancement: enhanced version "
            f"{record.result_version}, current version {latest}",
            field="enhancement_id",
        )
    validation = context.validations.get(record.validation_id)
    base, _ = context.documents.get(record.document_key, record.base_version)
    version = context.documents.put(
        record.document_key,
        base,
        {"tbcv-rollback-of": record.enhancement_id, "tbcv-base-version": record.result_version},
    )
    event = AuditEvent.new(
        actor=context.principal,
        operation="rollback_enhancement",
        target_type="enhancement",
        target_id=record.enhancement_id,
        before={"version": record.result_version},
        after={"version": version, "reason": params.reason},
    )
    try:
        context.review.mark_rolled_back(record, version, context.principal, validation, event)
    except Exception:  # the enhanced version becomes the newest again
        context.documents.restore(record.document_key, record.result_version, replacing=version)
        raise
    metrics.enhancement_rolled_back()
    change_statuses(
        context,
        record.recommendation_ids,
        "approved",
        via="rollback",
        operation_name="rollback_enhancement",
        notes=f"rolled back: {params.reason}",
        extra={"enhancement_id": None},
    )
    return _out(context.review.get_enhancement(params.enhancement_id))
