"""The result cache of `tbcv check`: a file's report is reused when the same bytes are checked
again at the same path under the same ruleset.

Keys: one *run key* covers what is the same for every file of a run (the engine's code, every
file of the configuration folder - profiles, families, truth tables -, the project's
`.tbcv.yaml` overrides, `--profile`/`--family`, and the set of files relative links resolve
against); each file's key adds its path, its markdownlint config object and its content's
SHA-256. The run key is computed without importing the rules, so a run whose files all hit
the cache never loads the engine.

Storage: one JSON file per entry under `<cache dir>/<key[:2]>/<key>.json` (default
`.tbcv/cache/` in the working directory, `--cache-dir` to move it). Entries are written to a
temporary file in the same folder and renamed into place, so parallel workers (`--jobs N`)
and concurrent runs never see half an entry; the last writer of an identical entry wins. An
entry that cannot be read, is not JSON, is of another schema or key (a foreign or corrupt
file) is ignored and rewritten; a cache that cannot be written never fails the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.engine.model import Report

CACHE_SCHEMA = "tbcv.cache/1"
DEFAULT_CACHE_DIR = Path(".tbcv") / "cache"


def run_key(settings: dict[str, Any], docs: frozenset[str]) -> str:
    """The part of every key that is the same for a whole run."""
    from chalicelib.engine.sources import inputs_digest

    docs_digest = hashlib.sha256("\n".join(sorted(docs)).encode("utf-8", "surrogatepass")).hexdigest()
    return inputs_digest({"schema": CACHE_SCHEMA, "settings": settings, "docs": docs_digest})


class ResultCache:
    def __init__(self, directory: Path, run: str):
        self.directory = directory
        self.run = run

    def key(self, path: str, markdownlint: str, content_sha256: str) -> str:
        """The entry key of one file: its path, its markdownlint config (as text) and content."""
        return hashlib.sha256("\0".join((self.run, path, markdownlint, content_sha256)).encode()).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Report | None:
        """The cached report, or None (missing, unreadable, corrupt or foreign entry)."""
        from chalicelib.engine.model import report_from_json

        try:
            with open(self._entry(key), "rb") as handle:
                data = json.loads(handle.read())
            if data.get("schema") != CACHE_SCHEMA or data.get("key") != key:
                return None
            return report_from_json(data["report"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, report: Report) -> None:
        """Store an entry atomically (temporary file + rename); errors are ignored."""
        from chalicelib.engine.model import report_to_json

        entry = self._entry(key)
        data = json.dumps({"schema": CACHE_SCHEMA, "key": key, "report": report_to_json(report)}, ensure_ascii=False)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(data)
                os.replace(temporary, entry)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass
