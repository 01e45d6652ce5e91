"""The validation result cache: statistics, clear, cleanup and rebuild."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.ops.admin.inputs import AuditedChangeIn, NoInput
from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.fields import Limit, OperationInput
from chalicelib.ops.result_cache import validate_cached
from chalicelib.ops.validation import document_path
from chalicelib.store.records import AuditEvent


class CacheStatsOut(BaseModel):
    entries: int
    hits: int
    misses: int
    hit_rate: float = Field(description="hits / (hits + misses), 0 when nothing was looked up")
    current_ruleset_version: str
    by_ruleset_version: dict[str, int]


class CacheChangeOut(BaseModel):
    removed: int = 0
    added: int = 0
    entries: int


@operation(
    "get_cache_stats",
    category="admin",
    title="Get result cache statistics",
    method="GET",
    path="/v1/admin/cache",
    read_only=True,
    idempotent=True,
)
def get_cache_stats(context: OperationContext, params: NoInput) -> CacheStatsOut:
    """Entries in the validation result cache (by ruleset version) and the hit/miss counts.
    A hit means a validation reused an earlier engine report for identical content."""
    stats = context.result_cache.stats()
    looked_up = stats["hits"] + stats["misses"]
    return CacheStatsOut(
        entries=stats["entries"],
        hits=stats["hits"],
        misses=stats["misses"],
        hit_rate=round(stats["hits"] / looked_up, 4) if looked_up else 0.0,
        current_ruleset_version=context.rules.current().version,
        by_ruleset_version=stats["by_ruleset_version"],
    )


def _cache_event(context: OperationContext, name: str, after: dict) -> None:
    context.audit.record(
        AuditEvent.new(
            actor=context.principal, operation=name, target_type="cache", target_id="result-cache", after=after
        )
    )


@operation(
    "clear_cache",
    category="admin",
    title="Clear the result cache",
    method="DELETE",
    path="/v1/admin/cache",
    destructive=True,
    idempotent=True,
)
def clear_cache(context: OperationContext, params: AuditedChangeIn) -> CacheChangeOut:
    """Remove every cached engine report and reset the hit/miss counters. Validations stay;
    later validations run the engine again."""
    removed = context.result_cache.clear()
    context.result_cache.reset_counters()
    _cache_event(context, "clear_cache", {"removed": removed, "reason": params.reason})
    return CacheChangeOut(removed=removed, entries=0)


@operation(
    "cleanup_cache",
    category="admin",
    title="Remove stale cache entries",
    method="POST",
    path="/v1/admin/cache/cleanup",
    idempotent=True,
)
def cleanup_cache(context: OperationContext, params: AuditedChangeIn) -> CacheChangeOut:
    """Remove cached reports made under an older ruleset version (they can never be hit
    again); entries of the current version stay."""
    current = context.rules.current().version
    removed = context.result_cache.delete_other_versions(current)
    _cache_event(context, "cleanup_cache", {"removed": removed, "reason": params.reason})
    return CacheChangeOut(removed=removed, entries=context.result_cache.stats()["entries"])


class RebuildCacheIn(OperationInput):
    limit: Limit = Field(default=50, description="How many of the newest validations to re-check, 1-100")


@operation(
    "rebuild_cache", category="admin", title="Rebuild the result cache", method="POST", path="/v1/admin/cache/rebuild"
)
def rebuild_cache(context: OperationContext, params: RebuildCacheIn) -> CacheChangeOut:
    """Warm the cache under the current ruleset: run the engine on the documents of the
    newest validations (up to `limit`) and cache their reports. Validation records are not
    changed; use revalidate for that."""
    before = context.result_cache.stats()["entries"]
    for item in context.figures.newest(params.limit):
        try:
            body, _ = context.documents.get(item["key"], item["version_id"])
            text = body.decode("utf-8")
        except Exception:  # a deleted document or a non-UTF-8 one: nothing to cache
            continue
        path = document_path(item["key"], context.settings.inline_prefix)
        validate_cached(context.result_cache, text, path, item["family"], item["profile"])
    after = context.result_cache.stats()["entries"]
    _cache_event(context, "rebuild_cache", {"added": after - before})
    return CacheChangeOut(added=after - before, entries=after)
