"""Front matter rules FM001-FM010: each fires on realistic pages and stays quiet on a near miss."""

from rule_findings import findings, fixed

PAGE = """---
title: Convert a Document to PDF in Java
description: Learn how to convert a Word document to PDF in Java with Aspose.Words and save options.
tags: [pdf, conversion]
date: 2024-01-27
---

Body text.
"""


def test_fm001_fires_on_yaml_that_does_not_load():
    result = findings("FM001", "---\ntitle: [unclosed\n---\n\nText.\n")
    assert len(result) == 1 and result[0].message.startswith("Front matter is not valid YAML")


def test_fm001_fires_on_front_matter_that_is_not_a_mapping():
    assert "not a mapping" in findings("FM001", "---\n- a\n- b\n---\n\nText.\n")[0].message


def test_fm001_is_quiet_on_valid_front_matter():
    assert findings("FM001", PAGE) == []


def test_fm002_fires_when_the_title_is_missing():
    result = findings("FM002", "---\nweight: 10\n---\n\nText.\n")
    assert [f.message for f in result] == ["Front matter has no 'title'"]


def test_fm002_fires_on_an_empty_title():
    assert len(findings("FM002", "---\ntitle: ''\n---\n\nText.\n")) == 1


def test_fm002_is_quiet_when_the_title_is_present():
    assert findings("FM002", PAGE) == []


def test_fm002_does_not_pile_onto_unreadable_yaml():
    assert findings("FM002", "---\ntitle: [unclosed\n---\n\nText.\n") == []


def test_fm002_fix_adds_the_title_from_the_h1_before_the_closing_fence():
    text = "---\nweight: 10\n---\n\n# Convert to PDF\n\nText.\n"
    assert fixed("FM002", text) == '---\nweight: 10\ntitle: "Convert to PDF"\n---\n\n# Convert to PDF\n\nText.\n'


def test_fm002_fix_creates_front_matter_when_there_is_none_keeping_crlf():
    text = "# Convert to PDF\r\n\r\nText.\r\n"
    assert fixed("FM002", text) == '---\r\ntitle: "Convert to PDF"\r\n---\r\n# Convert to PDF\r\n\r\nText.\r\n'


def test_fm002_fix_fills_an_empty_title_in_place():
    text = "---\ntitle:\nweight: 1\n---\n\n# Convert to PDF\n"
    assert fixed("FM002", text) == '---\ntitle: "Convert to PDF"\nweight: 1\n---\n\n# Convert to PDF\n'


def test_fm002_offers_no_fix_without_an_h1():
    assert findings("FM002", "---\nweight: 10\n---\n\nText.\n")[0].fix is None


def test_fm002_fields_come_from_params():
    assert [f.message for f in findings("FM002", PAGE, fields=("title", "author"))] == ["Front matter has no 'author'"]


def test_fm003_fires_when_the_description_is_missing_and_fixes_with_a_marked_placeholder():
    text = "---\ntitle: Convert a Document to PDF\n---\n\nText.\n"
    assert len(findings("FM003", text)) == 1
    assert 'description: "TODO: describe this page' in fixed("FM003", text)


def test_fm003_is_quiet_when_the_description_is_present():
    assert findings("FM003", PAGE) == []


def test_fm004_fires_on_a_numeric_title():
    result = findings("FM004", "---\ntitle: 2024\n---\n\nText.\n", non_editable=())
    assert result[0].message == "Front matter 'title' should be text, not a number"


def test_fm004_fix_quotes_the_value():
    assert fixed("FM004", "---\ndescription: 2024\n---\n\nText.\n") == '---\ndescription: "2024"\n---\n\nText.\n'


def test_fm004_never_fixes_a_non_editable_field():
    assert findings("FM004", "---\ntitle: 2024\n---\n\nText.\n")[0].fix is None


def test_fm004_is_quiet_on_a_quoted_number():
    assert findings("FM004", '---\ntitle: "2024"\n---\n\nText.\n') == []


def test_fm005_fires_on_comma_separated_keywords():
    result = findings("FM005", "---\nkeywords: mail merge, regions\n---\n\nText.\n")
    assert result[0].message == "Front matter 'keywords' should be a list, not a string"
    assert result[0].line == 2


def test_fm005_is_quiet_on_a_list():
    assert findings("FM005", PAGE) == []


def test_fm006_fires_on_a_non_iso_date():
    assert len(findings("FM006", "---\ndate: 27/01/2024\n---\n\nText.\n")) == 1


def test_fm006_accepts_iso_dates_and_datetimes_written_as_strings():
    assert findings("FM006", "---\ndate: '2024-01-27T14:07:04Z'\nlastmod: 2024-02-01\n---\n\nText.\n") == []


def test_fm007_fires_on_a_short_title():
    assert (
        findings("FM007", "---\ntitle: Jython\n---\n\nText.\n")[0].message
        == "Front matter 'title' is 6 characters long (min 10)"
    )


def test_fm007_fires_on_a_title_over_the_strict_limit_when_configured():
    text = "---\ntitle: Convert Word Documents to PDF, XPS and Images with Aspose.Words for Java\n---\n"
    assert findings("FM007", text) == []
    assert len(findings("FM007", text, max_length=70)) == 1


def test_fm008_fires_on_a_long_description():
    text = "---\ndescription: " + "Convert documents between formats with Aspose.Words. " * 4 + "\n---\n"
    assert "(max 160)" in findings("FM008", text)[0].message


def test_fm008_is_quiet_on_a_description_of_search_result_length():
    assert findings("FM008", PAGE) == []


def test_fm009_fires_on_a_forbidden_field():
    assert findings("FM009", "---\ntitle: Page title here\ndraft: true\n---\n", fields=("draft",))[0].line == 3


def test_fm009_is_quiet_with_no_forbidden_fields_configured():
    assert findings("FM009", "---\ntitle: Page title here\ndraft: true\n---\n") == []


def test_fm010_fires_on_a_misspelt_field():
    assert (
        findings("FM010", "---\ntitle: Page title here\ndescripton: Text\n---\n")[0].message
        == "Unknown front matter field 'descripton'"
    )


def test_fm010_is_quiet_on_hugo_and_site_fields():
    text = "---\ntitle: A page title\nsecond_title: Aspose.Words for Java\nurl: /java/a/\nweight: 10\n---\n"
    assert findings("FM010", text) == []


def test_applying_the_front_matter_fixes_removes_their_issues():
    cases = [
        ("FM002", "---\nweight: 10\n---\n\n# Convert to PDF\n\nText.\n"),
        ("FM003", "---\ntitle: Convert a Document to PDF\n---\n\nText.\n"),
        ("FM004", "---\ndescription: 2024\n---\n\nText.\n"),
    ]
    for rule_id, text in cases:
        assert findings(rule_id, text) and findings(rule_id, fixed(rule_id, text)) == [], rule_id


def test_fm004_fix_keeps_a_trailing_comment():
    assert (
        fixed("FM004", "---\ndescription: 2024  # the year\n---\n\nText.\n")
        == '---\ndescription: "2024"  # the year\n---\n\nText.\n'
    )
