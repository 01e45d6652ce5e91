"""Each Markdown rule fires on realistic text and stays quiet on the near miss; fixes are exact."""

from chalicelib.engine.edits import apply_edits
from chalicelib.engine.validate import validate_document

FRONT = "---\ntitle: Convert a document to PDF\ndescription: How to save a document as PDF in Java.\n---\n\n"


def issues(text: str, rule: str):
    return [issue for issue in validate_document(text).issues if issue.rule == rule]


def lines(text: str, rule: str) -> list[int]:
    return [issue.line for issue in issues(text, rule)]


def fixed(text: str, rule: str) -> str:
    [issue] = issues(text, rule)
    return apply_edits(text, list(issue.fix))


def test_md001_fires_when_a_heading_skips_a_level():
    assert lines("# Convert\n\n### Options\n", "MD001") == [3]


def test_md001_quiet_when_levels_step_by_one_or_go_back_up():
    assert lines("# Convert\n\n## Options\n\n### Detail\n\n## Next\n", "MD001") == []


def test_md001_counts_the_front_matter_title_as_the_h1():
    assert lines(FRONT + "### Options\n", "MD001") == [6]
    assert lines(FRONT + "## Options\n", "MD001") == []


def test_md001_fix_sets_the_expected_level():
    assert fixed("# Convert\n\n#### Options\n", "MD001") == "# Convert\n\n## Options\n"


def test_md009_fires_on_trailing_spaces_with_exact_columns():
    [issue] = issues("# T\n\nSave the document.   \n", "MD009")
    assert (issue.line, issue.column, issue.end_column) == (3, 19, 21)


def test_md009_allows_a_two_space_hard_break_and_spaces_inside_code():
    assert lines("# T\n\nLine one  \nline two\n\n```text\ncode   \n```\n", "MD009") == []


def test_md009_fix_removes_the_trailing_spaces_only():
    assert fixed("# T\n\nText \t \nNext\n", "MD009") == "# T\n\nText\nNext\n"


def test_md012_fires_on_each_extra_blank_line():
    assert lines("# T\n\nOne.\n\n\n\nTwo.\n", "MD012") == [5, 6]


def test_md012_quiet_for_single_blank_lines_and_blank_lines_in_code():
    assert lines("# T\n\nOne.\n\n```text\na\n\n\n\nb\n```\n", "MD012") == []


def test_md012_fix_deletes_the_extra_line():
    assert fixed("# T\n\nOne.\n\n\nTwo.\n", "MD012") == "# T\n\nOne.\n\nTwo.\n"


def test_md024_fires_on_a_repeated_heading():
    assert lines("# Guide\n\n## Example\n\n## Other\n\n## Example\n", "MD024") == [7]


def test_md024_quiet_when_headings_differ_in_markup():
    assert lines("# Guide\n\n## Use *it*\n\n## Use it\n", "MD024") == []


def test_md025_fires_on_a_second_h1():
    assert lines("# Guide\n\nText.\n\n# Another guide\n", "MD025") == [5]


def test_md025_fires_on_a_body_h1_after_a_front_matter_title():
    assert lines(FRONT + "# Convert a document\n", "MD025") == [6]


def test_md025_quiet_when_content_precedes_the_first_h1():
    assert lines("Intro text.\n\n# Guide\n\n# Another\n", "MD025") == []


def test_md034_fires_on_a_bare_url_and_wraps_it():
    text = "# T\n\nDownload from https://releases.aspose.com/words/java.\n"
    [issue] = issues(text, "MD034")
    assert (issue.line, issue.column) == (3, 15)
    assert apply_edits(text, list(issue.fix)) == "# T\n\nDownload from <https://releases.aspose.com/words/java>.\n"


def test_md034_quiet_for_links_autolinks_and_code():
    text = "# T\n\n[Releases](https://r.example) <https://r.example> `https://r.example`\n"
    assert lines(text, "MD034") == []


def test_md036_fires_on_a_paragraph_that_is_only_bold_text():
    assert lines("# T\n\n**Supported formats**\n\nDOCX and PDF.\n", "MD036") == [3]


def test_md036_quiet_when_the_emphasis_ends_in_punctuation_or_has_company():
    assert lines("# T\n\n**Note:**\n\n**Note** that PDF is supported.\n", "MD036") == []


def test_md040_fires_on_a_fence_without_language():
    assert lines("# T\n\n```\nDocument doc = new Document();\n```\n", "MD040") == [3]


def test_md040_quiet_for_a_labelled_fence_and_highlight_shortcodes():
    text = "# T\n\n```java\nint x;\n```\n\n{{< highlight >}}\nint y;\n{{< /highlight >}}\n"
    assert lines(text, "MD040") == []


def test_md040_fix_inserts_the_language_the_code_reads_as():
    text = (
        "# T\n\n```\npublic class Main {\n    public static void main(String[] args) throws Exception {\n"
        "        Document doc = new Document();\n        System.out.println(doc);\n    }\n}\n```\n"
    )
    assert fixed(text, "MD040").startswith("# T\n\n```java\npublic class Main")


def test_md041_fires_when_the_page_does_not_start_with_an_h1():
    assert lines("## Overview\n\nText.\n", "MD041") == [1]
    assert lines("Some intro.\n\n# Title\n", "MD041") == [1]


def test_md041_quiet_with_a_front_matter_title_or_an_h1_after_a_comment():
    assert lines(FRONT + "Intro text.\n", "MD041") == []
    assert lines("<!-- generated -->\n# Title\n", "MD041") == []


def test_md042_fires_on_empty_and_hash_only_links():
    assert lines("# T\n\nSee [the guide]() or [this](#).\n", "MD042") == [3, 3]


def test_md042_quiet_for_a_real_destination():
    assert lines("# T\n\nSee [the guide](https://docs.example/guide).\n", "MD042") == []


def test_md045_fires_on_images_without_alt_text():
    assert lines('# T\n\n![](diagram.png)\n\n<img src="a.png">\n', "MD045") == [3, 5]


def test_md045_quiet_with_alt_text_or_aria_hidden():
    assert (
        lines('# T\n\n![Diagram](d.png)\n\n<img src="a.png" alt="A">\n<img src="b.png" aria-hidden="true">\n', "MD045")
        == []
    )


def test_md051_fires_on_a_fragment_with_no_heading():
    assert lines("# Guide\n\n## Install\n\nSee [setup](#setup).\n", "MD051") == [5]


def test_md051_quiet_for_heading_custom_and_duplicate_anchors():
    text = (
        "# Guide\n\n## Use it!\n\n## Use it!\n\n## Options {#opts}\n\n"
        "[a](#use-it) [b](#use-it-1) [c](#opts) [d](#top)\n"
    )
    assert lines(text, "MD051") == []


def test_md051_fix_corrects_the_fragment_case():
    text = "# Guide\n\n## Install\n\nSee [install](#Install).\n"
    assert fixed(text, "MD051") == "# Guide\n\n## Install\n\nSee [install](#install).\n"


def test_md052_fires_on_an_undefined_full_reference():
    assert lines("# T\n\nSee [the guide][guide].\n", "MD052") == [3]


def test_md052_quiet_for_defined_labels_shortcuts_and_task_boxes():
    text = "# T\n\nSee [the guide][guide], [maybe] and\n\n- [x] done\n\n[guide]: https://docs.example\n"
    assert lines(text, "MD052") == []


def test_md053_fires_on_unused_and_duplicate_definitions():
    text = "# T\n\nSee [docs][d].\n\n[d]: https://a.example\n[unused]: https://b.example\n[d]: https://c.example\n"
    assert lines(text, "MD053") == [6, 7]


def test_md053_quiet_for_used_and_comment_definitions():
    assert lines("# T\n\nSee [docs].\n\n[docs]: https://a.example\n[//]: # (a comment)\n", "MD053") == []


def test_md053_fix_deletes_the_unused_definition_line():
    text = "# T\n\nText.\n\n[unused]: https://b.example\n"
    assert fixed(text, "MD053") == "# T\n\nText.\n\n"


def test_md056_fires_on_rows_with_too_many_or_too_few_cells():
    text = "# T\n\n| Format | Load |\n|---|---|\n| DOCX | Yes | Extra |\n| PDF |\n| RTF | Yes |\n"
    assert lines(text, "MD056") == [5, 6]


def test_md056_quiet_for_escaped_pipes():
    assert lines("# T\n\n| Expr | Meaning |\n|---|---|\n| a \\| b | or |\n", "MD056") == []


def test_mdx001_fires_on_an_unclosed_fence_and_fix_closes_it():
    text = "# T\n\n```java\nint x = 1;\n"
    [issue] = issues(text, "MDX001")
    assert issue.line == 3 and issue.severity == "error"
    assert apply_edits(text, list(issue.fix)) == "# T\n\n```java\nint x = 1;\n```\n"


def test_mdx001_fires_on_an_unclosed_highlight_shortcode():
    assert lines("# T\n\n{{< highlight java >}}\nint x = 1;\n", "MDX001") == [3]


def test_mdx001_quiet_for_closed_fences_and_highlights():
    text = "# T\n\n```java\nint x;\n```\n\n{{< highlight java >}}\nint y;\n{{< /highlight >}}\n"
    assert lines(text, "MDX001") == []
