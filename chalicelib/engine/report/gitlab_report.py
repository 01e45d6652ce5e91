"""GitLab code quality report (the CodeClimate subset GitLab reads): a JSON array of
{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}, shown in
merge requests when a job publishes it as `artifacts: reports: codequality`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.engine.model import Report
from chalicelib.engine.report.fingerprints import issue_fingerprints

_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render_gitlab(reports: Iterable[Report]) -> str:
    entries: list[dict[str, Any]] = []
    for report in reports:
        for issue, fingerprint in zip(report.issues, issue_fingerprints(report), strict=True):
            entries.append(
                {
                    "description": f"{issue.rule}/{issue.alias}: {issue.message}",
                    "check_name": issue.rule,
                    "fingerprint": fingerprint,
                    "severity": _SEVERITIES[issue.severity],
                    "location": {"path": report.path or "untitled.md", "lines": {"begin": issue.line}},
                }
            )
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
