"""One finding per fact (issue 11, item 4): TR008 does not repeat FM002/FM003, plugin links
follow the page's platform, and a real API name is never "corrected" into another one."""

from __future__ import annotations

import pytest

from chalicelib.engine.validate import validate_document
from tests.unit.truth.conftest import FRONT, run_rule

NO_DESCRIPTION = "---\ntitle: Work with cells\n---\n\nSome text about cells.\n"
MAIL_MERGE = (
    "---\ntitle: Fill templates\ndescription: How to fill templates with data.\n---\n\n"
    "Use Mail Merge to fill templates.\n"
)


def _rules(text: str, family: str, path: str, profile: str = "default") -> list[str]:
    report = validate_document(text, path=path, family=family, profile=profile)
    return [issue.rule for issue in report.issues]


def test_a_missing_description_is_reported_once(registry):
    rules = _rules(NO_DESCRIPTION, "cells", "content/cells/java/page.md")
    assert "FM003" in rules
    assert "TR008" not in rules


def test_tr008_still_reports_when_the_front_matter_rules_do_not(registry):
    findings = run_rule(registry, "TR008", NO_DESCRIPTION, path="content/cells/java/page.md", family="cells")
    assert [finding.message for finding in findings] == [
        "front matter field 'description' is missing (cells pages require it)"
    ]


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("content/words/java/mail-merge.md", "https://docs.aspose.com/words/java/mail-merge/"),
        ("content/words/net/mail-merge.md", "https://docs.aspose.com/words/net/mail-merge/"),
        ("content/words/python-net/mail-merge.md", "https://docs.aspose.com/words/python-net/mail-merge/"),
    ],
)
def test_plugin_links_follow_the_page_platform(registry, path, link):
    [finding] = run_rule(registry, "TR009", MAIL_MERGE, path=path)
    assert finding.suggestion == link


def test_a_page_of_unknown_platform_gets_no_link_rather_than_a_java_one(registry):
    assert run_rule(registry, "TR009", MAIL_MERGE, path="content/page.md") == []
    text = MAIL_MERGE.replace("---\n\n", "plugins: [document]\n---\n\n")
    [undeclared] = run_rule(registry, "TR004", text, path="content/page.md")
    assert "/java/" not in undeclared.message and "see" not in undeclared.message


def test_the_platform_comes_from_front_matter_too(registry):
    text = MAIL_MERGE.replace("title: Fill templates", "title: Fill templates with Aspose.Words for .NET")
    [finding] = run_rule(registry, "TR009", text, path="content/page.md")
    assert finding.suggestion == "https://docs.aspose.com/words/net/mail-merge/"


def test_a_sibling_api_name_is_not_a_misspelling_of_another(registry):
    text = FRONT + "\nSet OdsSaveOptions.setStrictSchema11 or use PdfSaveOptions and HtmlSaveOptoins.\n"
    findings = run_rule(registry, "TR001", text, path="content/cells/java/page.md", family="cells")
    assert [finding.suggestion for finding in findings] == ["HtmlSaveOptions"]
