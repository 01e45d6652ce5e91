"""docs/rules.md is generated from the rule metadata and must be current."""

import importlib.util
from pathlib import Path

from chalicelib.engine.rules.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rules_doc", ROOT / "scripts" / "gen_rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rules_doc_matches_the_rule_metadata():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == _generator().render(), (
        "docs/rules.md is out of date: run python scripts/gen_rules_doc.py"
    )


def test_rules_doc_has_one_entry_per_rule_with_its_examples():
    text = _generator().render()
    for rule in REGISTRY.values():
        assert f"### {rule.meta.id} {rule.meta.alias}\n" in text
    assert text.count("\nBad:\n") == len(REGISTRY) and text.count("\nGood:\n") == len(REGISTRY)
