"""Recommendations and enhancements: models, records and the transactions of the review
lifecycle (every status change with its audit event, version-conditioned)."""

from __future__ import annotations

from typing import Any, Literal

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

from chalicelib.store.audit import AuditLog
from chalicelib.store.cursor import query_page
from chalicelib.store.errors import ItemNotFound, VersionConflict
from chalicelib.store.models import ValidationModel
from chalicelib.store.records import AuditEvent, Page, ValidationRecord, expiry, utc_now
from chalicelib.store.repositories import (
    is_condition_failure,
    raise_conflict_or_missing,
    transaction,
    validation_item,
    write_in_chunks,
)
from chalicelib.store.tables import TableNames

RecommendationStatus = Literal["pending", "approved", "rejected", "applied"]


class _RecommendationsByValidation(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_validation"
        projection = AllProjection()

    validation_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class RecommendationModel(Model):
    TABLE = "recommendations"

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
    type = UnicodeAttribute(attr_name="kind")  # "fix" or "advice"; stored as `kind` since the first release
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
    TABLE = "enhancements"

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


class Recommendation(BaseModel):
    """A recommendation as reviewers see it; the API's RecommendationOut derives from it, so
    a field added here is stored, read and shown without another declaration."""

    recommendation_id: str
    validation_id: str
    document_version: str
    rule: str
    alias: str
    category: str
    severity: str
    confidence: float
    type: str = Field(description="fix (has exact edits) or advice (approve only, never applied)")
    title: str
    rationale: str
    line: int
    column: int
    edits: list[dict[str, Any]]  # chalicelib.engine.recommend.EditSpec, as JSON
    status: RecommendationStatus
    reviewer: str | None
    notes: str
    enhancement_id: str | None
    created_at: str
    updated_at: str
    version: int


class RecommendationRecord(Recommendation):
    """A stored recommendation: what reviewers see, plus where it came from (the indexes of
    its issues in the validation and the key that deduplicates regenerated drafts)."""

    issue_indexes: list[int]
    dedup_key: str


class Enhancement(BaseModel):
    """An enhancement as the API shows it (EnhancementOut derives from it)."""

    enhancement_id: str
    validation_id: str
    document_key: str
    base_version: str
    result_version: str
    recommendation_ids: list[str]
    stats: dict[str, Any]
    safety: dict[str, Any]
    result_validation_id: str
    applied_by: str
    rolled_back: bool
    rolled_back_by: str | None
    rolled_back_at: str | None
    rollback_version: str | None
    created_at: str


class EnhancementRecord(Enhancement):
    """A stored enhancement: what the API shows, plus its bucket, its diff (inline when
    small, else the S3 key) and its bookkeeping."""

    document_bucket: str
    diff: str | None
    diff_s3_key: str | None
    updated_at: str
    version: int


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

    def __init__(self, audit: AuditLog, tables: TableNames, retention_days: int):
        self._audit, self._retention_days, self._region = audit, retention_days, tables.region
        self._recommendations = tables.bind(RecommendationModel)
        self._enhancements = tables.bind(EnhancementModel)
        self._validations = tables.bind(ValidationModel)

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
                    tx.delete(self._recommendations(recommendation_id=record.recommendation_id, version=record.version))
                for record in records:
                    tx.save(self._rec_model(record), condition=self._recommendations.recommendation_id.does_not_exist())
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("validation", validation_id) from None
            raise

    def _replace_in_steps(self, records, remove, event) -> None:
        """More than one transaction holds: deletes first, then creates in batches, then the
        audit event (after the change it records); a rebuild that stops half-way is completed
        by running it again. Batch writes skip PynamoDB's version handling, so each new item
        gets the version a transactional save would give it (1) here."""
        with self._recommendations.batch_write() as batch:
            for record in remove:
                batch.delete(self._recommendations(recommendation_id=record.recommendation_id))
            for record in records:
                model = self._rec_model(record)
                model.version = 1
                batch.save(model)
        self._audit.record(event)

    def _rec_model(self, record: RecommendationRecord) -> RecommendationModel:
        values = record.model_dump(exclude={"version"})
        return self._recommendations(**values, expires_at=expiry(self._retention_days))

    def get_recommendation(self, recommendation_id: str) -> RecommendationRecord:
        try:
            return _rec_record(self._recommendations.get(recommendation_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("recommendation", recommendation_id) from None

    def get_recommendations(self, recommendation_ids: list[str]) -> dict[str, RecommendationRecord]:
        return {
            m.recommendation_id: _rec_record(m)
            for m in self._recommendations.batch_get(list(dict.fromkeys(recommendation_ids)), consistent_read=True)
        }

    def recommendations_of(self, validation_id: str) -> list[RecommendationRecord]:
        """All recommendations of one validation, oldest first (then re-read consistently:
        a GSI is eventually consistent, and statuses drive apply)."""
        ids = [m.recommendation_id for m in self._recommendations.by_validation.query(validation_id)]
        found = self.get_recommendations(ids) if ids else {}
        return [found[i] for i in ids if i in found]

    def list_recommendations(
        self, validation_id: str, *, limit: int, cursor: str | None, status: str | None
    ) -> Page[RecommendationRecord]:
        condition = self._recommendations.status == status if status else None
        return query_page(
            self._recommendations.by_validation.query,
            _rec_record,
            validation_id,
            limit=limit,
            cursor=cursor,
            filter_condition=condition,
        )

    def set_statuses(
        self, changes: list[tuple[RecommendationRecord, dict[str, Any], AuditEvent]]
    ) -> tuple[list[str], list[str]]:
        """Version-checked status changes with their audit events; (changed, conflicted)."""
        return write_in_chunks(
            self._region, changes, lambda tx, c: self._stage_rec_update(tx, *c), lambda c: c[0].recommendation_id
        )

    def _stage_rec_update(self, tx, record: RecommendationRecord, fields: dict[str, Any], event: AuditEvent) -> None:
        actions = [getattr(RecommendationModel, k).set(v) for k, v in fields.items()]
        actions.append(self._recommendations.updated_at.set(utc_now()))
        tx.update(
            self._recommendations(recommendation_id=record.recommendation_id, version=record.version),
            actions=actions,
            condition=self._recommendations.recommendation_id.exists(),
        )
        self._audit.stage(tx, event)

    def delete_recommendation(self, record: RecommendationRecord, event: AuditEvent) -> None:
        try:
            with transaction(self._region) as tx:
                tx.delete(self._recommendations(recommendation_id=record.recommendation_id, version=record.version))
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            raise_conflict_or_missing(error, "recommendation", record.recommendation_id, self.get_recommendation)

    # -- enhancements --------------------------------------------------------------------

    def get_enhancement(self, enhancement_id: str) -> EnhancementRecord:
        try:
            return _enh_record(self._enhancements.get(enhancement_id, consistent_read=True))
        except DoesNotExist:
            raise ItemNotFound("enhancement", enhancement_id) from None

    def enhancements_of(self, validation_id: str) -> list[EnhancementRecord]:
        return [_enh_record(m) for m in self._enhancements.by_validation.query(validation_id)]

    def list_enhancements(
        self, *, validation_id: str | None, limit: int, cursor: str | None
    ) -> Page[EnhancementRecord]:
        if validation_id:
            query, hash_key = self._enhancements.by_validation.query, validation_id
        else:
            query, hash_key = self._enhancements.by_created.query, "enhancement"
        return query_page(query, _enh_record, hash_key, limit=limit, cursor=cursor, scan_index_forward=False)

    def record_enhancement(
        self,
        enhancement: EnhancementRecord,
        validation: ValidationRecord,
        result_validation: ValidationRecord,
        events: list[AuditEvent],
    ) -> None:
        """One transaction: the enhancement, the re-validation of its result, and the source
        validation marked enhanced (version-checked), with their audit events."""
        model = self._enhancements(
            **enhancement.model_dump(exclude={"version"}), expires_at=expiry(self._retention_days)
        )
        try:
            with transaction(self._region) as tx:
                tx.save(model, condition=self._enhancements.enhancement_id.does_not_exist())
                tx.save(
                    validation_item(self._validations, result_validation, self._retention_days),
                    condition=self._validations.validation_id.does_not_exist(),
                )
                tx.update(
                    self._validations(validation_id=validation.validation_id, version=validation.version),
                    actions=[
                        self._validations.enhanced.set(True),
                        self._validations.enhancement_ids.set(
                            validation.enhancement_ids + [enhancement.enhancement_id]  # type: ignore[arg-type]  # pynamodb types list items as attributes
                        ),
                        self._validations.updated_at.set(utc_now()),
                    ],
                    condition=self._validations.validation_id.exists(),
                )
                for event in events:
                    self._audit.stage(tx, event)
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
                    self._enhancements(enhancement_id=enhancement.enhancement_id, version=enhancement.version),
                    actions=[
                        self._enhancements.rolled_back.set(True),
                        self._enhancements.rolled_back_by.set(actor),
                        self._enhancements.rolled_back_at.set(utc_now()),
                        self._enhancements.rollback_version.set(rollback_version),
                        self._enhancements.updated_at.set(utc_now()),
                    ],
                    condition=self._enhancements.rolled_back == False,  # noqa: E712 (a PynamoDB condition, not a test)
                )
                tx.update(
                    self._validations(validation_id=validation.validation_id, version=validation.version),
                    actions=[self._validations.enhanced.set(False), self._validations.updated_at.set(utc_now())],
                    condition=self._validations.validation_id.exists(),
                )
                self._audit.stage(tx, event)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise VersionConflict("enhancement", enhancement.enhancement_id) from None
            raise
