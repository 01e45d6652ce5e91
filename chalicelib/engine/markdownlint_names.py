"""markdownlint's names for its rules (markdownlint 0.40 `lib/rules.mjs`), which its configuration
and inline comments accept: each rule's id and aliases (the second aliases, such as MD025's
`single-h1`, are the rules' own `other_aliases`), and tags that name a group of rules
(`"whitespace": false` switches nine rules off); and the check of a markdownlint config object's
params against the rules' params models."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.engine import rules as _rules  # noqa: F401 - registers every rule
from chalicelib.engine.rules.registry import REGISTRY, RuleParamsError

MARKDOWNLINT_CATEGORY = "markdown"  # the category of markdownlint's rules (MD001...)

TAGS = {
    "headings": (
        "MD001",
        "MD003",
        "MD018",
        "MD019",
        "MD020",
        "MD021",
        "MD022",
        "MD023",
        "MD024",
        "MD025",
        "MD026",
        "MD036",
        "MD041",
        "MD043",
    ),
    "bullet": ("MD004", "MD005", "MD007", "MD032"),
    "ul": ("MD004", "MD005", "MD007", "MD030", "MD032"),
    "indentation": ("MD005", "MD007", "MD027"),
    "whitespace": ("MD009", "MD010", "MD012", "MD027", "MD028", "MD030", "MD037", "MD038", "MD039"),
    "hard_tab": ("MD010",),
    "links": ("MD011", "MD034", "MD039", "MD042", "MD051", "MD052", "MD053", "MD054", "MD059"),
    "blank_lines": ("MD012", "MD022", "MD031", "MD032", "MD047"),
    "line_length": ("MD013",),
    "code": ("MD014", "MD031", "MD038", "MD040", "MD046", "MD048"),
    "atx": ("MD018", "MD019"),
    "spaces": ("MD018", "MD019", "MD020", "MD021", "MD023"),
    "atx_closed": ("MD020", "MD021"),
    "blockquote": ("MD027", "MD028"),
    "ol": ("MD029", "MD030", "MD032"),
    "html": ("MD033",),
    "url": ("MD034",),
    "hr": ("MD035",),
    "emphasis": ("MD036", "MD037", "MD049", "MD050"),
    "language": ("MD040",),
    "spelling": ("MD044",),
    "accessibility": ("MD045", "MD059"),
    "images": ("MD045", "MD052", "MD053", "MD054"),
    "table": ("MD055", "MD056", "MD058", "MD060"),
}


def markdownlint_names() -> dict[str, tuple[str, ...]]:
    """Upper-cased name -> ids of the markdownlint rules it names, as markdownlint matches
    names: each registered MD rule's id and aliases, and markdownlint's tags."""
    names: dict[str, tuple[str, ...]] = {}
    for rule_id, registered in REGISTRY.items():
        if registered.meta.category == MARKDOWNLINT_CATEGORY:
            for name in registered.meta.names:
                names[name.upper()] = (rule_id,)
    for tag, rule_ids in TAGS.items():
        registered_ids = tuple(rule_id for rule_id in rule_ids if rule_id in REGISTRY)
        if registered_ids:
            names[tag.upper()] = registered_ids
    return names


def rule_params(config: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(key, rule id, params) for each rule a key of a markdownlint config object configures
    with an object: the params the rule has (markdownlint ignores the others)."""
    names = markdownlint_names()
    for key, value in config.items():
        if isinstance(value, dict):
            for rule_id in names.get(str(key).upper(), ()):
                known = REGISTRY[rule_id].meta.param_names
                yield str(key), rule_id, {name: item for name, item in value.items() if name in known}


def params_problems(config: Mapping[str, Any]) -> list[tuple[str, RuleParamsError]]:
    """(key, error) for each key of a markdownlint config object that gives a rule a param value
    the rule cannot use (`"MD013": {"line_length": "wide"}`)."""
    problems = []
    for key, rule_id, params in rule_params(config):
        try:
            REGISTRY[rule_id].meta.resolve_params(params)
        except RuleParamsError as error:
            problems.append((key, error))
    return problems
