"""Rules about the page's own configuration comments."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, rule

# The pipeline puts the page's `suppressions.InlineConfig` here (only when it has any); this
# module does not import `suppressions`, which needs the ruleset that loads every rule.
INLINE_CONFIG_MEMO = "inline_config"


@rule(
    "CF001",
    "inline-config-invalid",
    "structure",
    "warning",
    "A `markdownlint-configure-file` comment must hold a JSON (or YAML) object; one that cannot be "
    "parsed configures nothing (markdownlint ignores it silently, so the page is not checked as meant). "
    'A rule param value the rule cannot use (`"line_length": "wide"`) is reported too, and that '
    "rule's entry is ignored.",
    why="A configuration comment that cannot be read is ignored, so the page is checked differently from what "
    "its author wrote.",
    good='<!-- markdownlint-configure-file { "MD013": { "line_length": 120 } } -->',
    bad='<!-- markdownlint-configure-file { "MD013": { "line_length": 120 } -->',
)
def inline_config_invalid(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    inline = ctx.memo.get(INLINE_CONFIG_MEMO)
    for line, problem in inline.errors if inline is not None else ():
        yield Finding(problem, line)
