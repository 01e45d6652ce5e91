"""Cached engine reports (`cache` / `<key>` in the system table, TTL `result_cache_days`)
and their hit/miss counts (`counter` / `cache`, atomic ADDs).

The key format is defined here, once: `<sha256>|<ruleset version>|<family>|<profile>|<path
digest>`. Its readable prefix lets statistics and cleanup see an entry's ruleset version
without reading the report."""

from __future__ import annotations

import hashlib
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.store.models import SystemEntryModel
from chalicelib.store.records import expiry, utc_now
from chalicelib.store.tables import TableNames

MAX_CACHED_BYTES = 350 * 1024  # DynamoDB items stop at 400 KB
_KEY_PARTS = 5


def cache_key(content_sha256: str, ruleset_version: str, family: str | None, profile: str, path: str | None) -> str:
    """The key of a report: what it depends on (the path is hashed: keys stay short)."""
    path_digest = hashlib.sha256((path or "").encode()).hexdigest()[:16]
    return f"{content_sha256}|{ruleset_version}|{family or '-'}|{profile}|{path_digest}"


def key_version(key: str) -> str | None:
    """The ruleset version in a cache key; None for a key of another format."""
    parts = key.split("|")
    return parts[1] if len(parts) == _KEY_PARTS else None


class CounterModel(Model):
    TABLE = "system"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    hits = NumberAttribute(null=True)
    misses = NumberAttribute(null=True)


class ResultCacheStore:
    """Engine reports (as JSON) by cache key."""

    def __init__(self, tables: TableNames, retention_days: int):
        self._entries = tables.bind(SystemEntryModel)
        self._counters = tables.bind(CounterModel)
        self._retention_days = retention_days

    def get(self, key: str) -> dict | None:
        """The report under `key`, counted as a hit or a miss."""
        try:
            item = self._entries.get("cache", key)
        except DoesNotExist:
            item = None
        self._counters(pk="counter", sk="cache").update(
            actions=[(self._counters.hits if item else self._counters.misses).add(1)]
        )
        return item.data if item else None

    def put(self, key: str, report: dict, size: int) -> bool:
        """Store a report unless it is too large for one item; True when stored."""
        if size > MAX_CACHED_BYTES:
            return False
        self._entries(
            pk="cache", sk=key, data=report, updated_at=utc_now(), expires_at=expiry(self._retention_days)
        ).save()
        return True

    def stats(self) -> dict[str, Any]:
        """Entries (by ruleset version; `unknown` for keys of another format) and hit/miss counts."""
        entries, versions = 0, dict[str, int]()
        for item in self._entries.query("cache", attributes_to_get=["pk", "sk"]):
            entries += 1
            version = key_version(item.sk) or "unknown"
            versions[version] = versions.get(version, 0) + 1
        try:
            counter = self._counters.get("counter", "cache")
            hits, misses = int(counter.hits or 0), int(counter.misses or 0)
        except DoesNotExist:
            hits = misses = 0
        return {"entries": entries, "hits": hits, "misses": misses, "by_ruleset_version": versions}

    def clear(self) -> int:
        """Delete every entry; returns how many."""
        return self._delete(lambda key: True)

    def delete_other_versions(self, ruleset_version: str) -> int:
        """Delete the entries of every other ruleset version (they can never be hit again);
        returns how many."""
        return self._delete(lambda key: key_version(key) != ruleset_version)

    def _delete(self, doomed) -> int:
        removed = 0
        with self._entries.batch_write() as batch:
            for item in self._entries.query("cache", attributes_to_get=["pk", "sk"]):
                if doomed(item.sk):
                    batch.delete(item)
                    removed += 1
        return removed

    def reset_counters(self) -> None:
        self._counters(pk="counter", sk="cache", hits=0, misses=0).save()
