"""Inputs several admin operations share."""

from __future__ import annotations

from pydantic import Field

from chalicelib.ops.fields import OperationInput


class NoInput(OperationInput):
    """This operation takes no arguments."""


class AuditedChangeIn(OperationInput):
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Why; kept in the audit event of the change"
    )
