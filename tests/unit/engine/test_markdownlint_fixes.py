"""`tbcv check --fix` for every fixable MD rule: the fix removes what it fixes, fixing twice
changes nothing, and a CRLF page with a BOM stays CRLF with its BOM.

Inputs per rule: its own bad example and every markdownlint fixture that names it
(tests/fixtures/markdownlint/mdNNN-*.md), fixed with only that rule on, then every fixture
fixed with all rules on (what a user's `tbcv check --fix` does)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.engine.markdownlint_config import MarkdownlintConfigFinder
from chalicelib.engine.rules.registry import REGISTRY
from tbcv_cli.check import Engine, Target, _fix_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "markdownlint"
FIXABLE = sorted(
    rule_id for rule_id, rule in REGISTRY.items() if re.fullmatch(r"MD\d{3}", rule_id) and rule.meta.fixable
)
PAGE = Target("page.md", "page.md")
ALL_FIXTURES = sorted(path for path in FIXTURES.rglob("*.md"))


def _only(rule_id: str, params: dict) -> Engine:
    overrides = {
        "categories": dict.fromkeys(("frontmatter", "markdown", "code", "links", "structure", "seo", "truth"), "off")
    }
    overrides["rules"] = {rule_id: {"level": "warning", **params}}
    return Engine(
        profile=None,
        family=None,
        overrides=overrides,
        docs=frozenset(),
        markdownlint=MarkdownlintConfigFinder(fixed={}),
    )


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # line endings as written


def _inputs(rule_id: str) -> list[tuple[str, dict]]:
    """(text, the rule's params) for its bad example and each fixture named after it; a
    fixture folder's .markdownlint.json gives the params."""
    inputs = [(REGISTRY[rule_id].meta.bad, {})]
    prefix = rule_id.lower()
    for path in ALL_FIXTURES:
        if path.name.startswith(prefix):
            config = path.parent / ".markdownlint.json"
            params = json.loads(config.read_text(encoding="utf-8")).get(rule_id, {}) if config.exists() else {}
            inputs.append((_read(path), params if isinstance(params, dict) else {}))
    return inputs


def _crlf_bom(text: str) -> str:
    return "\ufeff" + text.replace("\n", "\r\n")


def _assert_kept_crlf_and_bom(before: str, after: str) -> None:
    if before.startswith("\ufeff"):
        assert after.startswith("\ufeff")
    if "\r\n" in before:
        assert "\n" not in after.replace("\r\n", ""), "a fix wrote a bare LF into a CRLF page"


def test_the_32_markdownlint_fixes_are_all_offered():
    markdownlint_fixable = {
        "MD004", "MD005", "MD007", "MD009", "MD010", "MD011", "MD012", "MD014", "MD018", "MD019", "MD020",
        "MD021", "MD022", "MD023", "MD026", "MD027", "MD029", "MD030", "MD031", "MD032", "MD034", "MD037",
        "MD038", "MD039", "MD044", "MD047", "MD049", "MD050", "MD051", "MD053", "MD054", "MD058",
    }  # fmt: skip
    assert len(markdownlint_fixable) == 32
    assert markdownlint_fixable <= set(FIXABLE)


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_fixing_removes_the_rules_fixable_issues_and_fixing_again_changes_nothing(rule_id):
    fired = False
    for original, params in _inputs(rule_id):
        engine = _only(rule_id, params)
        for text in (original, _crlf_bom(original)):
            before = [issue for issue in engine.validate(text, PAGE).issues if issue.rule == rule_id]
            fired = fired or any(issue.fix for issue in before)
            report, once, _ = _fix_text(text, PAGE, engine)
            assert not [issue for issue in report.issues if issue.rule == rule_id and issue.fix], once
            _, twice, fixed_again = _fix_text(once, PAGE, engine)
            assert (twice, fixed_again) == (once, 0)
            _assert_kept_crlf_and_bom(text, once)
    assert fired, f"no input makes {rule_id} offer a fix"


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda path: path.relative_to(FIXTURES).as_posix())
def test_fixing_a_fixture_with_every_rule_on_is_idempotent(path):
    engine = Engine(
        profile=None, family=None, overrides={}, docs=frozenset(), markdownlint=MarkdownlintConfigFinder(fixed={})
    )  # every rule with its defaults, not the fixture folder's parameters
    text = _read(path)
    for variant in (text, text if "\r\n" in text else _crlf_bom(text)):
        _, once, _ = _fix_text(variant, Target(path.name, str(path)), engine)
        _, twice, fixed_again = _fix_text(once, Target(path.name, str(path)), engine)
        assert (twice, fixed_again) == (once, 0)
        _assert_kept_crlf_and_bom(variant, once)
