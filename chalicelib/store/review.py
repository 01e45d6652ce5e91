"""Recommendations and enhancements: models, records and the transactions of the review
lifecycle (every status change with its audit event, version-conditioned)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.settings import get_settings
from chalicelib.store.cursor import decode_cursor, encode_cursor
from chalicelib.store.errors import ItemNotFound, VersionConflict
from chalicelib.store.models import ValidationModel
from chalicelib.store.records import AuditEvent, Page, ValidationRecord, utc_now
from chalicelib.store.repositories import (
    AuditLog,
    expiry,
    is_condition_failure,
    raise_conflict_or_missing,
    take,
    transaction,
    validation_model,
    write_in_chunks,
)

_settings = get_settings()


class _RecommendationsByValidation(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_validation"
        projection = AllProjection()

    validation_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class RecommendationModel(Model):
    class Meta:
        table_name = _settings.recommendations_table
        region = _settings.region

    recommendation_id = UnicodeAttribute(hash_key=True)
    validation_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    document_version = UnicodeAttribute()
    rule = UnicodeAttribute()
    alias = UnicodeAttribute()
    category = UnicodeAttribute()
    severity = UnicodeAttribute()
    confidence = NumberAttribute()
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    rationale = UnicodeAttribute()
    line = NumberAttribute()
    column = NumberAttribute()
    edits = JSONAttribute(default=list)
    issue_indexes = JSONAttribute(default=list)
    dedup_key = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")
    reviewer = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(default="")
    enhancement_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    version = VersionAttribute()

    by_validation = _RecommendationsByValidation()


class _EnhancementsByValidation(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_validation"
        projection = AllProjection()

    validation_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _EnhancementsByCreated(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_created"
        projection = AllProjection()

    list_partition = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class EnhancementModel(Model):
    class Meta:
        table_name = _settings.enhancements_table
        region = _settings.region

    enhancement_id = UnicodeAttribute(hash_key=True)
    list_partition = UnicodeAttribute(default="enhancement")
    validation_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    document_bucket = UnicodeAttribute()
    document_key = UnicodeAttribute()
    base_version = UnicodeAttribute()
    result_version = UnicodeAttribute()
    recommendation_ids = ListAttribute(of=UnicodeAttribute)
    diff = UnicodeAttribute(null=True)  # inline when small
    diff_s3_key = UnicodeAttribute(null=True)  # else in S3
    stats = JSONAttribute(default=dict)
    safety = JSONAttribute(default=dict)
    result_validation_id = UnicodeAttribute()
    applied_by = UnicodeAttribute()
    rolled_back = BooleanAttribute(default=False)
    rolled_back_by = UnicodeAttribute(null=True)
    rolled_back_at = UnicodeAttribute(null=True)
    rollback_version = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    version = VersionAttribute()

    by_validation = _EnhancementsByValidation()
    by_created = _EnhancementsByCreated()


class RecommendationRecord(BaseModel):
    recommendation_id: str
    validation_id: str
    document_version: str
    rule: str
    alias: str
    category: str
    severity: str
    confidence: float
    kind: str
    title: str
    rationale: str
    line: int
    column: int
    edits: list[dict[str, Any]] = Field(default_factory=list)
    issue_indexes: list[int] = Field(default_factory=list)
    dedup_key: str
    status: str = "pending"
    reviewer: str | None = None
    notes: str = ""
    enhancement_id: str | None = None
    created_at: str
    updated_at: str
    version: int = 0


class EnhancementRecord(BaseModel):
    enhancement_id: str
    validation_id: str
    document_bucket: str
    document_key: str
    base_version: str
    result_version: str
    recommendation_ids: list[str]
    diff: str | None = None
    diff_s3_key: str | None = None
    stats: dict[str, Any] = Field(default_factory=dict)
    safety: dict[str, Any] = Field(default_factory=dict)
    result_validation_id: str
    applied_by: str
    rolled_back: bool = False
    rolled_back_by: str | None = None
    rolled_back_at: str | None = None
    rollback_version: str | None = None
    created_at: str
    updated_at: str
    version: int = 0


_REC_FIELDS = list(RecommendationRecord.model_fields)
_ENH_FIELDS = list(EnhancementRecord.model_fields)


def _rec_record(model: RecommendationModel) -> RecommendationRecord:
    return RecommendationRecord(**{f: getattr(model, f) for f in _REC_FIELDS})


def _enh_record(model: EnhancementModel) -> EnhancementRecord:
    values = {f: getattr(model, f) for f in _ENH_FIELDS}
    values["recommendation_ids"] = list(values["recommendation_ids"] or [])
    return EnhancementRecord(**values)


class ReviewRepository:
    """Recommendations and enhancements; the multi-item transactions of apply/rollback."""

    def __init__(self, audit: AuditLog, retention_days: int, region: str):
        self._audit, self._retention_days, self._region = audit, retention_days, region

    # -- recommendations ---------------------------------------------------------------

    def replace_recommendations(
        self,
        validation_id: str,
        records: list[RecommendationRecord],
        remove: list[RecommendationRecord],
        event: AuditEvent,
    ) -> None:
        """Create `records` and delete `remove` (version-checked) atomically, in one
        transaction (a validation's recommendations are regenerated as one change)."""
        if len(records) + len(remove) + 1 > 100:
            self._replace_in_steps(records, remove, event)
            return
        try:
            with transaction(self._region) as tx:
                for record in remove:
                    tx.delete(RecommendationModel(recommendation_id=record.recommendation_id, version=record.version))
                for record in records:
                    tx.save(self._rec_model(record), condition=RecommendationModel.recommendation_id.does_not_exist())
                tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("validation", validation_id) from None
            raise

    def _replace_in_steps(self, records, remove, event) -> None:
        """More than one transaction holds: deletes first, then creates in batches, then the
        audit event (after the change it records); a rebuild that stops half-way is completed
        by running it again. Batch writes skip PynamoDB's version handling, so each new item
        gets the version a transactional save would give it (1) here."""
        with RecommendationModel.batch_write() as batch:
            for record in remove:
                batch.delete(RecommendationModel(recommendation_id=record.recommendation_id))
            for record in records:
                model = self._rec_model(record)
                model.version = 1
                batch.save(model)
        self._audit.to_model(event).save()

    def _rec_model(self, record: RecommendationRecord) -> RecommendationModel:
        values = record.model_dump(exclude={"version"})
        return RecommendationModel(**values, expires_at=expiry(self._retention_days))

    def get_recommendation(self, recommendation_id: str) -> RecommendationRecord:
        try:
            return _rec_record(RecommendationModel.get(recommendation_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("recommendation", recommendation_id) from None

    def get_recommendations(self, recommendation_ids: list[str]) -> dict[str, RecommendationRecord]:
        return {
            m.recommendation_id: _rec_record(m)
            for m in RecommendationModel.batch_get(list(dict.fromkeys(recommendation_ids)), consistent_read=True)
        }

    def recommendations_of(self, validation_id: str) -> list[RecommendationRecord]:
        """All recommendations of one validation, oldest first (then re-read consistently:
        a GSI is eventually consistent, and statuses drive apply)."""
        ids = [m.recommendation_id for m in RecommendationModel.by_validation.query(validation_id)]
        found = self.get_recommendations(ids) if ids else {}
        return [found[i] for i in ids if i in found]

    def list_recommendations(
        self, validation_id: str, *, limit: int, cursor: str | None, status: str | None
    ) -> Page[RecommendationRecord]:
        condition = RecommendationModel.status == status if status else None
        result = RecommendationModel.by_validation.query(
            validation_id, filter_condition=condition, limit=limit, last_evaluated_key=decode_cursor(cursor)
        )
        items = [_rec_record(m) for m in take(result, limit)]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def set_statuses(
        self, changes: list[tuple[RecommendationRecord, dict[str, Any], AuditEvent]]
    ) -> tuple[list[str], list[str]]:
        """Version-checked status changes with their audit events; (changed, conflicted)."""
        return write_in_chunks(
            self._region, changes, lambda tx, c: self._stage_rec_update(tx, *c), lambda c: c[0].recommendation_id
        )

    def _stage_rec_update(self, tx, record: RecommendationRecord, fields: dict[str, Any], event: AuditEvent) -> None:
        actions = [getattr(RecommendationModel, k).set(v) for k, v in fields.items()]
        actions.append(RecommendationModel.updated_at.set(utc_now()))
        tx.update(
            RecommendationModel(recommendation_id=record.recommendation_id, version=record.version),
            actions=actions,
            condition=RecommendationModel.recommendation_id.exists(),
        )
        tx.save(self._audit.to_model(event))

    def delete_recommendation(self, record: RecommendationRecord, event: AuditEvent) -> None:
        try:
            with transaction(self._region) as tx:
                tx.delete(RecommendationModel(recommendation_id=record.recommendation_id, version=record.version))
                tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            raise_conflict_or_missing(error, "recommendation", record.recommendation_id, self.get_recommendation)

    # -- enhancements --------------------------------------------------------------------

    def get_enhancement(self, enhancement_id: str) -> EnhancementRecord:
        try:
            return _enh_record(EnhancementModel.get(enhancement_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("enhancement", enhancement_id) from None

    def enhancements_of(self, validation_id: str) -> list[EnhancementRecord]:
        return [_enh_record(m) for m in EnhancementModel.by_validation.query(validation_id)]

    def list_enhancements(
        self, *, validation_id: str | None, limit: int, cursor: str | None
    ) -> Page[EnhancementRecord]:
        start = decode_cursor(cursor)
        if validation_id:
            result = EnhancementModel.by_validation.query(
                validation_id, scan_index_forward=False, limit=limit, last_evaluated_key=start
            )
        else:
            result = EnhancementModel.by_created.query(
                "enhancement", scan_index_forward=False, limit=limit, last_evaluated_key=start
            )
        items = [_enh_record(m) for m in take(result, limit)]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def record_enhancement(
        self,
        enhancement: EnhancementRecord,
        validation: ValidationRecord,
        result_validation: ValidationRecord,
        events: list[AuditEvent],
    ) -> None:
        """One transaction: the enhancement, the re-validation of its result, and the source
        validation marked enhanced (version-checked), with their audit events."""
        model = EnhancementModel(**enhancement.model_dump(exclude={"version"}), expires_at=expiry(self._retention_days))
        try:
            with transaction(self._region) as tx:
                tx.save(model, condition=EnhancementModel.enhancement_id.does_not_exist())
                tx.save(
                    validation_model(result_validation, self._retention_days),
                    condition=ValidationModel.validation_id.does_not_exist(),
                )
                tx.update(
                    ValidationModel(validation_id=validation.validation_id, version=validation.version),
                    actions=[
                        ValidationModel.enhanced.set(True),
                        # pynamodb types ListAttribute(of=UnicodeAttribute)'s items as the attribute class, not str
                        ValidationModel.enhancement_ids.set(
                            validation.enhancement_ids + [enhancement.enhancement_id]  # type: ignore[arg-type]
                        ),
                        ValidationModel.updated_at.set(utc_now()),
                    ],
                    condition=ValidationModel.validation_id.exists(),
                )
                for event in events:
                    tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("validation", validation.validation_id) from None
            raise

    def mark_rolled_back(
        self,
        enhancement: EnhancementRecord,
        rollback_version: str,
        actor: str,
        validation: ValidationRecord,
        event: AuditEvent,
    ) -> None:
        try:
            with transaction(self._region) as tx:
                tx.update(
                    EnhancementModel(enhancement_id=enhancement.enhancement_id, version=enhancement.version),
                    actions=[
                        EnhancementModel.rolled_back.set(True),
                        EnhancementModel.rolled_back_by.set(actor),
                        EnhancementModel.rolled_back_at.set(utc_now()),
                        EnhancementModel.rollback_version.set(rollback_version),
                        EnhancementModel.updated_at.set(utc_now()),
                    ],
                    condition=EnhancementModel.rolled_back == False,  # noqa: E712 (a PynamoDB condition, not a test)
                )
                tx.update(
                    ValidationModel(validation_id=validation.validation_id, version=validation.version),
                    actions=[ValidationModel.enhanced.set(False), ValidationModel.updated_at.set(utc_now())],
                    condition=ValidationModel.validation_id.exists(),
                )
                tx.save(self._audit.to_model(event))
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("enhancement", enhancement.enhancement_id) from None
            raise
