"""The engine's result vocabulary: issues, text edits, plugin detections and reports.

These types are the contract between the engine and everything around it (operations,
CLI, report formats). They are plain data with no behaviour beyond derived values, so
they serialise the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

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
        counts: dict[str, int] = {severity: 0 for severity in SEVERITIES}
        for issue in self.issues:
            counts[issue.severity] += 1
        return counts


def report_to_json(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data (result caches store it; `report_from_json` reads it).
    Built field by field: `dataclasses.asdict` deep-copies and costs several times more."""
    return {
        "path": report.path,
        "family": report.family,
        "profile": report.profile,
        "ruleset_version": report.ruleset_version,
        "content_sha256": report.content_sha256,
        "issues": [
            {
                **{name: getattr(issue, name) for name in _ISSUE_FIELDS},
                "fix": [{"start": e.start, "end": e.end, "replacement": e.replacement} for e in issue.fix]
                if issue.fix
                else None,
            }
            for issue in report.issues
        ],
        "detections": [{name: getattr(d, name) for name in _DETECTION_FIELDS} for d in report.detections],
        "llm_status": report.llm_status,
        "timings_ms": dict(report.timings_ms),
        "truncated": report.truncated,
    }


def report_from_json(data: dict[str, Any]) -> Report:
    """A report stored by `report_to_json`; raises KeyError/TypeError for data of another shape."""
    issues = [
        Issue(**{**issue, "fix": tuple(TextEdit(**edit) for edit in issue["fix"]) if issue["fix"] else None})
        for issue in data["issues"]
    ]
    return Report(
        path=data["path"],
        family=data["family"],
        profile=data["profile"],
        ruleset_version=data["ruleset_version"],
        content_sha256=data["content_sha256"],
        issues=issues,
        detections=[Detection(**d) for d in data["detections"]],
        llm_status=data["llm_status"],
        timings_ms={"cached": 0.0},
        truncated=data.get("truncated", False),
    )


_ISSUE_FIELDS = tuple(f.name for f in fields(Issue) if f.name != "fix")
_DETECTION_FIELDS = tuple(f.name for f in fields(Detection))
