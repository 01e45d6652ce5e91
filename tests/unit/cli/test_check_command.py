"""`tbcv check`: files and folders, exit codes, unreadable files, project config, output, jobs."""

import json
from pathlib import Path

import pytest

from tbcv_cli.main import main

GOOD_PAGE = """---
title: Convert a Document to PDF in Java
description: Learn how to convert a Word document to PDF in Java with a few lines of code and the right save options.
---

This article shows how to load a Word document and save it as a PDF file
with the default options.

## Load and Save the Document

Load the document from a file, then call the save method with a file name
that ends in pdf.

```java
Document doc = new Document("Input.docx");
doc.save("Output.pdf");
```

The output file keeps the layout, fonts and images of the original document.
"""


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "docs"
    (folder / "guide").mkdir(parents=True)
    (folder / "b.md").write_text(GOOD_PAGE, encoding="utf-8")
    (folder / "guide" / "a.md").write_text(GOOD_PAGE, encoding="utf-8")
    (folder / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    return folder


def test_a_path_that_does_not_exist_exits_2_with_one_line_on_stderr(docs, capsys):
    code, out, err = run(capsys, "check", "docs/missing.md")
    assert code == 2 and out == ""
    assert err == "tbcv: error: path does not exist: docs/missing.md\n"


def test_an_unknown_option_exits_2_with_one_line_and_no_traceback(docs, capsys):
    code, _, err = run(capsys, "check", "docs", "--bogus")
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_an_unknown_format_is_a_usage_error(docs, capsys):
    code, _, err = run(capsys, "check", "docs", "--format", "yaml")
    assert code == 2 and "--format" in err


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--jobs", "0", "greater than or equal to 1"), ("--fail-on", "info", "'error', 'warning'")],
)
def test_the_options_choices_and_bounds_are_usage_errors_naming_the_option(docs, capsys, option, value, named):
    code, out, err = run(capsys, "check", "docs", option, value)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert option in err and named in err


def test_a_folder_is_searched_recursively_for_markdown_files_sorted_by_path(docs, capsys):
    _, out, _ = run(capsys, "check", "docs", "--format", "json", "--jobs", "1")
    assert [f["path"] for f in json.loads(out)["files"]] == ["docs/b.md", "docs/guide/a.md"]


def test_a_well_formed_page_passes_with_exit_0(docs, capsys):
    code, out, _ = run(capsys, "check", "docs/b.md", "--format", "json")
    assert json.loads(out)["files"][0]["issues"] == []
    assert code == 0


def test_a_file_named_on_the_command_line_is_checked_whatever_its_extension(docs, capsys):
    _, out, _ = run(capsys, "check", "docs/notes.txt", "--format", "json")
    assert [f["path"] for f in json.loads(out)["files"]] == ["docs/notes.txt"]


def test_a_non_utf8_file_is_one_error_issue_at_line_1_column_1(docs, capsys):
    (docs / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    code, out, _ = run(capsys, "check", "docs/latin1.md", "--format", "json")
    issues = json.loads(out)["files"][0]["issues"]
    assert [(i["rule"], i["severity"], i["line"], i["column"]) for i in issues] == [("IO001", "error", 1, 1)]
    assert code == 1


def test_a_binary_file_is_reported_not_crashed_on(docs, capsys):
    (docs / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out, _ = run(capsys, "check", "docs/image.md")
    assert out.startswith("docs/image.md:1:1 IO001/unreadable-file File is binary")
    assert code == 1


def test_exclude_globs_skip_matching_files_at_any_depth(docs, capsys):
    _, out, _ = run(capsys, "check", "docs", "--format", "json", "--exclude", "guide/*")
    assert [f["path"] for f in json.loads(out)["files"]] == ["docs/b.md"]


def test_project_config_is_found_from_the_working_directory_upwards(docs, capsys, monkeypatch):
    (docs.parent / ".tbcv.yaml").write_text("exclude: ['b.md']\n", encoding="utf-8")
    monkeypatch.chdir(docs / "guide")
    _, out, _ = run(capsys, "check", "..", "--format", "json")
    assert [f["path"] for f in json.loads(out)["files"]] == ["../guide/a.md"]


def test_an_explicit_config_file_is_used_instead_of_the_nearest_one(docs, capsys):
    (docs.parent / ".tbcv.yaml").write_text("exclude: ['b.md']\n", encoding="utf-8")
    (docs.parent / "other.yaml").write_text("exclude: ['a.md']\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs", "--format", "json", "--config", "other.yaml")
    assert [f["path"] for f in json.loads(out)["files"]] == ["docs/b.md"]


def test_an_invalid_project_config_is_a_usage_error_naming_the_file(docs, capsys):
    (docs.parent / ".tbcv.yaml").write_text("rules:\n  MD009: loud\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "docs")
    assert code == 2
    assert ".tbcv.yaml: rules.MD009" in err and len(err.splitlines()) == 1


def test_output_option_writes_the_report_to_a_file(docs, capsys):
    code, out, _ = run(capsys, "check", "docs", "--format", "json", "--output", "report.json")
    assert out == ""
    assert json.loads(Path("report.json").read_text())["schema"] == "tbcv.report/1"


def test_the_report_is_identical_with_one_job_and_with_two(docs, capsys):
    for index in range(6):
        (docs / f"page{index}.md").write_text(GOOD_PAGE.replace("\n\n", "  \n\n", index), encoding="utf-8")
    _, one, _ = run(capsys, "check", "docs", "--format", "json", "--jobs", "1")
    _, two, _ = run(capsys, "check", "docs", "--format", "json", "--jobs", "2")
    assert one == two


def test_project_config_rule_levels_reach_the_engine(docs, capsys):
    (docs / "b.md").write_text(GOOD_PAGE.replace("default options.", "default options. "), encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs/b.md", "--format", "json")
    assert any(i["rule"] == "MD009" for i in json.loads(out)["files"][0]["issues"])
    (docs.parent / ".tbcv.yaml").write_text("rules:\n  no-trailing-spaces: off\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs/b.md", "--format", "json")
    assert not any(i["rule"] == "MD009" for i in json.loads(out)["files"][0]["issues"])


def test_project_config_params_reach_the_engine(docs, capsys):
    (docs.parent / ".tbcv.yaml").write_text("rules:\n  FM007: {params: {min_length: 60}}\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs/b.md", "--format", "json")
    assert [i["rule"] for i in json.loads(out)["files"][0]["issues"]] == ["FM007"]


def test_an_unknown_rule_in_the_project_config_is_a_usage_error(docs, capsys):
    (docs.parent / ".tbcv.yaml").write_text("rules:\n  MD999: off\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "docs")
    assert code == 2 and "MD999" in err and len(err.splitlines()) == 1


def test_an_unknown_profile_is_a_usage_error(docs, capsys):
    code, _, err = run(capsys, "check", "docs", "--profile", "lenient")
    assert code == 2 and "lenient" in err


def test_warnings_pass_unless_fail_on_warning(docs, capsys):
    (docs / "b.md").write_text(GOOD_PAGE.replace("default options.", "default options. "), encoding="utf-8")
    assert run(capsys, "check", "docs/b.md")[0] == 0
    assert run(capsys, "check", "docs/b.md", "--fail-on", "warning")[0] == 1


FIXABLE_PAGE = """---
title: Convert a Document to PDF in Java
---

This article shows how to load a Word document and save it as a PDF file with the default options. 

{{< highlight csharp >}}
Document doc = new Document(dataDir + "Input.docx");
doc.getFirstSection().getBody().getFirstParagraph();
doc.save(dataDir + "Output.pdf");
{{< /highlight >}}

The output file keeps the layout, fonts and images of the original document.
"""


def test_fix_applies_the_fixable_edits_in_place_and_reports_them(docs, capsys):
    page = docs / "fix.md"
    page.write_text(FIXABLE_PAGE, encoding="utf-8")
    code, out, err = run(capsys, "check", "docs/fix.md", "--fix", "--format", "json")
    text = page.read_text(encoding="utf-8")
    assert "{{< highlight java >}}" in text and "default options.\n" in text and "description:" in text
    assert err.startswith("docs/fix.md: fixed ")
    assert not any(i["fixable"] for i in json.loads(out)["files"][0]["issues"])


def test_fix_run_twice_changes_nothing_more(docs, capsys):
    page = docs / "fix.md"
    page.write_text(FIXABLE_PAGE, encoding="utf-8")
    run(capsys, "check", "docs/fix.md", "--fix")
    once = page.read_bytes()
    _, _, err = run(capsys, "check", "docs/fix.md", "--fix")
    assert page.read_bytes() == once and err == ""


def test_fix_keeps_crlf_line_endings_and_the_bom(docs, capsys):
    page = docs / "fix.md"
    page.write_bytes(("\ufeff" + FIXABLE_PAGE.replace("\n", "\r\n")).encode("utf-8"))
    run(capsys, "check", "docs/fix.md", "--fix")
    data = page.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"{{< highlight java >}}" in data


def test_without_fix_files_are_never_written(docs, capsys):
    page = docs / "fix.md"
    page.write_text(FIXABLE_PAGE, encoding="utf-8")
    run(capsys, "check", "docs/fix.md")
    assert page.read_text(encoding="utf-8") == FIXABLE_PAGE


def test_relative_links_are_resolved_against_the_files_checked(docs, capsys):
    (docs / "images").mkdir()
    (docs / "images" / "dialog.png").write_bytes(b"png")
    page = GOOD_PAGE + "\nSee [the guide](guide/a.md), ![dialog](images/dialog.png) and [old](guide/old.md).\n"
    (docs / "b.md").write_text(page, encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs", "--format", "json")
    issues = json.loads(out)["files"][0]["issues"]
    assert [i["message"] for i in issues if i["rule"] == "LK007"] == [
        "Relative link target 'guide/old.md' is not in the docs set"
    ]


def test_an_empty_file_and_a_front_matter_only_file_get_normal_reports(docs, capsys):
    (docs / "empty.md").write_text("", encoding="utf-8")
    (docs / "only-front-matter.md").write_text("---\ntitle: Only Front Matter Here\n---\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "docs/empty.md", "docs/only-front-matter.md", "--format", "json")
    assert [f["path"] for f in json.loads(out)["files"]] == ["docs/empty.md", "docs/only-front-matter.md"]
    assert code in (0, 1) and "Traceback" not in err


def test_sarif_output_of_a_folder_validates_against_the_vendored_schema(docs, capsys):
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[3] / "schemas" / "sarif-schema-2.1.0.json").read_text())
    (docs / "fix.md").write_text(FIXABLE_PAGE, encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs", "--format", "sarif")
    jsonschema.Draft4Validator(schema).validate(json.loads(out))


def test_junit_output_has_a_suite_per_file(docs, capsys):
    from xml.etree import ElementTree

    _, out, _ = run(capsys, "check", "docs", "--format", "junit")
    assert [s.get("name") for s in ElementTree.fromstring(out).findall("testsuite")] == ["docs/b.md", "docs/guide/a.md"]


def test_a_utf16_file_is_reported_as_such(docs, capsys):
    (docs / "utf16.md").write_bytes("# Title\n".encode("utf-16"))
    _, out, _ = run(capsys, "check", "docs/utf16.md")
    assert out == "docs/utf16.md:1:1 IO001/unreadable-file File is UTF-16 text; save it as UTF-8\n"


def test_the_cli_offers_exactly_the_engine_report_formats():
    from chalicelib.engine.report import FORMATS
    from tbcv_cli.check import FORMATS as CLI_FORMATS

    assert CLI_FORMATS == FORMATS


def test_an_unknown_family_is_a_usage_error_listing_the_known_ones(docs, capsys):
    code, out, err = run(capsys, "check", "docs", "--family", "wordz")
    assert code == 2 and out == ""
    assert err == "tbcv: error: unknown family 'wordz'; known families: cells, pdf, slides, words\n"
