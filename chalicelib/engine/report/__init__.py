"""Report formats of `tbcv check` and the API: JSON (`tbcv.report/1`), SARIF 2.1.0, JUnit XML, text,
GitHub Actions annotations and GitLab code quality JSON.

Every writer takes the per-file `Report`s in the order they are to be shown (the CLI sorts them
by path) and returns the whole output as one string, so the output never depends on how the
reports were produced (one process or many).
"""

from collections.abc import Sequence

from chalicelib.engine.model import Report
from chalicelib.engine.report.github_report import render_github
from chalicelib.engine.report.gitlab_report import render_gitlab
from chalicelib.engine.report.json_report import SCHEMA_ID, issue_to_dict, render_json, report_document, report_to_dict
from chalicelib.engine.report.junit_report import render_junit
from chalicelib.engine.report.sarif_report import render_sarif
from chalicelib.engine.report.text_report import render_text

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")

__all__ = [
    "FORMATS",
    "SCHEMA_ID",
    "issue_to_dict",
    "render",
    "render_github",
    "render_gitlab",
    "render_json",
    "render_junit",
    "render_sarif",
    "render_text",
    "report_document",
    "report_to_dict",
]


def render(fmt: str, reports: Sequence[Report], *, fail_on: str = "error", baselined: int | None = None) -> str:
    """Render `reports` in one of FORMATS; `fail_on` decides which issues JUnit marks as failures;
    `baselined` (the issues a baseline left out) is stated by the JSON and SARIF formats."""
    if fmt == "json":
        return render_json(reports, baselined=baselined)
    if fmt == "sarif":
        return render_sarif(reports, baselined=baselined)
    if fmt == "junit":
        return render_junit(reports, fail_on=fail_on)
    if fmt == "text":
        return render_text(reports)
    if fmt == "github":
        return render_github(reports)
    if fmt == "gitlab":
        return render_gitlab(reports)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
