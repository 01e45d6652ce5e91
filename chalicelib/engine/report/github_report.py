"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per issue, which
the Actions runner shows as an annotation on the file and line (escaped as the runner's
toolkit escapes them: `%`, CR and LF in messages; also `:` and `,` in properties)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.engine.model import Report

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Iterable[Report]) -> str:
    lines = []
    for report in reports:
        path = _property(report.path or "untitled.md")
        for issue in report.issues:
            properties = [f"file={path}", f"line={issue.line}", f"col={issue.column}"]
            if issue.end_line is not None:
                properties.append(f"endLine={issue.end_line}")
            if issue.end_column is not None:
                properties.append(f"endColumn={issue.end_column}")
            properties.append(f"title={_property(f'{issue.rule}/{issue.alias}')}")
            lines.append(f"::{_COMMANDS[issue.severity]} {','.join(properties)}::{_data(issue.message)}")
    return "".join(line + "\n" for line in lines)
