"""markdownlint configuration as its users write it: config objects, files found upwards with
`extends`, `markdownlint-configure-file` comments, and inline switches relative to the config."""

import pytest

from chalicelib.engine.markdownlint_config import (
    MarkdownlintConfigError,
    MarkdownlintConfigFinder,
    parse_config_text,
    read_config_file,
)
from chalicelib.engine.validate import validate_document

TRAILING = "Trailing spaces.   \n"
BLANKS = "One.\n\n\n\nTwo.\n"


def lines(text: str, rule: str, config: dict | None = None) -> list[int]:
    report = validate_document(text, markdownlint_config=config)
    return [issue.line for issue in report.issues if issue.rule == rule]


def severities(text: str, rule: str, config: dict) -> set[str]:
    report = validate_document(text, markdownlint_config=config)
    return {issue.severity for issue in report.issues if issue.rule == rule}


# -- the config object ---------------------------------------------------------------------


def test_a_rule_switched_off_by_id_or_alias_in_any_case():
    assert lines("# T\n\n" + TRAILING, "MD009", {"md009": False}) == []
    assert lines("# T\n\n" + TRAILING, "MD009", {"No-Trailing-Spaces": False}) == []
    assert lines("# T\n\n" + TRAILING, "MD009", {}) == [3]


def test_params_are_read_by_markdownlint_name_and_unknown_keys_are_ignored():
    config = {"MD009": {"br_spaces": 3, "not_a_param": 1}, "MD999": False, "$schema": "x"}
    assert lines("# T\n\n" + TRAILING, "MD009", config) == []


def test_default_false_switches_every_markdownlint_rule_off_but_the_named_ones():
    text = "# T\n\n" + TRAILING + BLANKS
    assert lines(text, "MD009", {"default": False}) == []
    assert lines(text, "MD012", {"default": False, "MD012": True}) == [6, 7]


def test_explicit_levels_set_severity_and_plain_true_keeps_tbcvs():
    text = "# T\n\n" + TRAILING
    assert severities(text, "MD009", {"MD009": "error"}) == {"error"}
    assert severities(text, "MD009", {"MD009": {"severity": "error"}}) == {"error"}
    assert severities(text, "MD009", {"MD009": True}) == {"warning"}
    assert severities(text, "MD009", {"default": "warning"}) == {"warning"}
    assert lines(text, "MD009", {"MD009": {"enabled": False, "br_spaces": 3}}) == []


def test_markdownlint_config_never_touches_rules_of_other_categories():
    text = "Text.\n"
    assert lines(text, "FM002", {"default": False, "FM002": False}) == [1]


# -- inline comments -------------------------------------------------------------------------


def test_inline_enable_wakes_a_rule_the_config_switched_off_from_its_line_on():
    text = "# T\n\n" + TRAILING + "<!-- markdownlint-enable MD009 -->\n" + TRAILING
    assert lines(text, "MD009", {"MD009": False}) == [5]


def test_inline_enable_without_names_enables_every_rule():
    text = "# T\n\n" + TRAILING + "<!-- markdownlint-enable -->\n" + TRAILING
    assert lines(text, "MD009", {"default": False}) == [5]


def test_disable_file_applies_before_range_comments_wherever_it_is():
    text = "# T\n\n<!-- markdownlint-enable -->\n" + TRAILING + "<!-- markdownlint-disable-file MD009 -->\n"
    assert lines(text, "MD009") == [4]


def test_disable_line_and_next_line_only_switch_off():
    text = "# T\n\n" + TRAILING.rstrip("\n") + " <!-- markdownlint-disable-line MD009 -->  \n" + TRAILING
    assert lines(text, "MD009") == [4]
    text = "# T\n\n<!-- markdownlint-disable-next-line no-trailing-spaces -->\n" + TRAILING + TRAILING
    assert lines(text, "MD009") == [5]


def test_comments_in_front_matter_are_not_configuration():
    text = "---\ntitle: x <!-- markdownlint-disable-file -->\n---\n\n# T\n\n" + TRAILING
    assert lines(text, "MD009") == [7]


def test_configure_file_merges_over_the_files_config_with_later_comments_winning():
    text = (
        "# T\n\n"
        '<!-- markdownlint-configure-file { "MD009": false, "MD012": false } -->\n'
        + TRAILING
        + BLANKS
        + '<!-- markdownlint-configure-file\n{\n  "MD012": true // JSONC comments are allowed\n}\n-->\n'
    )
    assert lines(text, "MD009", {"MD009": True}) == []
    assert lines(text, "MD012") == [7, 8]


def test_configure_file_accepts_yaml():
    text = "# T\n\n<!-- markdownlint-configure-file\nMD009:\n  br_spaces: 3\n-->\n" + TRAILING
    assert lines(text, "MD009") == []


def test_a_malformed_configure_file_is_one_issue_at_its_line_and_configures_nothing():
    text = "# T\n\n" + TRAILING + '<!-- markdownlint-configure-file\n{\n  "MD009": false,\n  "MD012": [\n} -->\n'
    report = validate_document(text)
    problems = [issue for issue in report.issues if issue.rule == "CF001"]
    assert [issue.line for issue in problems] == [8]
    assert "not valid JSON" in problems[0].message
    assert [issue.line for issue in report.issues if issue.rule == "MD009"] == [3]


# -- files -----------------------------------------------------------------------------------


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_jsonc_and_yaml_config_text():
    assert parse_config_text('{\n // c\n "MD013": false,\n}', "f", yaml_syntax=False) == {"MD013": False}
    assert parse_config_text("MD013:\n  line_length: 100\n", "f", yaml_syntax=True) == {"MD013": {"line_length": 100}}
    assert parse_config_text("[1, 2]", "f", yaml_syntax=False) == {}


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (".markdownlint.json", '{\n  "MD013": false\n  "MD009": true\n}\n', 3),
        (".markdownlint.jsonc", "{\n  // fine\n  'MD013': ,\n}\n", 3),
        (".markdownlint.yaml", "MD013: false\nMD009: [unclosed\n", 3),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_and_line(tmp_path, name, text, line):
    path = write(tmp_path / name, text)
    with pytest.raises(MarkdownlintConfigError) as raised:
        read_config_file(path)
    assert raised.value.where == str(path) and raised.value.line == line
    assert str(path) in str(raised.value)


def test_extends_is_resolved_relative_to_the_file_and_the_extending_keys_win(tmp_path):
    write(tmp_path / "shared" / "base.yaml", "MD009: false\nMD012: false\n")
    path = write(tmp_path / ".markdownlint.json", '{"extends": "shared/base.yaml", "MD012": true}')
    assert read_config_file(path) == {"MD009": False, "MD012": True}


def test_an_extends_cycle_is_refused(tmp_path):
    write(tmp_path / "a.json", '{"extends": "b.json"}')
    write(tmp_path / "b.json", '{"extends": "a.json"}')
    with pytest.raises(MarkdownlintConfigError, match="cycle"):
        read_config_file(tmp_path / "a.json")


def test_finder_nearest_config_file_overrides_parents_and_stops_at_the_project_root(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path.parent / ".markdownlint.json", '{"MD001": false}')  # above the project: never read
    write(tmp_path / ".markdownlint.yaml", "MD009: false\n")
    write(tmp_path / "docs" / "deep" / ".markdownlint.jsonc", '{"MD012": false}')
    finder = MarkdownlintConfigFinder()
    assert finder.config_for(tmp_path / "docs" / "page.md") == {"MD009": False}
    assert finder.config_for(tmp_path / "docs" / "deep" / "page.md") == {"MD012": False}
    assert finder.config_for(tmp_path / "page.md") == {"MD009": False}


def test_finder_merges_cli2_options_config_objects_and_prefers_a_config_file_beside_them(tmp_path):
    (tmp_path / ".tbcv.yaml").write_text("", encoding="utf-8")
    write(tmp_path / ".markdownlint-cli2.jsonc", '{"config": {"MD009": false, "MD012": false}, "globs": ["**"]}')
    write(tmp_path / "docs" / ".markdownlint-cli2.yaml", "config:\n  MD012: true\n")
    write(tmp_path / "other" / ".markdownlint-cli2.yaml", "config:\n  MD012: true\n")
    write(tmp_path / "other" / ".markdownlint.json", '{"MD041": false}')
    finder = MarkdownlintConfigFinder()
    assert finder.config_for(tmp_path / "docs" / "page.md") == {"MD009": False, "MD012": True}
    assert finder.config_for(tmp_path / "other" / "page.md") == {"MD041": False}


def test_finder_without_any_file_gives_none(tmp_path):
    (tmp_path / ".git").mkdir()
    assert MarkdownlintConfigFinder().config_for(tmp_path / "page.md") is None


def test_markdownlint_tags_and_second_aliases_name_rules_in_config_and_comments():
    text = "# T\n\n" + TRAILING + BLANKS
    assert lines(text, "MD009", {"whitespace": False}) == [] and lines(text, "MD012", {"whitespace": False}) == []
    assert lines("Text.\n", "MD041", {"first-line-h1": False}) == []
    commented = "# T\n\n<!-- markdownlint-disable whitespace -->\n" + TRAILING + BLANKS
    assert lines(commented, "MD009") == [] and lines(commented, "MD012") == []
