"""`.tbcv.yaml`: discovery and the shapes a rule setting may take."""

import pytest

from tbcv_cli.project_config import ConfigError, find_config, load_config


def test_find_config_walks_up_from_the_start_folder(tmp_path):
    (tmp_path / ".tbcv.yaml").write_text("profile: strict\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == (tmp_path / ".tbcv.yaml").resolve()


def test_rule_settings_accept_levels_off_on_and_mappings(tmp_path):
    path = tmp_path / ".tbcv.yaml"
    path.write_text(
        "rules:\n  MD009: off\n  MD012: warning\n  CD004: {level: error, params: {max_lines: 80}}\n  MD001: on\n"
    )
    assert load_config(path).rules == {
        "MD009": {"enabled": False},
        "MD012": {"level": "warning"},
        "CD004": {"level": "error", "params": {"max_lines": 80}},
        "MD001": {"enabled": True},
    }


def test_profile_family_and_a_single_exclude_string_are_read(tmp_path):
    path = tmp_path / ".tbcv.yaml"
    path.write_text("profile: relaxed\nfamily: words\nexclude: drafts/*\n")
    config = load_config(path)
    assert (config.profile, config.family, config.exclude) == ("relaxed", "words", ("drafts/*",))


def test_an_empty_config_file_means_no_settings(tmp_path):
    path = tmp_path / ".tbcv.yaml"
    path.write_text("")
    assert load_config(path).rules == {}


@pytest.mark.parametrize(
    "text, field",
    [
        ("profile: [a]\n", "profile"),
        ("rules: [MD009]\n", "rules"),
        ("rules:\n  MD009: {level: loud}\n", "rules.MD009.level"),
        ("rules:\n  MD009: {colour: red}\n", "rules.MD009"),
        ("exclude: [1]\n", "exclude"),
        ("unknown: 1\n", "unknown"),
        ("key: [unclosed\n", "not valid YAML"),
    ],
)
def test_an_invalid_setting_is_refused_naming_the_file_and_field(tmp_path, text, field):
    path = tmp_path / ".tbcv.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=field) as raised:
        load_config(path)
    assert str(path) in str(raised.value)
