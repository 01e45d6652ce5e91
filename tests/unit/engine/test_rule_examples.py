"""Every rule's examples, as printed in docs/rules.md, are run through the real pipeline: the `bad`
example fires the rule, the `good` example does not, and a fixable rule's fixes clear the `bad`
example (fixing again changes nothing); a rule not marked fixable attaches no fix.

Each example is checked as the page `content/words/java/page.md` (family `words`, platform Java)
of a docs set that also holds `content/words/installation/_index.md`, with the rule alone switched
on and set to its `example_params`, as docs/rules.md says.
"""

from __future__ import annotations

from functools import cache

import pytest

from chalicelib.engine.edits import apply_edits
from chalicelib.engine.model import CATEGORIES, Issue
from chalicelib.engine.rules.links import DOCS_MEMO
from chalicelib.engine.rules.registry import REGISTRY, Rule
from chalicelib.engine.ruleset import Ruleset, load_ruleset
from chalicelib.engine.validate import validate_document

EXAMPLE_PATH = "content/words/java/page.md"
EXAMPLE_DOCS = frozenset({EXAMPLE_PATH, "content/words/installation/_index.md"})


@cache
def example_ruleset(rule_id: str) -> Ruleset:
    """The rule alone, on, set to its example params."""
    rule = REGISTRY[rule_id]
    overrides = {
        "categories": {category: "off" for category in CATEGORIES},
        "rules": {rule_id: {"level": "on", **rule.meta.example_params}},
    }
    return load_ruleset(overrides=overrides)


def issues(rule: Rule, text: str) -> list[Issue]:
    ruleset = example_ruleset(rule.meta.id)
    report = validate_document(text, path=EXAMPLE_PATH, ruleset=ruleset, memo={DOCS_MEMO: EXAMPLE_DOCS})
    assert {issue.rule for issue in report.issues} <= {rule.meta.id}
    return report.issues


def fixed(rule: Rule, text: str) -> str:
    return apply_edits(text, [edit for issue in issues(rule, text) for edit in issue.fix or ()])


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_the_bad_example_fires_and_the_good_one_does_not(rule_id):
    rule = REGISTRY[rule_id]
    assert issues(rule, rule.meta.bad), f"{rule_id}'s bad example does not fire it"
    assert [issue.message for issue in issues(rule, rule.meta.good)] == [], f"{rule_id}'s good example fires it"


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_fixes_clear_the_bad_example_and_fixing_twice_changes_nothing(rule_id):
    rule = REGISTRY[rule_id]
    found = issues(rule, rule.meta.bad)
    if not rule.meta.fixable:
        assert [issue.fix for issue in found if issue.fix] == [], f"{rule_id} attaches fixes but is not marked fixable"
        return
    assert any(issue.fix for issue in found), f"{rule_id} is fixable but its bad example carries no fix"
    once = fixed(rule, rule.meta.bad)
    assert once != rule.meta.bad
    assert [issue.message for issue in issues(rule, once)] == [], f"{rule_id}: fixing the bad example leaves {once!r}"
    assert fixed(rule, once) == once
