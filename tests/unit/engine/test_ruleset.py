"""Profiles, family overrides and project overrides resolve to per-rule settings; the version
hash follows every input."""

from pathlib import Path

import pytest

from chalicelib.engine.ruleset import config_dir, load_ruleset

CONFIG = config_dir()


def setting(ruleset, rule_id, profile=None, family=None):
    return next((s for s in ruleset.settings(profile, family).rules if s.rule.meta.id == rule_id), None)


def copy_config(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    return target


def test_default_profile_uses_each_rules_own_severity_and_params():
    ruleset = load_ruleset()
    md009 = setting(ruleset, "MD009")
    assert (md009.severity, dict(md009.params)) == (
        "warning",
        {"br_spaces": 2, "code_blocks": False, "list_item_empty_lines": False, "strict": False},
    )


def test_default_ruleset_is_loaded_once_per_process():
    assert load_ruleset() is load_ruleset()


def test_strict_profile_raises_information_to_warnings():
    ruleset = load_ruleset()
    assert setting(ruleset, "CD005").severity == "info"
    assert setting(ruleset, "CD005", profile="strict").severity == "warning"


def test_relaxed_profile_switches_whitespace_rules_and_seo_off():
    ruleset = load_ruleset()
    assert setting(ruleset, "MD009", profile="relaxed") is None
    assert setting(ruleset, "SEO001", profile="relaxed") is None
    assert setting(ruleset, "MDX001", profile="relaxed") is not None


def test_family_overrides_params_of_its_rules():
    ruleset = load_ruleset()
    assert setting(ruleset, "CD005", family="words").params.max_lines == 50
    assert setting(ruleset, "CD005").params.max_lines == 100


def test_project_overrides_level_and_params_by_alias():
    ruleset = load_ruleset(
        overrides={"rules": {"no-trailing-spaces": {"level": "error", "br_spaces": 0}, "MD012": "off"}}
    )
    md009 = setting(ruleset, "MD009")
    assert (md009.severity, md009.params.br_spaces) == ("error", 0)
    assert setting(ruleset, "MD012") is None


def test_project_profile_is_used_when_the_caller_names_none():
    ruleset = load_ruleset(overrides={"profile": "relaxed"})
    assert ruleset.settings().profile == "relaxed"
    assert ruleset.settings("strict").profile == "strict"


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ValueError, match="default, relaxed, strict"):
        load_ruleset().settings("fast")


def test_unknown_rule_in_overrides_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown rule 'MD999'"):
        load_ruleset(overrides={"rules": {"MD999": "off"}})


def test_unknown_param_names_the_rules_params():
    with pytest.raises(ValueError, match="br_spaces"):
        load_ruleset(overrides={"rules": {"MD009": {"bogus": 1}}})


def test_bare_yaml_off_switches_a_rule_off(tmp_path):
    config = copy_config(tmp_path)
    (config / "profiles" / "quiet.yaml").write_text("extends: default\nrules:\n  MD009: off\n", encoding="utf-8")
    assert setting(load_ruleset(config), "MD009", profile="quiet") is None


def test_version_is_stable_for_the_same_inputs():
    assert (
        load_ruleset(overrides={"profile": "strict"}).version == load_ruleset(overrides={"profile": "strict"}).version
    )


def test_version_changes_with_a_profile_file(tmp_path):
    config = copy_config(tmp_path)
    before = load_ruleset(config).version
    (config / "profiles" / "strict.yaml").write_text("extends: default\n", encoding="utf-8")
    assert load_ruleset(config).version != before


def test_version_changes_with_project_overrides():
    assert load_ruleset(overrides={"rules": {"MD009": "off"}}).version != load_ruleset().version


def test_version_changes_with_the_truth_tables(tmp_path):
    config = copy_config(tmp_path)
    before = load_ruleset(config).version
    words = config / "truth" / "words.yaml"
    words.write_text(words.read_text(encoding="utf-8").replace('\nversion: "', '\nversion: "9', 1), encoding="utf-8")
    assert load_ruleset(config).version != before


def test_config_dir_can_be_set_by_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TBCV_CONFIG_DIR", str(tmp_path))
    assert config_dir() == tmp_path
