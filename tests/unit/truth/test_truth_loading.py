"""Loading truth tables: every shipped table validates; a broken one says file, field, reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from chalicelib.engine.truth import TruthTableError, load_truth_registry
from tests.unit.truth.conftest import CONFIG_DIR

SHIPPED = sorted(path.stem for path in (CONFIG_DIR / "truth").glob("*.yaml") if not path.name.startswith("_"))


@pytest.mark.parametrize("family", SHIPPED)
def test_each_shipped_table_loads_against_the_schema(registry, family):
    table = registry.get(family)
    assert table is not None and table.family == family
    assert table.spec.plugins


def test_registry_lists_families_sorted(registry):
    assert registry.families == sorted(registry.families)
    assert "words" in registry.families


def test_fingerprint_is_stable_across_loads(registry):
    assert load_truth_registry(CONFIG_DIR).fingerprint == registry.fingerprint


def _copy_config(tmp_path: Path) -> Path:
    target = tmp_path / "config" / "truth"
    shutil.copytree(CONFIG_DIR / "truth", target)
    return target


def _edit_words(truth_dir: Path, edit) -> None:
    path = truth_dir / "words.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_fingerprint_changes_when_a_table_changes(tmp_path, registry):
    truth_dir = _copy_config(tmp_path)
    _edit_words(truth_dir, lambda data: data["misspellings"].append("Aspose.Wordz"))
    assert load_truth_registry(tmp_path / "config").fingerprint != registry.fingerprint


def test_malformed_field_names_file_field_path_and_reason(tmp_path):
    truth_dir = _copy_config(tmp_path)
    _edit_words(truth_dir, lambda data: data["plugins"][0].update(types={"Document": "class"}))
    with pytest.raises(TruthTableError) as raised:
        load_truth_registry(tmp_path / "config")
    assert raised.value.file == "words.yaml"
    assert raised.value.field == "plugins[0].types"
    assert "list" in raised.value.reason


def test_unknown_key_is_rejected(tmp_path):
    truth_dir = _copy_config(tmp_path)
    _edit_words(truth_dir, lambda data: data["plugins"][0].update(colour="blue"))
    with pytest.raises(TruthTableError, match=r"words.yaml: plugins\[0\].colour: Extra inputs"):
        load_truth_registry(tmp_path / "config")


def test_dependency_on_unknown_plugin_is_rejected(tmp_path):
    truth_dir = _copy_config(tmp_path)
    _edit_words(truth_dir, lambda data: data["plugins"][0].update(dependencies=["no_such_plugin"]))
    with pytest.raises(TruthTableError) as raised:
        load_truth_registry(tmp_path / "config")
    assert raised.value.field == "plugins[0].dependencies[0]"
    assert "no_such_plugin" in raised.value.reason


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    truth_dir = _copy_config(tmp_path)
    (truth_dir / "words.yaml").write_text("family: words\nplugins: [\n", encoding="utf-8")
    with pytest.raises(TruthTableError, match=r"words.yaml: <root>: invalid YAML \(line \d+\)"):
        load_truth_registry(tmp_path / "config")


def test_family_must_match_file_name(tmp_path):
    truth_dir = _copy_config(tmp_path)
    _edit_words(truth_dir, lambda data: data.update(family="cells"))
    with pytest.raises(TruthTableError, match=r"words.yaml: family: 'cells' does not match"):
        load_truth_registry(tmp_path / "config")


def test_bad_forbidden_pattern_regex_is_rejected(tmp_path):
    truth_dir = _copy_config(tmp_path)
    _edit_words(
        truth_dir,
        lambda data: data.update(forbidden_patterns=[{"id": "broken", "pattern": "([a-z", "message": "broken"}]),
    )
    with pytest.raises(TruthTableError) as raised:
        load_truth_registry(tmp_path / "config")
    assert raised.value.field == "forbidden_patterns[0].pattern"
    assert "invalid regular expression" in raised.value.reason
