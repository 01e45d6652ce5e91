"""Load config/truth/*.yaml into a registry of validated truth tables.

Files whose name starts with `_` hold shared data (the standard-library allow-list) and
are not families. Any problem in any file raises `TruthTableError` naming the file, the
field path (e.g. `plugins[3].types`) and the reason.

The generated API tables (config/truth/api/) are not read here: only their index, which
says which tables exist, whether each is complete and its digest (part of the registry's
fingerprint). A platform's table is read on the platform's first use (`TruthTable.api`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.engine.truth.errors import TruthTableError
from chalicelib.engine.truth.inventory import TableInfo, load_index
from chalicelib.engine.truth.schema import StdlibSpec, TruthTableSpec, cross_reference_errors
from chalicelib.engine.truth.table import TruthTable

STDLIB_FILE = "_stdlib.yaml"
API_DIR = "api"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is present
T = TypeVar("T")


def _field_path(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_LOADER)  # nosec B506  # _LOADER is yaml's (C)SafeLoader
    except (OSError, UnicodeDecodeError) as error:
        raise TruthTableError(path.name, "", f"cannot read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TruthTableError(path.name, "", f"invalid YAML{where}: {getattr(error, 'problem', error)}") from None


def _validate(path: Path, model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise TruthTableError(path.name, "", "the file must hold a mapping")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise TruthTableError(path.name, _field_path(tuple(first["loc"])), first["msg"]) from None


def load_table(
    path: Path, stdlib: StdlibSpec | None = None, index: dict[tuple[str, str], TableInfo] | None = None
) -> TruthTable:
    """Load and validate one family table; each platform's `api` must name a generated
    table listed in the index of config/truth/api/ (read from beside `path` if not given)."""
    spec: TruthTableSpec = _validate(path, TruthTableSpec, _read_yaml(path))
    if spec.family != path.stem:
        raise TruthTableError(path.name, "family", f"{spec.family!r} does not match the file name {path.stem!r}")
    for where, reason in cross_reference_errors(spec):
        raise TruthTableError(path.name, where, reason)
    api_dir = path.parent / API_DIR
    if index is None:
        index = load_index(api_dir)
    tables = {table: info for (family, table), info in index.items() if family == spec.family}
    for name, platform in spec.platforms.items():
        if platform.api is not None and platform.api not in tables:
            raise TruthTableError(
                path.name,
                f"platforms.{name}.api",
                f"no generated table {spec.family}/{platform.api} (run scripts/gen_api_tables.py)",
            )
    return TruthTable(spec, stdlib or StdlibSpec(), api_dir, tables)


@dataclass(frozen=True)
class TruthRegistry:
    tables: dict[str, TruthTable]
    fingerprint: str
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def families(self) -> list[str]:
        return sorted(self.tables)

    def get(self, family: str | None) -> TruthTable | None:
        return self.tables.get(family) if family else None

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Artefacts derived from all tables together (built once per registry)."""
        value: T | None = self._cache.get(key)
        if value is None:
            value = self._cache[key] = build()
        return value


def load_truth_registry(config_dir: Path) -> TruthRegistry:
    """Every table under `config_dir/truth` (or `config_dir` itself if it holds the tables)."""
    truth_dir = config_dir / "truth" if (config_dir / "truth").is_dir() else config_dir
    stdlib_path = truth_dir / STDLIB_FILE
    stdlib = _validate(stdlib_path, StdlibSpec, _read_yaml(stdlib_path)) if stdlib_path.exists() else StdlibSpec()
    index = load_index(truth_dir / API_DIR)
    tables: dict[str, TruthTable] = {}
    for path in sorted(truth_dir.glob("*.yaml")):
        if not path.name.startswith("_"):
            table = load_table(path, stdlib, index)
            tables[table.family] = table
    digest = hashlib.sha256(json.dumps(stdlib.model_dump(), sort_keys=True).encode())
    for family in sorted(tables):
        digest.update(json.dumps(tables[family].spec.model_dump(), sort_keys=True).encode())
        for table_id, info in sorted(tables[family].tables.items()):
            digest.update(f"{table_id}:{info.sha256}:{info.complete}".encode())
    return TruthRegistry(tables, digest.hexdigest()[:16])
