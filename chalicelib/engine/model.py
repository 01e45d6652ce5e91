"""The engine's result vocabulary: issues, text edits, plugin detections and reports.

These types are the contract between the engine and everything around it (operations,
CLI, report formats). They are plain data with no behaviour beyond derived values, so
they serialise the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
Category = Literal["frontmatter", "markdown", "code", "links", "structure", "seo", "truth", "llm"]
Source = Literal["rule", "truth", "llm"]
Outcome = Literal["pass", "warning", "fail"]
DetectionMethod = Literal["exact", "alias", "fuzzy", "api"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
CATEGORIES: tuple[Category, ...] = ("frontmatter", "markdown", "code", "links", "structure", "seo", "truth", "llm")


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text[start:end] with `replacement`; offsets are 0-based code points of the
    exact document text the report was made from (BOM and line endings included)."""

    start: int
    end: int
    replacement: str


@dataclass(slots=True)
class Issue:
    """One finding, modelled on markdownlint's result record. Lines/columns are 1-based,
    columns count Unicode code points; `end_*` is inclusive of the last character."""

    rule: str
    alias: str
    category: Category
    severity: Severity
    message: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    context: str = ""
    suggestion: str | None = None
    fix: tuple[TextEdit, ...] | None = None
    confidence: float = 1.0
    source: Source = "rule"

    @property
    def fixable(self) -> bool:
        return bool(self.fix)


@dataclass(frozen=True, slots=True)
class Detection:
    """A plugin/product/API detected in a document: data, never an issue."""

    plugin: str
    family: str
    matched: str
    line: int
    column: int
    method: DetectionMethod
    confidence: float


def outcome_of(issues: list[Issue]) -> Outcome:
    """Any error fails, else any warning warns, else pass: the one derivation rule."""
    severities = {issue.severity for issue in issues}
    if "error" in severities:
        return "fail"
    if "warning" in severities:
        return "warning"
    return "pass"


@dataclass(slots=True)
class Report:
    """The result of validating one document."""

    path: str | None
    family: str | None
    profile: str
    ruleset_version: str
    content_sha256: str
    issues: list[Issue]
    detections: list[Detection] = field(default_factory=list)
    llm_status: Literal["ran", "disabled", "unavailable", "timeout"] = "disabled"
    timings_ms: dict[str, float] = field(default_factory=dict)
    truncated: bool = False  # issues were cut at the per-rule or per-report cap

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.issues)

    @property
    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITIES}
        for issue in self.issues:
            counts[issue.severity] += 1
        return counts
