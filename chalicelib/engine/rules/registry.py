"""Rules are data plus one check function, registered with `@rule(...)`.

A check reads a `CheckContext` (the parsed page, its family and truth table, and a memo
for work shared between rules such as plugin detection) and the rule's resolved params,
and yields `Finding`s. The pipeline turns findings into `Issue`s with the rule's id,
alias, category and the severity resolved from the profile, so check code never repeats
its own metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.model import Category, Observation, Severity, Source


@dataclass(frozen=True, slots=True)
class Finding(Observation):
    """What a check yields; the pipeline adds the rule's identity and severity."""

    at_most: Severity | None = None  # caps the rule's severity for this finding ("info": advice, "warning": doubt)


@dataclass(slots=True)
class CheckContext:
    doc: ParsedDocument
    family: str | None = None
    profile: str = "default"
    truth: Any = None  # the family's truth table (chalicelib.engine.truth), if any
    memo: dict[str, Any] = field(default_factory=dict)  # shared per-document results


RuleCheck = Callable[[CheckContext, Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str  # stable id, e.g. FM001, MD009, TR003
    alias: str  # stable kebab-case alias
    category: Category
    severity: Severity  # default severity
    description: str
    good: str  # example text that passes
    bad: str  # example text that fires
    fixable: bool = False
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source: Source = "rule"
    other_aliases: tuple[str, ...] = ()  # further names markdownlint also accepts (MD025 `single-h1`)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the rule answers to in configuration and inline comments."""
        return (self.id, self.alias, *self.other_aliases)


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: RuleCheck


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    alias: str,
    category: Category,
    severity: Severity,
    description: str,
    *,
    good: str,
    bad: str,
    fixable: bool = False,
    source: Source = "rule",
    other_aliases: tuple[str, ...] = (),
    **params: Any,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a check under its metadata; ids and aliases must be unique."""

    def register(check: RuleCheck) -> RuleCheck:
        names = {id, alias, *other_aliases}
        if id in REGISTRY or any(names & set(r.meta.names) for r in REGISTRY.values()):
            raise ValueError(f"rule {id}/{alias} is registered twice")
        REGISTRY[id] = Rule(
            RuleMeta(
                id,
                alias,
                category,
                severity,
                description,
                good,
                bad,
                fixable,
                MappingProxyType(dict(params)),
                source,
                tuple(other_aliases),
            ),
            check,
        )
        return check

    return register
