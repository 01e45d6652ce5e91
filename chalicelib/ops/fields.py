"""Parameter types shared by all operations (named as in docs/api.md), with the limits and
patterns that become MCP input schemas and REST validation."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class OperationInput(BaseModel):
    """The base of every operation's input model: a field the operation does not have is refused
    (a misspelt argument is a 400 naming it, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


ValidationId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="Validation id (32 hex characters)")]
Limit = Annotated[int, Field(ge=1, le=100, description="Page size, 1-100")]
Cursor = Annotated[
    str, Field(min_length=1, max_length=2048, description="Opaque cursor from a previous page's next_cursor")
]
Notes = Annotated[str, Field(max_length=10_000, description="Free-text reviewer notes")]
Family = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$", description="Product family, e.g. words, cells, pdf, slides")
]
Profile = Literal["default", "strict", "relaxed"]
ReviewStatus = Literal["pending", "approved", "rejected"]

_UNSAFE_PATH = re.compile(r"(^/)|(^[A-Za-z]:)|\\|(^|/)\.\.?(/|$)|[\x00-\x1f]")


def _safe_relative_path(value: str) -> str:
    if _UNSAFE_PATH.search(value):
        raise ValueError("must be a relative path with '/' separators and no '.' or '..' segments")
    return value


DocumentPath = Annotated[
    str,
    Field(min_length=1, max_length=1024, description="Relative document path, e.g. en/java/getting-started.md"),
    AfterValidator(_safe_relative_path),
]

RecommendationId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="Recommendation id (32 hex characters)")]
EnhancementId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="Enhancement id (32 hex characters)")]
# A reviewer's reason (reject, bulk review), appended to the notes.
Reason = Annotated[str, Field(min_length=1, max_length=2_000, description="Why; appended to the notes and audited")]
# An admin's reason (maintenance, restore): shown to every caller maintenance refuses, so shorter.
AdminReason = Annotated[
    str, Field(min_length=1, max_length=500, description="Why; shown to every refused caller and kept in the audit log")
]
ValidationIds = Annotated[list[ValidationId], Field(min_length=1, max_length=100, description="1-100 validation ids")]
RecommendationIds = Annotated[
    list[RecommendationId], Field(min_length=1, max_length=100, description="1-100 recommendation ids")
]
