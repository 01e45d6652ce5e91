"""Inputs several admin operations share."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoInput(_Input):
    """This operation takes no arguments."""


class AuditedChangeIn(_Input):
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Why; kept in the audit event of the change"
    )


Reason = Field(min_length=1, max_length=500, description="Why; shown to every refused caller and kept in the audit log")
