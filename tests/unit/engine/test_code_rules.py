"""Code rules CD001-CD009 on fenced and Hugo highlight blocks."""

from rule_findings import findings, fixed

from chalicelib.engine.rules.code import SECRET_MASK, detect_language, mask_secrets

JAVA = """Document doc = new Document(dataDir + "Input.docx");
DocumentBuilder builder = new DocumentBuilder(doc);
builder.getFont().setSize(16);
doc.save(dataDir + "Output.pdf");
"""
CSHARP = """using Aspose.Words;

Document doc = new Document(MyDir + "Input.docx");
DocumentBuilder builder = new DocumentBuilder(doc);
builder.Font.Size = 16;
doc.Save(ArtifactsDir + "Output.pdf");
Console.WriteLine("Done");
"""


def highlight(label, code):
    return f"Intro text.\n\n{{{{< highlight {label} >}}}}\n{code}{{{{< /highlight >}}}}\n"


def test_cd001_fires_on_a_highlight_without_language_and_fixes_with_the_detected_one():
    text = "Intro.\n\n{{< highlight >}}\n" + JAVA + "{{< /highlight >}}\n"
    assert findings("CD001", text)[0].line == 3
    assert fixed("CD001", text).startswith("Intro.\n\n{{< highlight java >}}\n")


def test_cd001_is_quiet_on_a_labelled_highlight_and_leaves_fences_to_md040():
    assert findings("CD001", highlight("java", JAVA)) == []
    assert findings("CD001", "```\n" + JAVA + "```\n") == []


def test_cd002_fires_on_an_unknown_label():
    result = findings("CD002", "```jvaa\n" + JAVA + "```\n")
    assert (result[0].message, result[0].line, result[0].column) == ("Unknown code language 'jvaa'", 1, 4)


def test_cd002_is_quiet_on_known_labels():
    assert (
        findings("CD002", highlight("java", JAVA) + highlight("actionscript3", "sudo apt-get install tomcat8\n")) == []
    )


def test_cd003_fires_on_java_labelled_csharp_as_on_the_real_pages():
    result = findings("CD003", highlight("csharp", JAVA))
    assert result[0].message == "Code is labelled 'csharp' but looks like java"
    assert (result[0].line, result[0].column) == (3, 15)


def test_cd003_fix_relabels_the_block():
    assert fixed("CD003", highlight("csharp", JAVA)).startswith("Intro text.\n\n{{< highlight java >}}\n")


def test_cd003_fix_relabels_a_fence():
    assert fixed("CD003", "```cs\n" + JAVA + "```\n").startswith("```java\n")


def test_cd003_fires_on_python_labelled_ruby():
    code = "from com.aspose.words import Document\nclass Convert:\n    def __init__(self):\n        doc = Document()\n"
    assert "looks like python" in findings("CD003", highlight("ruby", code))[0].message


def test_cd003_is_quiet_on_real_csharp():
    assert findings("CD003", highlight("csharp", CSHARP)) == []


def test_cd003_is_quiet_on_a_one_line_snippet_too_short_to_judge():
    assert findings("CD003", highlight("csharp", "SystemFontSource().getAvailableFonts()\n")) == []


def test_cd003_is_quiet_on_neutral_labels():
    assert findings("CD003", highlight("text", JAVA)) == []


def test_detect_language_tells_java_from_csharp():
    assert detect_language(JAVA)[0] == "java"
    assert detect_language(CSHARP)[0] == "csharp"


def test_cd004_fires_on_an_empty_block():
    assert findings("CD004", "Text.\n\n```java\n\n```\n")[0].line == 3


def test_cd004_is_quiet_on_a_block_with_code():
    assert findings("CD004", "```java\n" + JAVA + "```\n") == []


def test_cd005_fires_over_the_line_limit_set_for_a_family():
    code = "doc.save(out);\n" * 51
    assert (
        findings("CD005", "```java\n" + code + "```\n", max_lines=50)[0].message == "Code block has 51 lines (max 50)"
    )


def test_cd005_is_quiet_at_the_limit():
    assert findings("CD005", "```java\n" + "doc.save(out);\n" * 50 + "```\n", max_lines=50) == []


def test_cd006_fires_on_a_windows_path_in_a_string_literal():
    text = highlight("java", 'FontSettings.getDefaultInstance().setFontsFolder("C:\\\\MyFonts\\\\", true);\n')
    result = findings("CD006", text)
    assert (result[0].line, result[0].column) == (4, 51)


def test_cd006_fires_on_a_home_folder():
    assert len(findings("CD006", highlight("java", 'fontSettings.setFontsFolder("/home/user/MyFonts", true);\n'))) == 1


def test_cd006_reports_a_block_once():
    code = 'new Document("C:\\\\a.docx");\nnew Document("C:\\\\b.docx");\n'
    assert len(findings("CD006", highlight("java", code))) == 1


def test_cd006_accepts_the_your_dir_placeholder_convention():
    assert findings("CD006", highlight("java", 'String dataDir = "C:\\\\YOUR DIR\\\\";\n')) == []


def test_cd006_is_quiet_on_folder_variables():
    assert findings("CD006", highlight("java", JAVA)) == []


def test_cd007_fires_on_an_api_key_and_never_shows_it():
    text = highlight("java", 'String apiKey = "9f8e7d6c5b4a39281706";\nclient.connect(apiKey);\n')
    result = findings("CD007", text)
    assert len(result) == 1
    assert "9f8e7d6c5b4a39281706" not in result[0].message + result[0].context
    assert result[0].context == f'String apiKey = "{SECRET_MASK}";'


def test_cd007_fires_on_a_password_passed_to_a_setter():
    assert len(findings("CD007", highlight("java", 'options.setPassword("Tr0ub4dor&3");\n'))) == 1


def test_cd007_records_the_values_for_masking_elsewhere():
    memo = {}
    findings("CD007", highlight("java", 'String token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";\n'), memo=memo)
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" in memo["secret_values"]


def test_cd007_accepts_obvious_stand_ins():
    code = 'options.setPassword("password");\nString apiKey = "YOUR_API_KEY";\nString token = "<token>";\n'
    assert findings("CD007", highlight("java", code)) == []


def test_mask_secrets_masks_every_value_found():
    assert (
        mask_secrets('pwd = "hunter2hunter2"; key = AKIAABCDEFGHIJKLMNOP')
        == f'pwd = "{SECRET_MASK}"; key = {SECRET_MASK}'
    )


def test_cd008_fires_on_a_todo_comment():
    result = findings("CD008", highlight("java", "// TODO: handle errors\ndoc.save(out);\n"))
    assert (result[0].line, result[0].column, result[0].message) == (4, 4, "Placeholder comment 'TODO' in code")


def test_cd008_is_quiet_on_a_todo_outside_comments():
    assert findings("CD008", highlight("java", 'String todo = "TODO list";\n')) == []


def test_cd009_fires_on_long_inline_code():
    text = "Call `doc.getFirstSection().getBody().getFirstParagraph().getRuns().get(0).getFont().getName()` first.\n"
    assert findings("CD009", text)[0].column == 6


def test_cd009_is_quiet_on_short_inline_code():
    assert findings("CD009", 'Call `doc.save("Out.pdf")` to save.\n') == []


def test_gists_are_never_checked_as_code():
    text = 'Text.\n\n{{< gist "aspose-words-gists" "abc" "Examples-TODO.java" >}}\n'
    assert all(findings(rule, text) == [] for rule in ("CD001", "CD004", "CD006", "CD007", "CD008"))


def test_cd007_reports_a_token_in_an_assignment_once():
    text = highlight("java", 'String token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";\n')
    assert len(findings("CD007", text)) == 1


def test_cd007_names_the_kind_of_secret():
    result = findings("CD007", highlight("java", 'options.setPassword("Tr0ub4dor&3");\n'))
    assert result[0].message == f"Possible password in code: {SECRET_MASK}"


def test_applying_the_code_fixes_removes_their_issues():
    cases = [
        ("CD001", "Intro.\n\n{{< highlight >}}\n" + JAVA + "{{< /highlight >}}\n"),
        ("CD003", highlight("csharp", JAVA)),
        ("CD003", "```cs\n" + JAVA + "```\n"),
    ]
    for rule_id, text in cases:
        assert findings(rule_id, text) and findings(rule_id, fixed(rule_id, text)) == [], rule_id


def test_cd006_accepts_an_underscore_wrapped_user_name_placeholder():
    assert findings("CD006", highlight("bash", "export PYTHONPATH=/home/_username_/.local/lib\n")) == []


def _within(seconds, function):
    """Run `function` in a thread; a hang fails the test after a generous timeout."""
    import threading

    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("value", function()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert "value" in outcome, f"did not finish within {seconds} s"
    return outcome["value"]


def test_code_rules_stay_linear_on_a_huge_one_line_block():
    line = "'// " * 50_000 + "passwordpassword" * 20_000 + ' "C:\\\\YOUR DIR\\\\x"' * 5_000 + " TODO"
    text = highlight("java", line + "\n")
    for rule_id in ("CD003", "CD006", "CD007", "CD008"):
        _within(120, lambda rule_id=rule_id: findings(rule_id, text))


def test_cd008_honours_custom_markers():
    assert (
        findings("CD008", highlight("java", "// TBD: explain\n"), markers=("TBD",))[0].message
        == "Placeholder comment 'TBD' in code"
    )
