"""Parameter types shared by all operations (SPEC §7 names), with the limits and
patterns that become MCP input schemas and REST validation."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

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
Reason = Annotated[str, Field(min_length=1, max_length=2_000, description="Why; appended to the notes and audited")]
ValidationIds = Annotated[list[ValidationId], Field(min_length=1, max_length=100, description="1-100 validation ids")]
RecommendationIds = Annotated[
    list[RecommendationId], Field(min_length=1, max_length=100, description="1-100 recommendation ids")
]
