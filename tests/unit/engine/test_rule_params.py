"""Typed rule params: each rule's params model holds its defaults, and a value a rule cannot use
is an error naming the rule and the param when the configuration loads (profiles, families,
`.tbcv.yaml`, `.markdownlint*` files), a CF001 issue in a `markdownlint-configure-file` comment,
never a failure while a page is checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from chalicelib.engine.markdownlint_config import MarkdownlintConfigError, MarkdownlintConfigFinder
from chalicelib.engine.rules.registry import REGISTRY, RuleParams, RuleParamsError
from chalicelib.engine.ruleset import config_dir, load_ruleset
from chalicelib.engine.validate import validate_document
from tbcv_cli.main import main


def setting(ruleset, rule_id, markdownlint=None):
    return next(s for s in ruleset.settings(markdownlint=markdownlint).rules if s.rule.meta.id == rule_id)


def test_every_rule_has_a_frozen_params_model_whose_defaults_validate():
    for rule in REGISTRY.values():
        model = type(rule.meta.params)
        assert issubclass(model, RuleParams) and model.model_config["frozen"]
        assert model.model_validate(dict(rule.meta.params)) == rule.meta.params, rule.meta.id


def test_resolved_params_are_the_rules_model_with_the_overrides():
    params = setting(load_ruleset(overrides={"rules": {"MD013": {"line_length": 100}}}), "MD013").params
    assert isinstance(params, BaseModel)
    assert (params.line_length, params.code_blocks) == (100, True)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("wide", "valid integer"), ([80], "valid integer")],
)
def test_a_wrong_type_in_the_project_configuration_names_the_rule_and_the_param(value, problem):
    with pytest.raises(ValueError, match=rf"project configuration: rule MD013: param 'line_length': .*{problem}"):
        load_ruleset(overrides={"rules": {"line-length": {"line_length": value}}})


def test_a_value_out_of_range_or_not_among_the_choices_is_refused():
    with pytest.raises(ValueError, match=r"rule CD005: param 'max_lines': Input should be greater than or equal to 1"):
        load_ruleset(overrides={"rules": {"CD005": {"max_lines": 0}}})
    with pytest.raises(ValueError, match=r"rule MD003: param 'style': Input should be 'consistent', 'atx'"):
        load_ruleset(overrides={"rules": {"MD003": {"style": "atx-closed"}}})
    with pytest.raises(ValueError, match=r"rule MD051: param 'ignored_pattern': .*not a valid regular expression"):
        load_ruleset(overrides={"rules": {"MD051": {"ignored_pattern": "(unclosed"}}})


def test_a_bad_param_in_a_profile_names_the_profile_file(tmp_path):
    directory = tmp_path / "config"
    shutil.copytree(config_dir(), directory)
    (directory / "profiles" / "strict.yaml").write_text("rules:\n  CD005: {max_lines: many}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"profiles/strict.yaml: rule CD005: param 'max_lines'"):
        load_ruleset(directory)


def test_null_means_the_default_and_markdownlint_falsy_numbers_mean_the_default_too():
    ruleset = load_ruleset(overrides={"rules": {"MD013": {"line_length": None}, "MD012": {"maximum": 0}}})
    assert setting(ruleset, "MD013").params.line_length == 80  # markdownlint: `line_length || 80`
    assert setting(ruleset, "MD012").params.maximum == 1
    assert setting(load_ruleset(overrides={"rules": {"MD009": {"br_spaces": 0}}}), "MD009").params.br_spaces == 0


def test_heading_and_code_limits_follow_line_length_as_markdownlint_reads_them():
    heading = "# " + "word " * 18 + "end"  # 95 characters: over 80, within 100
    text = f"{heading}\n\nText.\n"
    report = validate_document(text, path="a.md", markdownlint_config={"MD013": {"line_length": 100}})
    assert [issue.line for issue in report.issues if issue.rule == "MD013"] == []
    report = validate_document(text, path="a.md", markdownlint_config={"MD013": {"heading_line_length": 90}})
    assert [issue.line for issue in report.issues if issue.rule == "MD013"] == [1]


def test_a_markdownlint_config_object_with_a_bad_param_is_refused():
    with pytest.raises(ValueError, match=r"'MD013': rule MD013: param 'line_length'"):
        validate_document("Text.\n", path="a.md", markdownlint_config={"MD013": {"line_length": "wide"}})


def test_markdownlint_ignores_params_a_rule_does_not_have_and_so_do_we():
    params = setting(load_ruleset(), "MD013", markdownlint={"MD013": {"line_length": 90, "colour": "red"}}).params
    assert params.line_length == 90


def test_a_markdownlint_file_with_a_bad_param_names_the_file_and_the_line(tmp_path):
    (tmp_path / ".git").mkdir()
    config = tmp_path / ".markdownlint.yaml"
    config.write_text("MD009: false\nline-length:\n  line_length: wide\n", encoding="utf-8")
    with pytest.raises(MarkdownlintConfigError) as raised:
        MarkdownlintConfigFinder().config_for(tmp_path / "page.md")
    assert (raised.value.where, raised.value.line) == (str(config), 2)
    assert "rule MD013: param 'line_length'" in raised.value.problem


def test_a_configure_file_comment_with_a_bad_param_is_a_cf001_issue_and_the_rest_applies():
    text = '<!-- markdownlint-configure-file { "MD013": { "line_length": "wide" }, "MD009": false } -->\n\nText   \n'
    report = validate_document(text, path="a.md")
    cf001 = [issue for issue in report.issues if issue.rule == "CF001"]
    assert [(issue.line, "rule MD013: param 'line_length'" in issue.message) for issue in cf001] == [(1, True)]
    assert not any(issue.rule == "MD009" for issue in report.issues)


def test_rule_params_error_names_rule_and_param():
    with pytest.raises(RuleParamsError) as raised:
        REGISTRY["ST007"].meta.resolve_params({"max_depth": 9})
    assert (raised.value.rule_id, raised.value.param) == ("ST007", "max_depth")


def test_tbcv_check_reports_a_bad_param_in_tbcv_yaml_as_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("page.md").write_text("# Title\n\nText.\n", encoding="utf-8")
    Path(".tbcv.yaml").write_text("rules:\n  MD013: {params: {line_length: wide}}\n", encoding="utf-8")
    code = main(["check", "page.md"])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert "rule MD013: param 'line_length'" in err


def test_tbcv_check_reports_a_bad_param_in_a_markdownlint_file_as_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    Path("page.md").write_text("# Title\n\nText.\n", encoding="utf-8")
    Path(".markdownlint.json").write_text('{\n  "MD003": {"style": "atx-closed"}\n}\n', encoding="utf-8")
    code = main(["check", "page.md"])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert ".markdownlint.json:2:" in err and "rule MD003: param 'style'" in err
