"""Plain text: one `path:line:col rule/alias message` line per issue, like markdownlint-cli2."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.engine.model import Report


def render_text(reports: Iterable[Report]) -> str:
    lines = []
    for report in reports:
        for issue in report.issues:
            message = " ".join(issue.message.split())
            lines.append(f"{report.path}:{issue.line}:{issue.column} {issue.rule}/{issue.alias} {message}")
    return "".join(line + "\n" for line in lines)
