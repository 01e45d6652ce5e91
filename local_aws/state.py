"""Durable local data: the stack's DynamoDB items and S3 object versions, kept on disk.

moto keeps everything in memory, so without this a restart of `make run` loses every
validation, document and audit event. The stack takes a **snapshot** every couple of
seconds when something changed (and one when it stops) and **restores** the latest at
start, so a crash (SIGKILL) loses at most the writes of the last interval.

Layout of the state directory (`.tbcv/state/`, or `TBCV_STATE_DIR`):

    CURRENT                 the name of the latest complete snapshot (replaced atomically)
    snapshot-<n>/
      manifest.json         schema, counts and the SHA-256 of every file below
      dynamodb/<table>.jsonl  one item per line, in DynamoDB JSON
      s3.jsonl              one object version per line (bucket, key, version id,
                            metadata, time, blob name), oldest version first
    blobs/<sha256>          object contents, written once (content-addressed)

A snapshot is written into a temporary folder and becomes current only when every file
is on disk, so a full disk or a crash while writing leaves the previous one usable
(the error is logged). Tables that did not change since the last snapshot are
hard-linked, not rewritten. Restoring checks everything (schema, checksums, counts,
that every table and bucket exists) before it writes anything, and refuses a corrupt
or foreign directory with the file named: it never replaces it silently.

Restored objects keep their version ids and times (validations point at them) and
raise no upload notification (they were validated when first written).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.s3.models import FakeDeleteMarker, S3Backend, s3_backends

from local_aws.dynamodb_lock import DYNAMODB_LOCK
from local_aws.template import ACCOUNT

SCHEMA = "tbcv.local-state/1"
CURRENT = "CURRENT"
DEFAULT_INTERVAL_SECONDS = 2.0
_log = logging.getLogger("tbcv.local_state")

_DYNAMODB_WRITES = ("put_item", "update_item", "delete_item")
_S3_WRITES = ("put_object", "delete_object", "copy_object", "_set_delete_marker")


class StateError(Exception):
    """The state directory cannot be restored; names the file and what is wrong with it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class RestoreSummary:
    snapshot: str | None
    items: int
    objects: int

    @property
    def empty(self) -> bool:
        return self.snapshot is None


class _Changes:
    """Which tables and whether S3 changed since the last snapshot, fed by the backends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.tables: set[str] = set()
        self.s3 = False

    def table(self, name: str) -> None:
        with self._lock:
            self.tables.add(name)

    def objects(self) -> None:
        with self._lock:
            self.s3 = True

    def take(self) -> tuple[set[str], bool]:
        with self._lock:
            tables, s3 = self.tables, self.s3
            self.tables, self.s3 = set(), False
            return tables, s3

    def put_back(self, tables: set[str], s3: bool) -> None:
        with self._lock:
            self.tables |= tables
            self.s3 = self.s3 or s3


_changes = _Changes()
_installed: list[tuple[type, str, Callable[..., Any]]] = []


def _track(cls: type, name: str, note: Callable[[tuple[Any, ...]], None]) -> None:
    original = getattr(cls, name)

    def tracked(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        note(args)
        return result

    setattr(cls, name, tracked)
    _installed.append((cls, name, original))


def install_change_tracking() -> None:
    """Note every DynamoDB and S3 write (after it happened) for the next snapshot."""
    if _installed:
        return
    for name in _DYNAMODB_WRITES:
        _track(DynamoDBBackend, name, lambda args: _changes.table(args[0]))
    for name in _S3_WRITES:
        _track(S3Backend, name, lambda args: _changes.objects())


def uninstall_change_tracking() -> None:
    while _installed:
        cls, name, original = _installed.pop()
        setattr(cls, name, original)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_lines(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    return count


class LocalState:
    """Snapshots of the stack's tables and buckets in `directory`, restored at start."""

    def __init__(
        self,
        directory: Path,
        *,
        tables: list[str],
        buckets: list[str],
        region: str,
        interval: float = DEFAULT_INTERVAL_SECONDS,
    ) -> None:
        self.directory = directory
        self.tables = tables
        self.buckets = buckets
        self.region = region
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._current: str | None = None
        self._sequence = 0

    # -- backends -------------------------------------------------------------------
    def _dynamodb(self) -> DynamoDBBackend:
        return dynamodb_backends[ACCOUNT][self.region]

    def _s3(self) -> S3Backend:
        return s3_backends[ACCOUNT]["aws"]

    # -- restore --------------------------------------------------------------------
    def _current_snapshot(self) -> Path | None:
        pointer = self.directory / CURRENT
        if not self.directory.exists():
            return None
        if not self.directory.is_dir():
            raise StateError(self.directory, "is not a directory")
        if not pointer.exists():
            # a crash during the very first snapshot leaves only blobs and a partial folder
            if any(entry.name != "blobs" and not entry.name.startswith(".") for entry in self.directory.iterdir()):
                raise StateError(pointer, "missing: this directory holds something that is not TBCV local state")
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        if not name.startswith("snapshot-") or "/" in name or not (self.directory / name).is_dir():
            raise StateError(pointer, f"names no snapshot folder here ({name!r})")
        return self.directory / name

    def _read_manifest(self, snapshot: Path) -> dict[str, Any]:
        path = snapshot / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StateError(path, "missing") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise StateError(path, f"not JSON ({error})") from None
        if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
            raise StateError(path, f"schema is not {SCHEMA!r}: written by another program or version")
        return manifest

    def _checked_rows(self, snapshot: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
        path = snapshot / entry["file"]
        if not path.is_file():
            raise StateError(path, "missing")
        if _sha256(path) != entry["sha256"]:
            raise StateError(path, "checksum does not match the manifest (the file was changed or cut short)")
        rows = []
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    row = json.loads(line)
                except ValueError as error:
                    raise StateError(path, f"line {number} is not JSON ({error})") from None
                if not isinstance(row, dict):
                    raise StateError(path, f"line {number} is not an object")
                rows.append(row)
        if len(rows) != entry["count"]:
            raise StateError(path, f"{len(rows)} rows, the manifest says {entry['count']}")
        return rows

    def restore(self) -> RestoreSummary:
        """Load the latest snapshot into the (freshly bootstrapped) backends, or nothing."""
        snapshot = self._current_snapshot()
        if snapshot is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            return RestoreSummary(None, 0, 0)
        manifest = self._read_manifest(snapshot)
        manifest_path = snapshot / "manifest.json"
        try:
            table_rows = {name: self._checked_rows(snapshot, entry) for name, entry in manifest["tables"].items()}
            object_rows = self._checked_rows(snapshot, manifest["s3"])
        except (KeyError, TypeError) as error:
            raise StateError(manifest_path, f"malformed ({error!r} missing or wrong)") from None
        dynamodb = self._dynamodb()
        for name in table_rows:
            if name not in dynamodb.tables:
                raise StateError(manifest_path, f"table {name!r} is not a table of this stack")
        s3 = self._s3()
        for row in object_rows:
            if row.get("bucket") not in s3.buckets:
                raise StateError(manifest_path, f"bucket {row.get('bucket')!r} is not a bucket of this stack")
            blob = row.get("blob")
            if blob is not None and not (self.directory / "blobs" / blob).is_file():
                raise StateError(self.directory / "blobs" / str(blob), "missing (named in s3.jsonl)")
        items = 0
        for name, rows in table_rows.items():
            table = dynamodb.get_table(name)
            for row in rows:
                table.put_item(row)
                items += 1
        for row in object_rows:
            self._restore_version(s3, row)
        self._current = snapshot.name
        self._sequence = int(snapshot.name.removeprefix("snapshot-"))
        return RestoreSummary(snapshot.name, items, len(object_rows))

    def _restore_version(self, s3: S3Backend, row: dict[str, Any]) -> None:
        if row.get("delete_marker"):
            marker = s3._set_delete_marker(row["bucket"], row["key"])
            marker._version_id = row["version_id"]
            return
        value = (self.directory / "blobs" / row["blob"]).read_bytes()
        key = s3.put_object(row["bucket"], row["key"], value, disable_notification=True)
        key._version_id = row["version_id"]
        key.last_modified = datetime.fromisoformat(row["last_modified"])
        for name, header in row.get("metadata", {}).items():
            key._metadata[name] = header

    # -- snapshot -------------------------------------------------------------------
    def _blob(self, value: bytes) -> str:
        name = hashlib.sha256(value).hexdigest()
        path = self.directory / "blobs" / name
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            partial = path.with_suffix(".partial")
            with partial.open("wb") as handle:
                handle.write(value)
                handle.flush()
                os.fsync(handle.fileno())
            partial.replace(path)
        return name

    def _object_rows(self) -> list[dict[str, Any]]:
        s3 = self._s3()
        rows = []
        for bucket_name in self.buckets:
            bucket = s3.buckets.get(bucket_name)
            if bucket is None:
                continue
            for key_name in list(bucket.keys.keys()):
                for version in list(bucket.keys.getlist(key_name)):
                    if isinstance(version, FakeDeleteMarker):
                        rows.append(
                            {
                                "bucket": bucket_name,
                                "key": key_name,
                                "version_id": version.version_id,
                                "delete_marker": True,
                            }
                        )
                        continue
                    rows.append(
                        {
                            "bucket": bucket_name,
                            "key": key_name,
                            "version_id": version.version_id,
                            "last_modified": version.last_modified.isoformat(),
                            "metadata": dict(version.metadata),
                            "blob": self._blob(version.value),
                        }
                    )
        return rows

    def snapshot(self, *, force: bool = False) -> bool:
        """Write a snapshot if anything changed (or `force`); False when there was nothing
        to write or writing failed (the previous snapshot stays current)."""
        with self._write_lock:
            tables, s3_changed = _changes.take()
            if not (tables or s3_changed or force):
                return False
            try:
                self._write(tables, s3_changed or force)
                return True
            except RuntimeError as error:  # an S3 write changed a bucket while it was read
                _changes.put_back(tables, s3_changed)
                _log.warning("local state: snapshot postponed (%s)", error)
                return False
            except OSError as error:
                _changes.put_back(tables, s3_changed)
                _log.error("local state: snapshot not written (%s); the previous one stays current", error)
                return False

    def _write(self, changed: set[str], s3_changed: bool) -> None:
        previous = self.directory / self._current if self._current else None
        previous_manifest = self._read_manifest(previous) if previous else None
        self._sequence += 1
        name = f"snapshot-{self._sequence}"
        partial = self.directory / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        (partial / "dynamodb").mkdir(parents=True)
        manifest: dict[str, Any] = {"schema": SCHEMA, "created": datetime.now().isoformat(), "tables": {}}
        dynamodb = self._dynamodb()
        for table_name in self.tables:
            file = f"dynamodb/{table_name}.jsonl"
            reused = previous_manifest and table_name not in changed and table_name in previous_manifest["tables"]
            if reused and previous is not None and previous_manifest is not None:
                os.link(previous / file, partial / file)
                manifest["tables"][table_name] = previous_manifest["tables"][table_name]
                continue
            with DYNAMODB_LOCK:  # a consistent table: no write lands while it is read
                table = dynamodb.tables.get(table_name)
                rows = [item.to_json()["Attributes"] for item in table.all_items()] if table else []
            count = _write_lines(partial / file, rows)
            manifest["tables"][table_name] = {"file": file, "count": count, "sha256": _sha256(partial / file)}
        if previous_manifest and previous is not None and not s3_changed:
            os.link(previous / "s3.jsonl", partial / "s3.jsonl")
            manifest["s3"] = previous_manifest["s3"]
        else:
            count = _write_lines(partial / "s3.jsonl", self._object_rows())
            manifest["s3"] = {"file": "s3.jsonl", "count": count, "sha256": _sha256(partial / "s3.jsonl")}
        _write_lines(partial / "manifest.json", [manifest])
        partial.rename(self.directory / name)
        pointer = self.directory / f".{CURRENT}.partial"
        pointer.write_text(name + "\n", encoding="utf-8")
        pointer.replace(self.directory / CURRENT)
        self._current = name
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
        if s3_changed:
            self._collect_blobs()

    def _collect_blobs(self) -> None:
        """Remove blobs no object version of the current snapshot names (deleted data)."""
        snapshot = self.directory / self._current if self._current else None
        if snapshot is None or not (self.directory / "blobs").is_dir():
            return
        with (snapshot / "s3.jsonl").open(encoding="utf-8") as handle:
            named = {json.loads(line).get("blob") for line in handle}
        for blob in (self.directory / "blobs").iterdir():
            if blob.name not in named:
                blob.unlink(missing_ok=True)

    # -- background -----------------------------------------------------------------
    def start(self) -> LocalState:
        self._thread = threading.Thread(target=self._run, daemon=True, name="local-state")
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.snapshot()

    def stop(self) -> None:
        """Stop the background snapshots and write the last changes."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.snapshot()
