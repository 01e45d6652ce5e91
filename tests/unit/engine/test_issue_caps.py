"""Issue 15 row 3: a report has a bounded number of issues (per rule and per report) and says
when it was cut (`truncated`), keeping the most severe issues."""

from __future__ import annotations

from chalicelib.engine.report.json_report import report_to_dict
from chalicelib.engine.validate import MAX_ISSUES_PER_REPORT, validate_document

HEADINGS = "# Title\n\n" + "".join(f"## Heading {i}\n" for i in range(4000))  # MD022 etc. on every heading


def test_a_page_of_thousands_of_findings_is_cut_at_the_report_cap():
    report = validate_document(HEADINGS, path="docs/page.md")
    assert len(report.issues) == MAX_ISSUES_PER_REPORT
    assert report.truncated and report_to_dict(report)["truncated"] is True


def test_one_rule_stops_at_its_cap():
    report = validate_document(HEADINGS, path="docs/page.md", max_issues=10_000, max_issues_per_rule=50)
    per_rule: dict[str, int] = {}
    for issue in report.issues:
        per_rule[issue.rule] = per_rule.get(issue.rule, 0) + 1
    assert max(per_rule.values()) == 50 and report.truncated


def test_the_cut_keeps_the_most_severe_issues():
    text = HEADINGS + '\n```java\nString password = "s3cr3tvalue99";\n```\n'
    report = validate_document(text, path="docs/page.md", max_issues=5)
    assert len(report.issues) == 5
    assert any(issue.rule == "CD007" for issue in report.issues)  # the error at the end of the page survives


def test_a_small_page_is_not_truncated():
    report = validate_document("# Title\n\nText.\n", path="docs/page.md")
    assert not report.truncated and report_to_dict(report)["truncated"] is False
