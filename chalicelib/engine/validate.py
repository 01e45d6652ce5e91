"""Interim entry point, replaced by the full engine (issue 3): keeps the contract
`validate_document(text, *, path, family, profile) -> Report` so callers can be built."""
from __future__ import annotations

import hashlib

from chalicelib.engine.model import Issue, Report


def validate_document(text: str, *, path: str | None = None, family: str | None = None,
                      profile: str | None = None) -> Report:
    issues: list[Issue] = []
    if not text.startswith("---"):
        issues.append(Issue(rule="FM001", alias="frontmatter-required", category="frontmatter",
                            severity="error", message="Front matter is missing", line=1))
    for number, line in enumerate(text.splitlines(), start=1):
        if line != line.rstrip(" "):
            issues.append(Issue(rule="MD009", alias="no-trailing-spaces", category="markdown",
                                severity="warning", message="Trailing spaces", line=number,
                                column=len(line.rstrip(" ")) + 1))
    return Report(path=path, family=family, profile=profile or "default", ruleset_version="interim",
                  content_sha256=hashlib.sha256(text.encode()).hexdigest(), issues=issues)
