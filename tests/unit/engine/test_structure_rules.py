"""Structure rules ST001-ST008 on page bodies (front matter excluded)."""

from rule_findings import findings

FRONT = "---\ntitle: Working with Tables in Java\n---\n"
PARAGRAPH = "Tables hold rows of cells. This section shows how to insert, format and merge them in Java.\n"


def test_st001_fires_on_a_stub_page():
    result = findings("ST001", FRONT + "\nSee the API.\n")
    assert result[0].message == "Page body is 14 characters long (min 100)"


def test_st001_does_not_count_the_front_matter():
    assert len(findings("ST001", "---\ntitle: " + "x" * 200 + "\n---\nShort.\n")) == 1


def test_st001_is_quiet_on_a_page_with_content():
    assert findings("ST001", FRONT + "\n" + PARAGRAPH * 2) == []


def test_st002_fires_over_the_limit():
    assert len(findings("ST002", FRONT + PARAGRAPH * 10, max_chars=500)) == 1


def test_st002_is_quiet_under_the_limit():
    assert findings("ST002", FRONT + PARAGRAPH * 10) == []


def test_st003_fires_on_a_long_body_without_headings():
    result = findings("ST003", FRONT + "\n" + PARAGRAPH * 12)
    assert (result[0].line, result[0].message) == (5, "Page body has 1105 characters and no headings")


def test_st003_is_quiet_on_a_short_page_without_headings():
    assert findings("ST003", FRONT + "\n" + PARAGRAPH * 3) == []


def test_st003_is_quiet_when_a_heading_exists():
    assert findings("ST003", FRONT + "\n## Insert a Table\n\n" + PARAGRAPH) == []


def test_st004_fires_on_a_section_followed_by_a_sibling():
    text = FRONT + "\n## Insert a Table\n\n## Merge Cells\n\n" + PARAGRAPH
    result = findings("ST004", text)
    assert (result[0].line, result[0].message) == (5, "Section 'Insert a Table' has no content")


def test_st004_fires_on_a_last_heading_with_nothing_after_it():
    assert findings("ST004", FRONT + "\n## Insert a Table\n\n" + PARAGRAPH + "\n## See Also\n")[0].line == 9


def test_st004_counts_code_and_gists_as_content():
    text = FRONT + '\n## Insert a Table\n\n{{< gist "aspose" "abc" "Table.java" >}}\n\n## Merge Cells\n\n' + PARAGRAPH
    assert findings("ST004", text) == []


def test_st004_leaves_a_parent_heading_to_st005():
    assert findings("ST004", FRONT + "\n## Tables\n\n### Insert a Table\n\n" + PARAGRAPH) == []


def test_st005_fires_on_a_subheading_directly_after_its_parent():
    result = findings("ST005", FRONT + "\n## Tables\n### Insert a Table\n\n" + PARAGRAPH)
    assert (result[0].line, result[0].column) == (6, 1)


def test_st005_is_quiet_when_the_parent_has_an_introduction():
    assert findings("ST005", FRONT + "\n## Tables\n\n" + PARAGRAPH + "\n### Insert a Table\n\n" + PARAGRAPH) == []


def test_st006_fires_on_a_long_preamble():
    assert len(findings("ST006", FRONT + "\n" + PARAGRAPH * 7 + "\n## Insert a Table\n\n" + PARAGRAPH)) == 1


def test_st006_is_quiet_on_a_short_introduction():
    assert findings("ST006", FRONT + "\n" + PARAGRAPH + "\n## Insert a Table\n\n" + PARAGRAPH) == []


def test_st007_fires_on_an_h5():
    assert (
        findings("ST007", FRONT + "\n##### Merge Cells Vertically\n\n" + PARAGRAPH)[0].message
        == "Heading level 5 is deeper than 4"
    )


def test_st007_is_quiet_at_h4():
    assert findings("ST007", FRONT + "\n#### Merge Cells Vertically\n\n" + PARAGRAPH) == []


def test_st008_fires_once_on_a_list_nested_five_levels():
    text = "- a\n  - b\n    - c\n      - d\n        - e\n        - f\n"
    result = findings("ST008", text)
    assert [(f.line, f.column) for f in result] == [(5, 9)]


def test_st008_is_quiet_on_four_levels_and_on_code():
    text = "- a\n  - b\n    - c\n      - d\n\n```\n- a\n  - b\n    - c\n      - d\n        - e\n```\n"
    assert findings("ST008", text) == []
