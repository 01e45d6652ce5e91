"""SARIF 2.1.0 for code-scanning tools: one run, rules described in tool.driver.rules with their
help text, code-point columns, fixes as replacements and partial fingerprints that survive lines
moving (`fingerprints.issue_fingerprints`). The rules are described from the registry, which
is loaded here (a report read from the result cache was made without importing the rules)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from chalicelib.engine.model import Issue, Report
from chalicelib.engine.report.fingerprints import issue_fingerprints

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tbcv/tbcv/blob/main/docs/rules.md"
FINGERPRINT_KEY = "tbcvIssue/v1"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("tbcv")
    except Exception:  # not installed as a distribution (e.g. running from a source tree)
        return "0.0.0"


def _artifact_uri(path: str | None) -> str:
    if not path:
        return "untitled.md"
    pure = PurePath(path)
    if pure.is_absolute():
        return "file://" + quote(pure.as_posix())
    return quote(pure.as_posix())


def _rule_descriptor(issue: Issue) -> dict[str, Any]:
    from chalicelib.engine.rules.registry import REGISTRY  # loads every rule (not needed by other formats)

    registered = REGISTRY.get(issue.rule)
    if registered is None:
        return {
            "id": issue.rule,
            "name": issue.alias,
            "shortDescription": {"text": issue.message},
            "defaultConfiguration": {"level": _LEVELS[issue.severity]},
            "properties": {"category": issue.category, "tags": [issue.category]},
        }
    meta = registered.meta
    help_text = f"{meta.description}\n\nBad:\n{meta.bad}\n\nGood:\n{meta.good}"
    help_markdown = (
        f"{meta.description}\n\nBad:\n\n```markdown\n{meta.bad}\n```\n\nGood:\n\n```markdown\n{meta.good}\n```"
    )
    return {
        "id": meta.id,
        "name": meta.alias,
        "shortDescription": {"text": meta.description},
        "fullDescription": {"text": meta.description},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": f"{INFORMATION_URI}#{meta.id.lower()}",
        "defaultConfiguration": {"level": _LEVELS[meta.severity]},
        "properties": {"category": meta.category, "tags": [meta.category], "fixable": meta.fixable},
    }


def _region(issue: Issue) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": issue.line, "startColumn": issue.column}
    if issue.end_line is not None:
        region["endLine"] = issue.end_line
    if issue.end_column is not None:
        region["endColumn"] = issue.end_column + 1  # SARIF end columns are exclusive
    return region


def _result(issue: Issue, rule_index: int, fingerprint: str, uri: str) -> dict[str, Any]:
    location = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(issue)}}
    result: dict[str, Any] = {
        "ruleId": issue.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[issue.severity],
        "message": {"text": issue.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {
            "alias": issue.alias,
            "category": issue.category,
            "source": issue.source,
            "confidence": issue.confidence,
        },
    }
    if issue.suggestion:
        result["properties"]["suggestion"] = issue.suggestion
    if issue.fix:
        replacements = [
            {
                "deletedRegion": {"charOffset": edit.start, "charLength": edit.end - edit.start},
                "insertedContent": {"text": edit.replacement},
            }
            for edit in issue.fix
        ]
        result["fixes"] = [
            {
                "description": {"text": issue.suggestion or issue.message},
                "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
            }
        ]
    return result


def sarif_document(reports: Iterable[Report], *, baselined: int | None = None) -> dict[str, Any]:
    """The SARIF log; `baselined` (issues a baseline left out) goes into the run's properties."""
    rules: list[dict[str, Any]] = []
    rule_indexes: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    ruleset_versions: set[str] = set()
    for report in reports:
        uri = _artifact_uri(report.path)
        artifacts.append({"location": {"uri": uri}, "hashes": {"sha-256": report.content_sha256}})
        ruleset_versions.add(report.ruleset_version)
        for issue, fingerprint in zip(report.issues, issue_fingerprints(report), strict=True):
            if issue.rule not in rule_indexes:
                rule_indexes[issue.rule] = len(rules)
                rules.append(_rule_descriptor(issue))
            results.append(_result(issue, rule_indexes[issue.rule], fingerprint, uri))
    run: dict[str, Any] = {
        "tool": {
            "driver": {"name": "tbcv", "version": _tool_version(), "informationUri": INFORMATION_URI, "rules": rules}
        },
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": results,
        "properties": {"rulesetVersions": sorted(ruleset_versions)},
    }
    if baselined is not None:
        run["properties"]["baselined"] = baselined
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(reports: Iterable[Report], *, baselined: int | None = None) -> str:
    return json.dumps(sarif_document(reports, baselined=baselined), ensure_ascii=False, indent=2) + "\n"
