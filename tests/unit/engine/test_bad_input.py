"""Hostile or broken pages give a normal report or one clear issue: never an exception, never
a hang. Hangs are guarded by a generous thread timeout, not by speed assertions."""

import random
import threading

from chalicelib.engine.model import Report
from chalicelib.engine.validate import RULE_FAILED, validate_document

GENEROUS_SECONDS = 300

YAML_BOMB = (
    "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\n# Title\n"
)


def validate_within_limit(text: str) -> Report:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["report"] = validate_document(text)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(GENEROUS_SECONDS)
    assert not worker.is_alive(), "validation did not finish"
    assert "error" not in outcome, repr(outcome.get("error"))
    report = outcome["report"]
    assert not [issue for issue in report.issues if issue.message.startswith(RULE_FAILED)]
    return report


def rules_of(report: Report) -> set[str]:
    return {issue.rule for issue in report.issues}


def test_binary_junk_decoded_with_replacement_characters():
    junk = random.Random(7).randbytes(200_000).decode("utf-8", errors="replace")
    validate_within_limit(junk)


def test_text_with_nul_and_control_characters():
    validate_within_limit("# Title\n\n\x00\x01\x02 text \x1b[31m red \x7f\n")


def test_ten_megabyte_page():
    paragraph = "Save the document with https://example.com/x and `code` and [a link](page.md).   \n\n"
    report = validate_within_limit("# Title\n\n" + paragraph * (10_000_000 // len(paragraph)))
    assert "MD009" in rules_of(report)


def test_yaml_bomb_in_front_matter_is_one_clear_front_matter_issue():
    report = validate_within_limit(YAML_BOMB)
    [issue] = [issue for issue in report.issues if issue.rule == "FM001"]
    assert "values" in issue.message or "aliases" in issue.message


def test_deeply_nested_yaml_is_one_clear_front_matter_issue():
    report = validate_within_limit("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n# Title\n")
    assert "FM001" in rules_of(report)


def test_ten_thousand_nested_list_levels():
    validate_within_limit("# Title\n\n" + "- " * 10_000 + "item\n")


def test_ten_thousand_nested_quotes_and_brackets():
    validate_within_limit("# Title\n\n" + "> " * 10_000 + "[" * 10_000 + "quote\n")


def test_page_that_is_only_front_matter():
    report = validate_within_limit("---\ntitle: Only front matter here\n---\n")
    assert report.content_sha256


def test_unclosed_front_matter_is_a_clear_issue():
    report = validate_within_limit("---\ntitle: Never closed\n\n# Title\n")
    assert "FM001" in rules_of(report)


def test_empty_page():
    report = validate_within_limit("")
    assert all(issue.line == 1 for issue in report.issues)


def test_crlf_page_reports_the_same_lines_as_lf():
    lf = "# Title\n\nTrailing   \n\n\n\nText https://example.com/x\n"
    crlf = lf.replace("\n", "\r\n")
    keys = [(issue.rule, issue.line, issue.column) for issue in validate_within_limit(lf).issues]
    assert [(issue.rule, issue.line, issue.column) for issue in validate_within_limit(crlf).issues] == keys


def test_bom_page_keeps_front_matter_and_positions():
    report = validate_within_limit("\ufeff---\ntitle: A page with a byte order mark\n---\n\nText   \n")
    assert "FM001" not in rules_of(report)
    assert [issue.line for issue in report.issues if issue.rule == "MD009"] == [5]


def test_many_unmatched_shortcode_openers():
    validate_within_limit("# Title\n\n" + "{{< " * 50_000)
