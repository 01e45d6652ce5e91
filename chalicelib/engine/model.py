"""The engine's result vocabulary: issues, text edits, plugin detections and reports.

These types are the contract between the engine and everything around it (operations,
CLI, report formats). They are plain data with no behaviour beyond derived values, so
they serialise the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
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


@dataclass(frozen=True, slots=True)
class Observation:
    """What a rule observed on a page: the message, where (lines/columns are 1-based,
    columns count Unicode code points; `end_*` is inclusive of the last character) and how
    sure it is, with a fix when it has one. A rule yields it as a `Finding`
    (chalicelib.engine.rules.registry), the pipeline reports it as an `Issue`."""

    message: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    context: str = ""
    suggestion: str | None = None
    fix: tuple[TextEdit, ...] | None = None
    confidence: float = 1.0


OBSERVATION_FIELDS = tuple(f.name for f in fields(Observation))


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue(Observation):
    """One finding in a report, with the rule that found it; modelled on markdownlint's
    result record."""

    rule: str
    alias: str
    category: Category
    severity: Severity
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


def report_from_json(data: dict[str, Any], *, timings_ms: dict[str, float] | None = None) -> Report:
    """A report from its JSON form: what `report_to_json` wrote (the result cache), or a
    stored validation (exports; its issues also carry derived fields such as `fixable`, and
    it has no `llm_status`). Raises KeyError/TypeError for data of another shape."""
    issues = [
        Issue(
            **{name: issue[name] for name in _ISSUE_FIELDS if name in issue},
            fix=tuple(TextEdit(**edit) for edit in issue["fix"]) if issue.get("fix") else None,
        )
        for issue in data["issues"]
    ]
    return Report(
        path=data["path"],
        family=data["family"],
        profile=data["profile"],
        ruleset_version=data["ruleset_version"],
        content_sha256=data["content_sha256"],
        issues=issues,
        detections=[Detection(**d) for d in data.get("detections", ())],
        llm_status=data.get("llm_status", "disabled"),
        timings_ms=dict(timings_ms or {}),
        truncated=data.get("truncated", False),
    )


_ISSUE_FIELDS = tuple(f.name for f in fields(Issue) if f.name != "fix")
_DETECTION_FIELDS = tuple(f.name for f in fields(Detection))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """One call of the class with its fields by name (Issue is keyword-only)."""
    return cls(**dict(zip(_FIELD_NAMES[cls], values, strict=True)))


def _pickle_by_fields(cls: type) -> None:
    """Pickle instances of a slots dataclass as (class, field values): rebuilt by one call of
    the class, not field by field through the generic `__setstate__` dataclasses gives slots
    classes. `tbcv check --jobs N` sends every report from a worker to the parent this way,
    and the generic form cost about a tenth of a run's CPU (measured)."""
    _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    values = attrgetter(*_FIELD_NAMES[cls])

    def reduce(self: Any) -> tuple[Any, ...]:
        return _rebuild, (cls, values(self))

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]  # the fast form above, set once per class


for _cls in (TextEdit, Issue, Detection, Report):
    _pickle_by_fields(_cls)
