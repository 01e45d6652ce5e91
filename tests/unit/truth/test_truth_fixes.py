"""Truth fixes used by the review lifecycle: declaring a used plugin in front matter (TR004)
and linking a used plugin's page from the family's link template (TR009)."""

from __future__ import annotations

import pytest

from chalicelib.engine import validate_document
from chalicelib.engine.edits import apply_edits
from chalicelib.engine.parse import parse_document
from chalicelib.engine.truth.rules import declare_plugin_edit

MAIL_MERGE_BODY = (
    "\n# Fill templates\n\nUse Mail Merge to fill templates with data from a database "
    "and execute mail merge with regions.\n"
)


@pytest.mark.parametrize(
    "front_matter,expected",
    [
        ("plugins: [document]\n", "plugins: [document, mail_merge]\n"),
        ("plugins: []\n", "plugins: [mail_merge]\n"),
        ("plugins:\n  - document\n", "plugins:\n  - document\n  - mail_merge\n"),
        ("plugins: document\n", "plugins: document, mail_merge\n"),
        ("title: x\n", "title: x\nplugins: [mail_merge]\n"),
    ],
)
def test_declaring_a_plugin_keeps_the_field_style(front_matter, expected):
    text = f"---\n{front_matter}---\n"
    edit = declare_plugin_edit(parse_document(text), "mail_merge")
    assert apply_edits(text, [edit]) == f"---\n{expected}---\n"


def test_tr004_fix_declares_the_used_plugin_and_the_issue_goes_away():
    page = "---\ntitle: Templates\nplugins: [document]\n---\n" + MAIL_MERGE_BODY
    issue = next(i for i in validate_document(page, family="words").issues if i.rule == "TR004")
    fixed = apply_edits(page, issue.fix)
    assert "plugins: [document, mail_merge]" in fixed
    assert not [i for i in validate_document(fixed, family="words").issues if i.rule == "TR004"]


JAVA_PAGE = "content/words/java/templates.md"  # the platform of the page picks the linked documentation


def test_tr009_links_a_used_plugin_once_from_the_family_template():
    page = "---\ntitle: Templates\n---\n" + MAIL_MERGE_BODY
    issues = [i for i in validate_document(page, path=JAVA_PAGE, family="words").issues if i.rule == "TR009"]
    assert issues, "the page clearly uses Mail Merge"
    fixed = apply_edits(page, [edit for issue in issues for edit in issue.fix])
    assert "(https://docs.aspose.com/words/java/" in fixed
    assert not [i for i in validate_document(fixed, path=JAVA_PAGE, family="words").issues if i.rule == "TR009"]


def test_tr009_is_quiet_when_the_plugin_page_is_already_linked():
    page = "---\ntitle: Templates\n---\n" + MAIL_MERGE_BODY
    issue = next(i for i in validate_document(page, path=JAVA_PAGE, family="words").issues if i.rule == "TR009")
    linked = page + f"\nSee {issue.suggestion} for details.\n"
    linked = linked.replace(f"See {issue.suggestion}", f"See [the plugin]({issue.suggestion})")
    assert not [i for i in validate_document(linked, path=JAVA_PAGE, family="words").issues if i.rule == "TR009"]
