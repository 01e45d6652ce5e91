"""Rules: reload the ruleset in this process, list the validators."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from chalicelib.engine.rules.registry import REGISTRY
from chalicelib.ops.admin.inputs import AuditedChangeIn
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import InvalidInput
from chalicelib.ops.fields import Cursor, Limit, OperationInput
from chalicelib.store.records import AuditEvent, Page


class RulesetOut(BaseModel):
    ruleset_version: str
    previous_version: str
    rules: int
    profiles: list[str]
    families: list[str]


@operation(
    "reload_rules",
    category="admin",
    title="Reload rules and truth tables",
    method="POST",
    path="/v1/admin/rules/reload",
    idempotent=True,
)
def reload_rules(context: OperationContext, params: AuditedChangeIn) -> RulesetOut:
    """Re-read profiles, family settings and truth tables from the config folder in this
    process; a changed configuration gets a new ruleset version, so cached reports of the
    old one are no longer used."""
    previous = context.rules.current().version
    ruleset = context.rules.reload()
    context.audit.record(
        AuditEvent.new(
            actor=context.principal,
            operation="reload_rules",
            target_type="ruleset",
            target_id="ruleset",
            before={"version": previous},
            after={"version": ruleset.version, "reason": params.reason},
        )
    )
    return RulesetOut(
        ruleset_version=ruleset.version,
        previous_version=previous,
        rules=len(REGISTRY),
        profiles=ruleset.profile_names,
        families=sorted(ruleset.families),
    )


class ListValidatorsIn(OperationInput):
    category: Literal["frontmatter", "markdown", "code", "links", "structure", "seo", "truth", "llm"] | None = None
    limit: Limit = 100
    cursor: Cursor | None = None


class ValidatorOut(BaseModel):
    id: str
    alias: str
    category: str
    severity: str
    description: str
    fixable: bool


class ValidatorPage(Page[ValidatorOut]):
    pass


@operation(
    "list_validators",
    category="admin",
    title="List validators (rules)",
    method="GET",
    path="/v1/admin/validators",
    read_only=True,
    idempotent=True,
)
def list_validators(context: OperationContext, params: ListValidatorsIn) -> ValidatorPage:
    """The rules the engine runs, by id, optionally one category, with their default
    severity and whether they can fix what they find."""
    rules = sorted(
        (r.meta for r in REGISTRY.values() if params.category is None or r.meta.category == params.category),
        key=lambda m: m.id,
    )
    if params.cursor is not None:
        if params.cursor not in {m.id for m in rules}:
            raise InvalidInput("cursor is not one this API returned", field="cursor")
        rules = [m for m in rules if m.id > params.cursor]
    page = rules[: params.limit]
    return ValidatorPage(
        items=[
            ValidatorOut(
                id=m.id,
                alias=m.alias,
                category=m.category,
                severity=m.severity,
                description=m.description,
                fixable=m.fixable,
            )
            for m in page
        ],
        next_cursor=page[-1].id if len(rules) > params.limit else None,
    )
