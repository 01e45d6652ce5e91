"""The validation result cache: an engine report is reused when the same content is
validated again under the same ruleset version, family, profile and path (the path is in
the key because rules read it: family selection, relative links). A hit skips the engine.

The store keeps reports as JSON (`chalicelib.store.system.ResultCacheStore`); this module
owns the key and the Report <-> JSON mapping.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from chalicelib.engine import Report, validate_document
from chalicelib.engine.model import report_from_json, report_to_json
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.settings import get_settings


def cache_key(content_sha256: str, ruleset_version: str, family: str | None, profile: str, path: str | None) -> str:
    """`<sha256>|<ruleset version>|<family>|<profile>|<path digest>`: readable prefixes, so
    cleanup can drop entries of an old ruleset version without reading them."""
    path_digest = hashlib.sha256((path or "").encode()).hexdigest()[:16]
    return f"{content_sha256}|{ruleset_version}|{family or '-'}|{profile}|{path_digest}"


def key_version(key: str) -> str:
    parts = key.split("|")
    return parts[1] if len(parts) == 5 else ""


def validate_cached(cache: Any, text: str, path: str | None, family: str | None, profile: str) -> Report:
    """The engine's report for this text, from `cache` when it holds one (cache may be None).
    The issue caps (TBCV_MAX_ISSUES_PER_REPORT, TBCV_MAX_ISSUES_PER_RULE) shape the report,
    so they are part of the key."""
    settings = get_settings()
    limits = {"max_issues": settings.max_issues_per_report, "max_issues_per_rule": settings.max_issues_per_rule}
    if cache is None:
        return validate_document(text, path=path, family=family, profile=profile, **limits)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    caps = f"{limits['max_issues']}/{limits['max_issues_per_rule']}"
    key = cache_key(digest, load_ruleset().version, family, profile, f"{path or ''}|{caps}")
    cached = cache.get(key)
    if cached is not None:
        return report_from_json(cached)
    report = validate_document(text, path=path, family=family, profile=profile, **limits)
    data = report_to_json(report)
    cache.put(key, data, len(json.dumps(data)))
    return report


def result_cache(context: Any) -> Any:
    """The context's result cache port, or None for a context without the system store."""
    system = getattr(context, "system", None)
    return system.result_cache if system is not None else None
