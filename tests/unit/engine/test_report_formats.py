"""Report writers: tbcv.report/1 JSON (validated against the published schema), SARIF 2.1.0
(validated against the vendored official schema), JUnit XML and text."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from chalicelib.engine.model import Detection, Issue, Report, TextEdit
from chalicelib.engine.report import render, render_json, render_junit, render_sarif, render_text, report_to_dict

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def _issue(rule="MD009", alias="no-trailing-spaces", severity="warning", line=3, column=5, **extra):
    return Issue(
        rule=rule,
        alias=alias,
        category="markdown",
        severity=severity,
        message="Trailing spaces",
        line=line,
        column=column,
        **extra,
    )


def _report(path="docs/a.md", issues=None, detections=None):
    return Report(
        path=path,
        family="words",
        profile="default",
        ruleset_version="abc123",
        content_sha256="0" * 64,
        issues=issues if issues is not None else [],
        detections=detections or [],
        timings_ms={"parse": 0.4},
    )


def _sample_reports():
    fixed = _issue(end_line=3, end_column=7, fix=(TextEdit(20, 23, ""),), suggestion="Remove the trailing spaces")
    error = Issue(
        rule="FM001",
        alias="frontmatter-title-required",
        category="frontmatter",
        severity="error",
        message="Front matter has no title",
        line=1,
    )
    detection = Detection(
        plugin="aspose.words.document",
        family="words",
        matched="Document",
        line=9,
        column=1,
        method="exact",
        confidence=0.9,
    )
    return [_report("docs/a b.md", [error, fixed], [detection]), _report("docs/clean.md", [])]


def test_json_output_validates_against_the_published_schema():
    schema = json.loads((SCHEMAS / "tbcv-report-1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(_sample_reports())))


def test_json_summary_counts_issues_by_severity_and_files():
    summary = json.loads(render_json(_sample_reports()))["summary"]
    assert summary == {
        "files": 2,
        "errors": 1,
        "warnings": 1,
        "infos": 0,
        "outcomes": {"pass": 1, "warning": 0, "fail": 1},
        "families": {"words": 2},
    }


def test_json_issue_carries_the_design_keys_and_its_fix_edits():
    issue = json.loads(render_json(_sample_reports()))["files"][0]["issues"][1]
    assert issue["rule"] == "MD009" and issue["fixable"] is True
    assert issue["fix"] == [{"start": 20, "end": 23, "replacement": ""}]


def test_report_to_dict_leaves_timings_out_unless_asked():
    report = _sample_reports()[0]
    assert "timings_ms" not in report_to_dict(report)
    assert report_to_dict(report, include_timings=True)["timings_ms"] == {"parse": 0.4}


def test_sarif_output_validates_against_the_official_2_1_0_schema():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(json.loads(render_sarif(_sample_reports())))


def test_sarif_declares_code_point_columns_and_exclusive_end_columns():
    run = json.loads(render_sarif(_sample_reports()))["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    region = run["results"][1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 8}


def test_sarif_describes_each_reported_rule_once_and_results_point_at_it():
    reports = [_report("a.md", [_issue(line=1), _issue(line=2)])]
    run = json.loads(render_sarif(reports))["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["MD009"]
    assert {result["ruleIndex"] for result in run["results"]} == {0}


def test_sarif_fingerprints_do_not_depend_on_the_line_number():
    moved = json.loads(render_sarif([_report("a.md", [_issue(line=3, context="x  ")])]))
    original = json.loads(render_sarif([_report("a.md", [_issue(line=9, context="x  ")])]))
    assert (
        moved["runs"][0]["results"][0]["partialFingerprints"]
        == original["runs"][0]["results"][0]["partialFingerprints"]
    )


def test_sarif_fingerprints_differ_for_repeated_identical_findings():
    run = json.loads(render_sarif([_report("a.md", [_issue(line=1), _issue(line=2)])]))["runs"][0]
    first, second = (r["partialFingerprints"] for r in run["results"])
    assert first != second


def test_sarif_artifact_uris_are_percent_encoded():
    run = json.loads(render_sarif(_sample_reports()))["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/a%20b.md"


def test_junit_has_one_suite_per_file_and_a_failure_per_error_issue():
    root = ET.fromstring(render_junit(_sample_reports()))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["docs/a b.md", "docs/clean.md"]
    assert suites[0].get("tests") == "2" and suites[0].get("failures") == "1"
    assert suites[1].get("tests") == "1" and suites[1].get("failures") == "0"


def test_junit_fail_on_warning_turns_warnings_into_failures():
    root = ET.fromstring(render_junit(_sample_reports(), fail_on="warning"))
    assert root.get("failures") == "2"


def test_junit_replaces_characters_xml_cannot_hold():
    bad = Issue(
        rule="IO001",
        alias="unreadable-file",
        category="structure",
        severity="error",
        message="bad byte \x00 here",
        line=1,
    )
    root = ET.fromstring(render_junit([_report("a.md", [bad])]))
    assert "\ufffd" in root.find("testsuite/testcase/failure").get("message")


def test_text_output_is_one_path_line_column_rule_alias_message_line_per_issue():
    assert render_text(_sample_reports()).splitlines() == [
        "docs/a b.md:1:1 FM001/frontmatter-title-required Front matter has no title",
        "docs/a b.md:3:5 MD009/no-trailing-spaces Trailing spaces",
    ]


def test_render_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown report format"):
        render("yaml", [])
