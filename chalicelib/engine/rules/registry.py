"""Rules are data plus one check function, registered with `@rule(...)`.

A check reads a `CheckContext` (the parsed page, its family and truth table, and a memo
for work shared between rules such as plugin detection) and the rule's resolved params (an
instance of the rule's `RuleParams` model), and yields `Finding`s. The pipeline turns findings
into `Issue`s with the rule's id, alias, category and the severity resolved from the profile,
so check code never repeats its own metadata.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

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


class FalsyIsDefault:
    """Field marker (`Annotated[int, FALSY_IS_DEFAULT]`): `0`, `""`, `false` or an empty list
    also mean the field's default, as markdownlint reads such params (`value || default`)."""


FALSY_IS_DEFAULT = FalsyIsDefault()


class RuleParams(BaseModel):
    """A rule's params: each rule with params declares a subclass whose field defaults are the
    rule's defaults (written nowhere else) and whose types say what a value may be. Values from
    profiles, families, `.tbcv.yaml` and markdownlint configuration are validated against it when
    the configuration loads, so a wrong value is an error naming the rule and the param, never a
    surprise while a page is checked. `null` means the default, as it does to markdownlint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _unset_values(cls, data: Any) -> Any:
        """Drop `null`s (and falsy values of FALSY_IS_DEFAULT fields): those params keep their default."""
        if not isinstance(data, Mapping):
            return data
        return {
            name: value
            for name, value in data.items()
            if value is not None and (value or not _falsy_is_default(cls, name))
        }


def _falsy_is_default(model: type[RuleParams], name: object) -> bool:
    field_info = model.model_fields.get(name) if isinstance(name, str) else None
    return field_info is not None and any(isinstance(item, FalsyIsDefault) for item in field_info.metadata)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a valid regular expression: {error}") from None
    return pattern


# A param holding a regular expression, checked when the configuration loads.
RegexText = Annotated[str, AfterValidator(_compiles)]


class NoParams(RuleParams):
    """The params of a rule that has none."""


class RuleParamsError(ValueError):
    """A param value a rule cannot use: names the rule, the param and the problem."""

    def __init__(self, rule_id: str, param: str, problem: str):
        super().__init__(f"rule {rule_id}: param {param!r}: {problem}" if param else f"rule {rule_id}: {problem}")
        self.rule_id = rule_id
        self.param = param
        self.problem = problem


RuleCheck = Callable[[CheckContext, Any], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str  # stable id, e.g. FM001, MD009, TR003
    alias: str  # stable kebab-case alias
    category: Category
    severity: Severity  # default severity
    description: str
    why: str  # why this matters: what goes wrong for a reader or the site when the rule fires
    good: str  # example text that passes (with `example_params`)
    bad: str  # example text that fires (with `example_params`); a fixable rule's fixes clear it
    fixable: bool = False
    params: RuleParams = NoParams()  # the defaults, an instance of the rule's params model
    source: Source = "rule"
    other_aliases: tuple[str, ...] = ()  # further names markdownlint also accepts (MD025 `single-h1`)
    example_params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the rule answers to in configuration and inline comments."""
        return (self.id, self.alias, *self.other_aliases)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(type(self.params).model_fields)

    def resolve_params(self, values: Mapping[str, Any]) -> RuleParams:
        """The rule's params with `values` over the defaults, validated; raises RuleParamsError."""
        if not values:
            return self.params
        try:
            given = type(self.params).model_validate(values)
        except ValidationError as error:
            problem = error.errors()[0]
            param = ".".join(str(part) for part in problem["loc"])
            raise RuleParamsError(
                self.id, param, f"{problem['msg']} (got {reprlib.repr(problem.get('input'))})"
            ) from None
        # the defaults stay the very objects the model declares (checks may test them by identity)
        return self.params.model_copy(update={name: getattr(given, name) for name in given.model_fields_set})


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
    why: str,
    good: str,
    bad: str,
    fixable: bool = False,
    params: type[RuleParams] = NoParams,
    source: Source = "rule",
    other_aliases: tuple[str, ...] = (),
    example_params: Mapping[str, Any] | None = None,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a check under its metadata; ids and aliases must be unique. `params` is the
    rule's params model (its defaults are the rule's defaults); `example_params` are the params
    the `good`/`bad` examples are written for (validated here, so a wrong one fails at import)."""

    def register(check: RuleCheck) -> RuleCheck:
        names = {id, alias, *other_aliases}
        if id in REGISTRY or any(names & set(r.meta.names) for r in REGISTRY.values()):
            raise ValueError(f"rule {id}/{alias} is registered twice")
        meta = RuleMeta(
            id,
            alias,
            category,
            severity,
            description,
            why,
            good,
            bad,
            fixable,
            params(),
            source,
            tuple(other_aliases),
            MappingProxyType(dict(example_params or {})),
        )
        meta.resolve_params(meta.example_params)
        REGISTRY[id] = Rule(meta, check)
        return check

    return register
