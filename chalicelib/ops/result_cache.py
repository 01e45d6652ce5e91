"""The validation result cache: an engine report is reused when the same content is
validated again under the same ruleset version, family, profile and path (the path is in
the key because rules read it: family selection, relative links). A hit skips the engine.

The store keeps reports as JSON under keys it defines (`chalicelib.store.result_cache`);
this module decides what a report depends on and maps Report <-> JSON.
"""

from __future__ import annotations

import hashlib
import json

from chalicelib.engine import Report, validate_document
from chalicelib.engine.model import report_from_json, report_to_json
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.ops.ports import ResultCache
from chalicelib.settings import get_settings
from chalicelib.store.result_cache import cache_key


def validate_cached(cache: ResultCache, text: str, path: str | None, family: str | None, profile: str) -> Report:
    """The engine's report for this text, from `cache` when it holds one. The issue caps
    (TBCV_MAX_ISSUES_PER_REPORT, TBCV_MAX_ISSUES_PER_RULE) shape the report, so they are part
    of the key."""
    settings = get_settings()
    limits = {"max_issues": settings.max_issues_per_report, "max_issues_per_rule": settings.max_issues_per_rule}
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    caps = f"{limits['max_issues']}/{limits['max_issues_per_rule']}"
    key = cache_key(digest, load_ruleset().version, family, profile, f"{path or ''}|{caps}")
    cached = cache.get(key)
    if cached is not None:
        return report_from_json(cached, timings_ms={"cached": 0.0})
    report = validate_document(text, path=path, family=family, profile=profile, **limits)
    data = report_to_json(report)
    cache.put(key, data, len(json.dumps(data)))
    return report
