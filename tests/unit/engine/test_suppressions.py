"""Inline suppression comments switch rules off for a line, a range or the whole file."""

from chalicelib.engine.validate import validate_document

TRAILING = "Trailing spaces.   \n"


def rule_lines(text: str, rule: str) -> list[int]:
    return [issue.line for issue in validate_document(text).issues if issue.rule == rule]


def test_tbcv_disable_and_enable_bound_a_range_by_id():
    text = "# T\n\n<!-- tbcv-disable MD009 -->\n" + TRAILING + "<!-- tbcv-enable MD009 -->\n" + TRAILING
    assert rule_lines(text, "MD009") == [6]


def test_tbcv_disable_names_rules_by_alias():
    text = "# T\n\n<!-- tbcv-disable no-trailing-spaces -->\n" + TRAILING
    assert rule_lines(text, "MD009") == []


def test_tbcv_disable_without_rules_disables_every_rule():
    text = "# T\n\n<!-- tbcv-disable -->\n" + TRAILING + "See https://bare.example/url\n"
    issues = [issue for issue in validate_document(text).issues if issue.line >= 3]
    assert issues == []


def test_tbcv_disable_next_line_covers_only_the_next_line():
    text = "# T\n\n<!-- tbcv-disable-next-line MD009 -->\n" + TRAILING + TRAILING
    assert rule_lines(text, "MD009") == [5]


def test_tbcv_disable_line_covers_its_own_line():
    text = "# T\n\nhttps://bare.example/one <!-- tbcv-disable-line MD034 -->\n\nhttps://bare.example/two\n"
    assert rule_lines(text, "MD034") == [5]


def test_tbcv_disable_file_covers_lines_before_the_comment_too():
    text = "# T\n\n" + TRAILING + "\n<!-- tbcv-disable-file MD009 -->\n"
    assert rule_lines(text, "MD009") == []


def test_tbcv_disable_reaches_rules_of_other_categories():
    text = "---\ntitle: Short\n---\n<!-- tbcv-disable-file FM007 -->\n\nText.\n"
    assert rule_lines(text, "FM007") == [] and rule_lines(text.replace("<!-- tbcv-disable-file FM007 -->", ""), "FM007")


def test_tbcv_comment_inside_a_code_block_is_code_not_a_suppression():
    text = "# T\n\n```html\n<!-- tbcv-disable-file MD009 -->\n```\n\n" + TRAILING
    assert rule_lines(text, "MD009") == [7]


def test_markdownlint_comments_suppress_md_rules():
    text = "# T\n\n<!-- markdownlint-disable MD009 -->\n" + TRAILING + "<!-- markdownlint-enable MD009 -->\n" + TRAILING
    assert rule_lines(text, "MD009") == [6]


def test_markdownlint_comments_do_not_suppress_other_categories():
    text = "---\ntitle: Short\n---\n<!-- markdownlint-disable-file -->\n\nText.   \n"
    assert rule_lines(text, "MD009") == [] and rule_lines(text, "FM007") == [2]


def test_markdownlint_capture_and_restore_return_to_the_captured_state():
    text = (
        "# T\n\n<!-- markdownlint-capture -->\n<!-- markdownlint-disable -->\n"
        + TRAILING
        + "<!-- markdownlint-restore -->\n"
        + TRAILING
    )
    assert rule_lines(text, "MD009") == [7]
