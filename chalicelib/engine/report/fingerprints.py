"""Issue fingerprints that survive lines moving: rule + path + the issue's context (or message)
+ its occurrence number among identical findings of the file, never the line number. SARIF's
partialFingerprints, GitLab's code quality fingerprints and `tbcv check` baselines use them."""

from __future__ import annotations

import hashlib

from chalicelib.engine.model import Report


def issue_fingerprints(report: Report) -> list[str]:
    """One fingerprint per issue of the report, in the report's issue order."""
    path = report.path or ""
    occurrences: dict[tuple[str, str], int] = {}
    fingerprints = []
    for issue in report.issues:
        text = " ".join((issue.context or issue.message).split())
        key = (issue.rule, text)
        occurrences[key] = occurrences.get(key, 0) + 1
        digest = hashlib.sha256("\x1f".join((issue.rule, path, text, str(occurrences[key]))).encode("utf-8"))
        fingerprints.append(digest.hexdigest()[:32])
    return fingerprints
