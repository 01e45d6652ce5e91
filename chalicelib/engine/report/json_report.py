"""The `tbcv.report/1` JSON shape (docs/cli.md), published as schemas/tbcv-report-1.schema.json.

`report_to_dict` is the per-file object the API layer reuses. Timings are left out by default:
they differ from run to run, and the CLI's output must be identical whatever the job count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.engine.model import SEVERITIES, Detection, Issue, Report

SCHEMA_ID = "tbcv.report/1"


def issue_to_dict(issue: Issue) -> dict[str, Any]:
    return {
        "rule": issue.rule,
        "alias": issue.alias,
        "category": issue.category,
        "severity": issue.severity,
        "line": issue.line,
        "column": issue.column,
        "end_line": issue.end_line,
        "end_column": issue.end_column,
        "message": issue.message,
        "fixable": issue.fixable,
        "source": issue.source,
        "confidence": issue.confidence,
        "suggestion": issue.suggestion,
        "context": issue.context,
        "fix": [{"start": e.start, "end": e.end, "replacement": e.replacement} for e in issue.fix or ()],
    }


def detection_to_dict(detection: Detection) -> dict[str, Any]:
    return {
        "plugin": detection.plugin,
        "family": detection.family,
        "matched": detection.matched,
        "line": detection.line,
        "column": detection.column,
        "method": detection.method,
        "confidence": detection.confidence,
    }


def report_to_dict(report: Report, *, include_timings: bool = False) -> dict[str, Any]:
    """One file's report as a JSON-ready dict (the `files[]` element of tbcv.report/1)."""
    data: dict[str, Any] = {
        "path": report.path,
        "family": report.family,
        "profile": report.profile,
        "ruleset_version": report.ruleset_version,
        "content_sha256": report.content_sha256,
        "outcome": report.outcome,
        "counts": report.counts,
        "truncated": report.truncated,
        "llm_status": report.llm_status,
        "issues": [issue_to_dict(issue) for issue in report.issues],
        "detections": [detection_to_dict(d) for d in report.detections],
    }
    if include_timings:
        data["timings_ms"] = dict(report.timings_ms)
    return data


def report_document(reports: Iterable[Report], *, baselined: int | None = None) -> dict[str, Any]:
    """The whole `tbcv.report/1` object for a run over several files; with a baseline,
    `summary.baselined` counts the issues it left out."""
    files = [report_to_dict(report) for report in reports]
    totals = {severity: 0 for severity in SEVERITIES}
    outcomes = {"pass": 0, "warning": 0, "fail": 0}
    families: dict[str, int] = {}
    for data in files:
        for severity, count in data["counts"].items():
            totals[severity] += count
        outcomes[data["outcome"]] += 1
        if data["family"]:
            families[data["family"]] = families.get(data["family"], 0) + 1
    summary = {
        "files": len(files),
        "errors": totals["error"],
        "warnings": totals["warning"],
        "infos": totals["info"],
        "outcomes": outcomes,
        "families": dict(sorted(families.items())),
    }
    if baselined is not None:
        summary["baselined"] = baselined
    return {"schema": SCHEMA_ID, "files": files, "summary": summary}


def render_json(reports: Iterable[Report], *, baselined: int | None = None) -> str:
    return json.dumps(report_document(reports, baselined=baselined), ensure_ascii=False, indent=2) + "\n"
