"""The pure half of enhancements: drafted edits match the text they replace, the result is
exactly the edits applied, and the safety gate names what a result would lose."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.engine import validate_document
from chalicelib.engine.edits import apply_edits
from chalicelib.engine.enhance import enhance_text
from chalicelib.engine.model import TextEdit
from chalicelib.engine.recommend import draft_recommendations
from chalicelib.engine.report.json_report import issue_to_dict

PAGE = (
    "---\ntitle: A page\nweight: 1\n---\n\n# Title\n\nText [link](https://example.org/a).   \n\n"
    "## Part\n\n```java\nint x = 1;\n```\n"
)
LINES = st.sampled_from(
    [
        "# Head",
        "## Sub",
        "Text.   ",
        "",
        "",
        "```",
        "code",
        "- item",
        "Apose.Words here",
        "[a](b)",
        "***",
        "| a | b |",
        "|---|---|",
    ]
)


def drafts_of(text):
    return draft_recommendations(text, [issue_to_dict(i) for i in validate_document(text).issues])


@settings(max_examples=60, deadline=None)
@given(st.lists(LINES, max_size=25).map("\n".join))
def test_every_drafted_edit_records_the_exact_text_it_replaces(text):
    for draft in drafts_of(text):
        for edit in draft.edits:
            assert text[edit.start : edit.end] == edit.original


@settings(max_examples=60, deadline=None)
@given(st.lists(LINES, max_size=25).map("\n".join))
def test_the_enhanced_text_is_the_edits_applied_and_the_diff_describes_it(text):
    edits = []
    for draft in drafts_of(text):
        candidate = [TextEdit(e.start, e.end, e.replacement) for e in draft.edits]
        try:
            apply_edits(text, edits + candidate)
            edits += candidate
        except ValueError:
            continue
    result = enhance_text(text, edits, max_change_ratio=1.0)
    assert result.text == apply_edits(text, edits)
    assert (result.diff == "") == (result.text == text)


def test_identical_drafts_are_deduplicated():
    issue = {
        "rule": "MD009",
        "alias": "no-trailing-spaces",
        "category": "markdown",
        "severity": "warning",
        "message": "Trailing spaces",
        "line": 1,
        "column": 2,
        "fix": [{"start": 1, "end": 3, "replacement": ""}],
    }
    drafts = draft_recommendations("a  \n", [issue, dict(issue)])
    assert len(drafts) == 1 and drafts[0].issue_indexes == [0, 1]


def test_safety_names_a_lost_heading():
    start = PAGE.index("## Part")
    result = enhance_text(PAGE, [TextEdit(start, start + len("## Part\n"), "")], max_change_ratio=1.0)
    assert not result.safety.ok
    assert "1 of 2 headings would be lost" in result.safety.reasons


def test_safety_names_a_lost_code_block_and_link():
    start = PAGE.index("Text [link]")
    result = enhance_text(PAGE, [TextEdit(start, len(PAGE), "Text.\n")], max_change_ratio=1.0)
    assert any("code blocks would be lost" in r for r in result.safety.reasons)
    assert any("links would be lost" in r for r in result.safety.reasons)


def test_safety_names_lost_front_matter_keys():
    start = PAGE.index("weight: 1\n")
    result = enhance_text(PAGE, [TextEdit(start, start + len("weight: 1\n"), "")], max_change_ratio=1.0)
    assert result.safety.reasons == ("front matter keys would be lost: weight",)


def test_safety_refuses_changing_more_than_the_ratio():
    end = len(PAGE)
    result = enhance_text(PAGE, [TextEdit(end, end, "More text.\n" * 20)], max_change_ratio=0.5)
    assert result.safety.reasons == ("the edits change 193% of the text; the limit is 50%",)


def test_a_small_fix_passes_the_gate():
    start = PAGE.index("   \n")
    result = enhance_text(PAGE, [TextEdit(start, start + 3, "")], max_change_ratio=0.5)
    assert result.safety.ok and result.stats["lines_added"] == 1 and result.stats["lines_removed"] == 1
