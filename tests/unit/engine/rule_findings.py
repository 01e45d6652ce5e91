"""Run one registered rule on a page, the way the pipeline does, for the rule tests."""

from chalicelib.engine import rules as _rules  # noqa: F401 - registers every rule
from chalicelib.engine.edits import apply_edits
from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.registry import REGISTRY, CheckContext


def findings(rule_id, text, *, path="docs/page.md", memo=None, family=None, **params):
    rule = REGISTRY[rule_id]
    context = CheckContext(doc=parse_document(text, path), family=family, memo=memo if memo is not None else {})
    return list(rule.check(context, rule.meta.resolve_params(params)))


def fixed(rule_id, text, **kwargs):
    """The text with the fixes of every finding of the rule applied."""
    edits = [edit for finding in findings(rule_id, text, **kwargs) for edit in finding.fix or ()]
    return apply_edits(text, edits)
