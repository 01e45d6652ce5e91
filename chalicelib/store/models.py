"""PynamoDB models of the tables several repositories share. Key schemas must equal the
tables in infra/template.json (a test compares them), because the deployed tables and the
local ones come from that template; the table names are bound when a repository is built
(chalicelib/store/tables.py).

The system table holds small items of several kinds, keyed `pk`/`sk`:
- `maintenance` / `state`: the maintenance flag (store/maintenance.py);
- `cache` / `<key>` and `counter` / `cache`: cached engine reports and their hit/miss
  counts (store/result_cache.py);
- `timing` / `<YYYY-MM-DDTHH>#<operation>`: hourly latency histograms (store/timings.py);
- `checkpoint` / `<checkpoint_id>`: a checkpoint's manifest (store/checkpoints.py);
- `figures` / `all` and `document` / `<key>`: validation counters (store/figures.py)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

VALIDATION_SUMMARY_FIELDS = [
    "document_bucket",
    "document_key",
    "document_version",
    "family",
    "profile",
    "outcome",
    "review_status",
    "enhanced",
    "counts",
    "content_sha256",
    "ruleset_version",
    "created_by",
    "updated_at",
    "notes",
    "parent_validation_id",
    "workflow_id",
    "version",
]


class _ByCreated(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_created"
        projection = IncludeProjection(VALIDATION_SUMMARY_FIELDS)

    list_partition = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _ByDocument(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_document"
        projection = IncludeProjection(VALIDATION_SUMMARY_FIELDS)

    document_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _ByReviewStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_review_status"
        projection = IncludeProjection(VALIDATION_SUMMARY_FIELDS)

    review_status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ValidationModel(Model):
    TABLE = "validations"

    validation_id = UnicodeAttribute(hash_key=True)
    list_partition = UnicodeAttribute(default="validation")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    document_bucket = UnicodeAttribute()
    document_key = UnicodeAttribute()
    document_version = UnicodeAttribute()
    family = UnicodeAttribute(null=True)
    profile = UnicodeAttribute()
    ruleset_version = UnicodeAttribute()
    content_sha256 = UnicodeAttribute()
    outcome = UnicodeAttribute()
    review_status = UnicodeAttribute(default="pending")
    enhanced = BooleanAttribute(default=False)
    enhancement_ids = ListAttribute(of=UnicodeAttribute, default=list)
    counts = JSONAttribute(default=dict)
    truncated = BooleanAttribute(default=False)
    issues = JSONAttribute(null=True)  # inline when small
    issues_s3_key = UnicodeAttribute(null=True)  # else spilled to S3
    detections = JSONAttribute(default=list)
    timings_ms = JSONAttribute(default=dict)
    notes = UnicodeAttribute(default="")
    parent_validation_id = UnicodeAttribute(null=True)
    workflow_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    version = VersionAttribute()

    by_created = _ByCreated()
    by_document = _ByDocument()
    by_review_status = _ByReviewStatus()


class _ByTarget(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_target"
        projection = AllProjection()

    target_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


class _ByActor(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


class AuditEventModel(Model):
    """One state change. Partitioned by month so listing is a Query, newest first."""

    TABLE = "audit"

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM
    event_id = UnicodeAttribute(range_key=True)  # <ISO time>#<uuid>: sorts by time
    actor = UnicodeAttribute()
    operation = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)

    by_target = _ByTarget()
    by_actor = _ByActor()


class SystemEntryModel(Model):
    """An entry of the system table (`pk` what, `sk` which): the maintenance flag, a cached
    report, a checkpoint's manifest. The table's other items have models of their own
    (cache counters, latency histograms, validation figures)."""

    TABLE = "system"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
