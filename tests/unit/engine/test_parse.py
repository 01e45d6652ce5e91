"""parse_document: one pass from page text to the structures rules read, with exact positions."""

from chalicelib.engine.parse import anchor_of, count_table_cells, markdown_view, parse_document

PAGE = """---
title: Working with “tables”
weight: 10
---

# Tables {#tables-id}

Intro see https://example.com/a_b. for more.

{{< highlight csharp >}}
Document doc = new Document();
{{< /highlight >}}

{{% alert color="primary" %}}
Inside *alert* {{< emoticons/tick >}}
{{% /alert %}}

{{< gist aspose-words-gists 8a4d Tables.java >}}

## Next

[text](https://a.com/x "t") and ![logo](img.png)
"""


def test_front_matter_is_loaded_with_key_lines_and_end_offset():
    doc = parse_document(PAGE)
    assert doc.front_matter.data == {"title": "Working with “tables”", "weight": 10}
    assert doc.front_matter.key_lines == {"title": 2, "weight": 3}
    assert doc.front_matter.end_line == 4
    assert PAGE[doc.front_matter.end_offset :].startswith("\n# Tables")


def test_headings_have_level_line_text_and_custom_anchor():
    doc = parse_document(PAGE)
    assert [(h.level, h.line, h.text, h.anchor) for h in doc.headings] == [
        (1, 6, "Tables", "tables-id"),
        (2, 20, "Next", "next"),
    ]


def test_highlight_shortcode_is_a_code_block_with_its_language_and_label_offsets():
    doc = parse_document(PAGE)
    [block] = doc.code_blocks
    assert (block.kind, block.language, block.start_line, block.end_line) == ("highlight", "csharp", 10, 12)
    assert block.content == "Document doc = new Document();\n"
    assert PAGE[block.label_start : block.label_end] == "csharp"
    assert PAGE[block.content_start :].startswith("Document doc")


def test_gist_shortcode_is_an_external_code_reference():
    doc = parse_document(PAGE)
    [gist] = doc.gists
    assert (gist.name, gist.line, gist.args) == ("gist", 18, "aspose-words-gists 8a4d Tables.java")


def test_prose_mask_excludes_front_matter_code_and_shortcode_only_lines():
    doc = parse_document(PAGE)
    not_prose = [number for number in range(1, len(doc.lines) + 1) if not doc.is_prose_line(number)]
    assert not_prose == [1, 2, 3, 4, 10, 11, 12, 14, 16, 18]


def test_markdown_view_masks_shortcodes_without_moving_anything():
    view = markdown_view(PAGE)
    assert len(view) == len(PAGE) and view.count("\n") == PAGE.count("\n")
    assert "{{" not in view and view.startswith("---\ntitle:")


def test_first_block_skips_html_comments():
    assert parse_document("<!-- note -->\n\n## Intro\n").first_block == ("h2", 3)
    assert parse_document("Text first.\n\n# Title\n").first_block == ("other", 1)


def test_inline_shortcode_is_not_text_of_the_container_line():
    doc = parse_document("# T\n\nDone {{< emoticons/tick >}} here.\n")
    assert doc.is_prose_line(3)
    assert doc.bare_urls == []


def test_links_and_images_keep_their_positions_and_url_start():
    doc = parse_document(PAGE)
    link, image = doc.links
    assert (link.text, link.url, link.line, link.column, link.kind) == ("text", "https://a.com/x", 22, 1, "inline")
    assert PAGE[link.url_start :].startswith("https://a.com/x")
    assert image.is_image and image.text == "logo" and image.column == 33


def test_bare_url_excludes_trailing_punctuation():
    doc = parse_document(PAGE)
    [(start, end, url)] = doc.bare_urls
    assert url == "https://example.com/a_b" and PAGE[start:end] == url


def test_positions_are_code_points_after_non_ascii_text():
    text = "# Ünïcödé “title”\n\nSee [ä](https://ü.example) — ok\n"
    doc = parse_document(text)
    [link] = doc.links
    assert (link.line, link.column) == (3, 5)
    assert text[link.start : link.end] == "[ä](https://ü.example)"


def test_fenced_code_without_language_offers_an_insertion_point():
    text = "# T\n\n```\nx = 1\n```\n"
    [block] = parse_document(text).code_blocks
    assert (block.kind, block.language, block.closed) == ("fence", None, True)
    assert block.label_start == block.label_end == text.index("```") + 3


def test_unclosed_fence_is_reported_as_not_closed():
    [block] = parse_document("# T\n\n```java\nx = 1;\n").code_blocks
    assert block.closed is False and block.language == "java"


def test_crlf_lines_have_no_carriage_returns_and_exact_offsets():
    text = "# Title\r\n\r\nText [a](b)\r\n"
    doc = parse_document(text)
    assert doc.lines == ["# Title", "", "Text [a](b)", ""]
    assert doc.links[0].line == 3 and text[doc.links[0].start : doc.links[0].end] == "[a](b)"


def test_bom_before_front_matter_is_accepted():
    doc = parse_document("\ufeff---\ntitle: T\n---\n# T\n")
    assert doc.front_matter.data == {"title": "T"} and doc.headings[0].line == 4


def test_front_matter_yaml_error_names_the_document_line():
    doc = parse_document("---\ntitle: ok\nbad: [unclosed\n---\n")
    assert doc.front_matter.data is None and doc.front_matter.error_line in (3, 4)


def test_yaml_bomb_is_refused_not_expanded():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(f"*{chr(97 + i)}" for _ in range(9)) + "]\n" for i in range(8)
    )
    doc = parse_document("---\n" + bomb + "---\n")
    assert doc.front_matter.data is None and "values" in doc.front_matter.error


def test_table_cells_are_counted_as_written():
    doc = parse_document("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| `x|y` | z |\n")
    [table] = doc.tables
    assert table.header_cells == 2 and table.row_cells == [(3, 3), (4, 3)]


def test_count_table_cells_ignores_escaped_and_outer_pipes_but_not_pipes_in_code():
    assert count_table_cells(r"a \| b | c") == 2
    assert count_table_cells("| a |") == 1
    assert count_table_cells("| `a|b` |") == 2


def test_reference_definitions_are_found_outside_blocks():
    doc = parse_document("Use [x][ref].\n\n[ref]: https://r.example\n\n    [no]: indented-code\n")
    assert [(d.label, d.url, d.line) for d in doc.reference_definitions] == [("ref", "https://r.example", 3)]


def test_paragraph_of_only_emphasis_is_recorded_as_an_md036_candidate():
    doc = parse_document("**Note**\n\n**Note:** text\n\n- **item**\n")
    assert doc.emphasis_paragraphs == [(1, 3, "Note")]


def test_anchor_follows_github_rules():
    assert anchor_of("Hello, World! (v2)") == "hello-world-v2"


def test_mid_line_highlight_in_a_table_cell_is_still_a_code_block():
    text = "| a | b |\n|---|---|\n| x | {{< highlight java >}}\nint x;\n{{< /highlight >}} |\n"
    doc = parse_document(text)
    assert [(b.kind, b.language, b.content) for b in doc.code_blocks] == [("highlight", "java", "int x;\n")]
    assert not doc.is_prose_line(4)


def test_tabs_containers_hold_markdown():
    text = '# T\n\n{{< tabs >}}\n{{< tab "Java" >}}\n\n## Save in Java\n\nSee [docs](https://d.example).\n\n{{< /tab >}}\n{{< /tabs >}}\n'
    doc = parse_document(text)
    assert [h.text for h in doc.headings] == ["T", "Save in Java"]
    assert [link.line for link in doc.links] == [8]
    assert [s.name for s in doc.shortcodes] == ["tabs", "tab", "tab", "tabs"]


def test_inline_shortcode_in_a_heading_is_not_part_of_its_text():
    doc = parse_document("# T\n\n## Supported {{< emoticons/tick >}}\n")
    assert doc.headings[1].text == "Supported" and doc.headings[1].anchor == "supported"
