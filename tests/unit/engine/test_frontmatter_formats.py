"""Hugo front matter in YAML, TOML and JSON: loaded safely, rules read all three, Markdown
rules skip the block, and fixes write each format's own syntax."""

import pytest

from chalicelib.engine.edits import apply_edits
from chalicelib.engine.parse import parse_document
from chalicelib.engine.validate import validate_document

BODY = "\nSome text of the page.\n\n## Section\n"
PAGES = {
    "yaml": "---\ntitle: Convert documents   \ndate: 2024-01-01\nparams:\n  x: 1\n---\n" + BODY,
    "toml": '+++\ntitle = "Convert documents"   \ndate = 2024-01-01\n[params]\nx = 1\n+++\n' + BODY,
    "json": '{\n  "title": "Convert documents",   \n  "date": "2024-01-01",\n  "params": {"x": 1}\n}\n' + BODY,
}


@pytest.mark.parametrize("fmt", sorted(PAGES))
def test_each_format_is_loaded_with_its_key_lines(fmt):
    matter = parse_document(PAGES[fmt]).front_matter
    assert matter.format == fmt and matter.present and matter.error is None
    assert matter.data["title"] == "Convert documents" and matter.data["params"] == {"x": 1}
    assert matter.key_lines == {"title": 2, "date": 3, "params": 4}
    assert matter.end_line == (5 if fmt == "json" else 6)


@pytest.mark.parametrize("fmt", sorted(PAGES))
def test_markdown_rules_skip_the_block(fmt):
    rules = {issue.rule for issue in validate_document(PAGES[fmt]).issues}
    assert not rules & {"MD009", "MD041", "MD025", "MD012"}


@pytest.mark.parametrize("fmt", sorted(PAGES))
def test_front_matter_rules_read_every_format(fmt):
    without_title = PAGES[fmt].replace("title", "name")
    issues = [issue for issue in validate_document(without_title).issues if issue.rule == "FM002"]
    assert [issue.line for issue in issues] == [1]
    assert "FM002" not in {issue.rule for issue in validate_document(PAGES[fmt]).issues}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('+++\ntitle = "A"\ndate = \n+++\n', 3, "TOML"),
        ('{\n  "title": "A",\n  "date": ,\n}\n', 3, "JSON"),
        ("---\ntitle: [A\n---\n", 3, "expected"),
    ],
)
def test_a_broken_block_is_an_error_at_its_line(text, line, words):
    matter = parse_document(text).front_matter
    assert matter.data is None and matter.error_line == line and words in matter.error
    issues = [issue for issue in validate_document(text).issues if issue.rule == "FM001"]
    assert [issue.line for issue in issues] == [line]


@pytest.mark.parametrize(("opening", "closing"), [("+++", "+++"), ("{", "}")])
def test_an_unclosed_block_names_its_fence(opening, closing):
    matter = parse_document(f"{opening}\ntitle = 1\n\n# T\n").front_matter
    assert matter.present and matter.end_line == 0 and f"'{closing}'" in matter.error


@pytest.mark.parametrize(
    "text",
    ["{\n" + '"a": ' + "[" * 5000 + "]" * 5000 + "\n}\n", "+++\na = " + "[" * 5000 + "]" * 5000 + "\n+++\n"],
)
def test_deep_nesting_is_refused_not_a_crash(text):
    matter = parse_document(text).front_matter
    assert matter.data is None and matter.error


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_the_missing_field_fix_writes_the_blocks_own_syntax(fmt):
    page = PAGES[fmt].replace("title", "name") + "\n# Converting documents between formats\n"
    issue = next(issue for issue in validate_document(page).issues if issue.rule == "FM002" and issue.fix)
    fixed = parse_document(apply_edits(page, list(issue.fix))).front_matter
    assert fixed.error is None and fixed.format == fmt
    assert fixed.data["title"] == "Converting documents between formats" and fixed.data["params"] == {"x": 1}


def test_yaml_only_edits_are_not_offered_for_toml():
    page = "+++\ntitle = 2024\n+++\n\nText.\n"
    issues = [issue for issue in validate_document(page).issues if issue.rule == "FM004"]
    assert issues and all(issue.fix is None for issue in issues)


def test_a_line_that_only_starts_with_a_brace_is_not_front_matter():
    assert not parse_document('{"title": "A"}\n\nText.\n').front_matter.present
