"""Plain records the repositories return: what operations work with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import uuid4

from pydantic import BaseModel, Field

T = TypeVar("T")


def utc_now() -> str:
    """ISO-8601 UTC with microseconds: fixed width, so strings sort by time."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def expiry(days: int) -> datetime:
    """The TTL of an item kept `days` from now."""
    return datetime.now(UTC) + timedelta(days=days)


class Page(BaseModel, Generic[T]):
    """One page of a listing, for the store and the operations' outputs alike (an operation's
    page is a named subclass, `class ValidationPage(Page[ValidationSummary])`, so its schema keeps
    its name); `next_cursor` is None on the last page."""

    items: list[T]
    next_cursor: str | None


class DocumentRef(BaseModel):
    bucket: str
    key: str
    version_id: str


class ValidationRecord(BaseModel):
    validation_id: str
    document: DocumentRef
    family: str | None
    profile: str
    ruleset_version: str
    content_sha256: str
    outcome: str
    review_status: str = "pending"
    enhanced: bool = False
    enhancement_ids: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    truncated: bool = False  # the engine cut the issue list at its caps
    issues: list[dict[str, Any]] | None = None  # None in list views and when spilled
    issues_s3_key: str | None = None
    detections: list[dict[str, Any]] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    notes: str = ""
    parent_validation_id: str | None = None
    workflow_id: str | None = None
    created_by: str
    created_at: str
    updated_at: str
    version: int = 0


class AuditEvent(BaseModel):
    event_id: str
    actor: str
    operation: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    created_at: str

    @classmethod
    def new(
        cls,
        *,
        actor: str,
        operation: str,
        target_type: str,
        target_id: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEvent:
        now = utc_now()
        return cls(
            event_id=f"{now}#{uuid4().hex}",
            actor=actor,
            operation=operation,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            created_at=now,
        )
