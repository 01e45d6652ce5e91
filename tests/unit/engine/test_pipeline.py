"""validate_document: one parse, every enabled rule, suppressions, sorted issues, full report."""

import hashlib
from pathlib import Path

import pytest

from chalicelib.engine.model import Detection
from chalicelib.engine.rules.registry import REGISTRY, Rule
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.engine.truth import UnknownFamilyError
from chalicelib.engine.validate import RULE_FAILED, validate_document

PAGE = """---
title: Convert a Word document to PDF in Java
second_title: Aspose.Words for Java
description: Load a DOCX file with Aspose.Words for Java and save it as PDF with a few lines of code.
---

# Convert a Word document to PDF

Trailing spaces here.   

{{< highlight java >}}
Document doc = new Document("input.docx");
doc.save("output.pdf");
{{< /highlight >}}
"""
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"


def test_report_carries_hash_profile_version_and_timings():
    report = validate_document(PAGE, path="java/convert.md")
    assert report.content_sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert report.profile == "default" and report.ruleset_version == load_ruleset().version
    assert {"parse", "markdown", "total"} <= set(report.timings_ms)


def test_issues_are_sorted_by_line_column_and_rule():
    report = validate_document("Intro   \n\n\n\n# A\n\n### B\n")
    keys = [(issue.line, issue.column, issue.rule) for issue in report.issues]
    assert keys == sorted(keys) and len(keys) >= 3


def test_issue_takes_metadata_from_the_rule_and_severity_from_the_profile():
    ruleset = load_ruleset(overrides={"rules": {"MD009": "error"}})
    [issue] = [i for i in validate_document(PAGE, ruleset=ruleset).issues if i.rule == "MD009"]
    assert (issue.alias, issue.category, issue.severity, issue.line) == ("no-trailing-spaces", "markdown", "error", 9)


def test_family_is_selected_from_the_page_when_not_given():
    assert validate_document(PAGE, path="java/convert.md").family == "words"


def test_unknown_explicit_family_is_a_value_error_naming_known_families():
    with pytest.raises(UnknownFamilyError, match="words"):
        validate_document(PAGE, family="nonesuch")


def test_unknown_profile_is_a_value_error():
    with pytest.raises(ValueError, match="known profiles"):
        validate_document(PAGE, profile="fastest")


def test_profile_changes_which_rules_run():
    relaxed = validate_document(PAGE, profile="relaxed")
    assert relaxed.profile == "relaxed" and not [i for i in relaxed.issues if i.rule == "MD009"]


def test_memo_seeds_the_rules_shared_data():
    text = "# Title\n\nSee [other](./missing.md) and [there](./present.md).\n"
    report = validate_document(text, path="docs/page.md", memo={"docs_set": frozenset({"docs/present.md"})})
    assert [issue.line for issue in report.issues if issue.rule == "LK007"] == [3]


def test_secret_values_are_masked_in_every_issue_text():
    secret = "9f8e7d6c5b4a39281706"
    text = f'# Title\n\n```java\nString apiKey = "{secret}";\n```\n'
    report = validate_document(text)
    assert any(issue.rule == "CD007" for issue in report.issues)
    assert all(secret not in f"{issue.message} {issue.context} {issue.suggestion}" for issue in report.issues)


def test_a_failing_rule_becomes_one_issue_and_the_others_still_run(monkeypatch):
    def broken(context, params):
        raise RuntimeError("boom")
        yield

    monkeypatch.setitem(REGISTRY, "MD009", Rule(REGISTRY["MD009"].meta, broken))
    report = validate_document(PAGE, ruleset=load_ruleset(overrides={"profile": "default"}))
    failed = [issue for issue in report.issues if issue.rule == "MD009"]
    assert [issue.message for issue in failed] == [f"{RULE_FAILED}: RuntimeError"]
    assert any(issue.rule != "MD009" for issue in report.issues)


def test_shortcodes_cause_no_markdown_findings():
    text = (
        '# Title\n\n{{% alert color="primary" %}}\nNote the *container* text.\n{{% /alert %}}\n\n'
        "{{< gist aspose-words-gists 8a4d Convert.java >}}\n\nDone {{< emoticons/tick >}} here.\n\n"
        '{{< highlight java >}}\nString url = "https://x.example/a";   \n\n\n\n{{< /highlight >}}\n\n'
        "| Method | Example |\n| --- | --- |\n| `all()` | {{< highlight java >}}\npersons.all(p -> p.getAge() < 50)\n"
        "{{< /highlight >}} |\n"
    )
    issues = [issue for issue in validate_document(text).issues if issue.category == "markdown"]
    assert issues == []


def test_every_corpus_page_validates_without_a_rule_failure():
    pages = sorted(CORPUS.rglob("*.md"))
    assert len(pages) > 400
    ruleset = load_ruleset()
    for page in pages:
        report = validate_document(page.read_text(encoding="utf-8"), path=str(page), ruleset=ruleset)
        assert not [issue for issue in report.issues if issue.message.startswith(RULE_FAILED)], page


def test_detections_left_in_the_memo_by_checks_reach_the_report(monkeypatch):
    detection = Detection(
        plugin="document", family="words", matched="Document", line=11, column=1, method="api", confidence=0.9
    )

    def detect(context, params):
        context.memo["detections"] = [detection]
        return ()

    monkeypatch.setitem(REGISTRY, "MD009", Rule(REGISTRY["MD009"].meta, detect))
    report = validate_document(PAGE, ruleset=load_ruleset(overrides={"categories": {"truth": "off"}}))
    assert report.detections == [detection]
