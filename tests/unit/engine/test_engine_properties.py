"""Properties of the whole engine on generated pages: it never raises, every issue points
inside the document, and applying an issue's fix removes that issue without breaking the page."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.engine.edits import apply_edits
from chalicelib.engine.parse import parse_document
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.engine.validate import RULE_FAILED, validate_document

FRAGMENTS = [
    "---",
    "title: A page title long enough",
    "description: short",
    "tags: [a, b]",
    "bad: [unclosed",
    "# Title",
    "## Section",
    "### Detail",
    "#### Deep",
    "Setext",
    "------",
    "=====",
    "Plain text.",
    "Trailing spaces.   ",
    "Tab at end\t",
    "",
    "",
    "",
    "   ",
    "**Bold heading**",
    "*Emphasis*",
    "See https://example.com/a_b.",
    "mail me@example.org",
    "[link](https://example.com)",
    "[empty]()",
    "[hash](#)",
    "[frag](#section)",
    "[frag](#Section)",
    "![](image.png)",
    "![alt](image.png)",
    '<img src="a.png">',
    "[ref][label]",
    "[ref][missing]",
    "[label]: https://example.com/l",
    "[unused]: https://example.com/u",
    "[label]: https://dup.example",
    "```",
    "```java",
    "~~~",
    "    indented code",
    "int x = 1;",
    'String apiKey = "9f8e7d6c5b4a39281706";',
    "{{< highlight java >}}",
    "{{< highlight csharp >}}",
    "{{< /highlight >}}",
    "{{< gist user id File.java >}}",
    '{{% alert color="primary" %}}',
    "{{% /alert %}}",
    "Done {{< emoticons/tick >}} now.",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 | 3 |",
    "| 1 |",
    "- item",
    "  - nested",
    "1. first",
    "> quote",
    "<!-- tbcv-disable MD009 -->",
    "<!-- tbcv-enable -->",
    "<!-- markdownlint-disable-next-line -->",
    "Ünïcödé “quotes” — dash",
    "\ufeff# BOM title",
    "C:\\Users\\me\\file.docx",
    "TODO: fix",
]
pages = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).flatmap(
    lambda parts: st.sampled_from(["\n", "\r\n"]).map(lambda ending: ending.join(parts))
)
RULESET = load_ruleset()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text())
def test_engine_never_raises_on_arbitrary_text(text):
    report = validate_document(text, ruleset=RULESET)
    assert not [issue for issue in report.issues if issue.message.startswith(RULE_FAILED)]


@SETTINGS
@given(pages)
def test_engine_never_raises_or_fails_a_rule_on_markdown_like_pages(text):
    report = validate_document(text, ruleset=RULESET)
    assert not [issue for issue in report.issues if issue.message.startswith(RULE_FAILED)]


@SETTINGS
@given(st.one_of(pages, st.text()))
def test_every_issue_points_inside_the_document(text):
    lines = parse_document(text).lines
    for issue in validate_document(text, ruleset=RULESET).issues:
        assert 1 <= issue.line <= len(lines), issue
        assert 1 <= issue.column <= len(lines[issue.line - 1]) + 1, issue
        if issue.end_line is not None:
            assert issue.line <= issue.end_line <= len(lines), issue
        if issue.end_column is not None:
            assert 1 <= issue.end_column <= len(lines[(issue.end_line or issue.line) - 1]) + 1, issue


@SETTINGS
@given(pages)
def test_applying_a_fix_removes_its_issue_and_keeps_the_page_valid(text):
    report = validate_document(text, ruleset=RULESET)
    for issue in [issue for issue in report.issues if issue.fix][:5]:
        fixed = apply_edits(text, list(issue.fix))
        after = validate_document(fixed, ruleset=RULESET)
        assert not [item for item in after.issues if item.message.startswith(RULE_FAILED)]
        before_count = Counter(item.rule for item in report.issues)[issue.rule]
        after_same_rule = [item for item in after.issues if item.rule == issue.rule]
        gone = all(item.line != issue.line for item in after_same_rule)
        assert gone or len(after_same_rule) < before_count, (issue, fixed)
