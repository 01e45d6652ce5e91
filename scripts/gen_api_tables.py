#!/usr/bin/env python3
"""Generate the API tables under config/truth/api/ from the API inventories.

Sources (TSV, columns `namespace type kind member member_kind`, see
../shared/api-inventory/README.md):

- `../shared/api-inventory/<family>/<platform>.tsv`, extracted from the official API
  reference repositories (the commits are listed in SOURCES below);
- `data/api-inventory/slides/*.tsv`, extracted from the Aspose.Slides registry packages by
  `scripts/extract_slides_inventory.py` (versions in data/api-inventory/slides/SOURCES.json).

Each table is written as `config/truth/api/<family>/<table>.json` (format in
chalicelib/engine/truth/inventory.py) and listed in `config/truth/api/index.json` with its
digest, completeness and source. Every row is validated first; a malformed row names the
file, line and field and nothing is written. `--check` writes nothing and exits 1 when a
committed file differs from what the inventories give (tests/unit/truth/test_api_tables.py
runs the same comparison).

    .venv/bin/python scripts/gen_api_tables.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib.engine.truth.inventory import (  # noqa: E402 - after the path set-up
    FUNCTIONS,
    INDEX_FILE,
    MEMBER_KINDS,
    NAMES_FILE,
    TYPE_KINDS,
    TypeInfo,
    check_name,
    encode_table,
    table_path,
)

SHARED = ROOT.parent / "shared" / "api-inventory"
LOCAL = ROOT / "data" / "api-inventory"
API_DIR = ROOT / "config" / "truth" / "api"
HEADER = ["namespace", "type", "kind", "member", "member_kind"]

_WORDS = "aspose-words/Aspose.Words-API-References@51a0ed41a1b28d7b1706e459f0fbfc93f06861e8"
_CELLS = "aspose-cells/Aspose.Cells-API-References@d710217a74cc045a5f1046ccef4ca1b9f60199af"
_CELLS_PY = "aspose-cells/Aspose.Cells-Python-NET-API-References@e97bbef3434c9f4d0c370e8df822f58a38f82852"
_PDF = "aspose-pdf/Aspose.PDF-API-References@de4c5a798f21a488c8790a87ed57153732cd33cb"
_SLIDES_PARTIAL = "aspose-slides/Aspose.Slides-API-References@308376bb82c7ba275f62d9e9c16d14467a7541f8 (type list)"


@dataclass(frozen=True)
class Source:
    """One generated table: its inventory files (merged in order) and whether it is complete,
    i.e. whether a name it lacks is evidence that the name does not exist."""

    family: str
    table: str
    files: tuple[Path, ...]
    complete: bool
    origin: str


def _shared(family: str, platform: str, origin: str, complete: bool = True) -> Source:
    return Source(family, platform, (SHARED / family / f"{platform}.tsv",), complete, origin)


def _slides_origin(table: str) -> str:
    path = LOCAL / "slides" / "SOURCES.json"
    return json.loads(path.read_text(encoding="utf-8"))[table] if path.exists() else "data/api-inventory/slides"


SOURCES: tuple[Source, ...] = (
    *(_shared("words", platform, _WORDS) for platform in ("cpp", "java", "net", "nodejs-net", "python-net")),
    *(
        _shared("cells", platform, _CELLS)
        for platform in ("cpp", "go-cpp", "java", "javascript-cpp", "net", "nodejs-cpp")
    ),
    _shared("cells", "python-net", _CELLS_PY),
    *(
        _shared("pdf", platform, _PDF)
        for platform in ("cpp", "go-cpp", "java", "javascript-cpp", "net", "nodejs-cpp", "python-cpp", "python-net")
    ),
    _shared("pdf", "rust-cpp", _PDF),
    Source(
        "slides",
        "java",
        (LOCAL / "slides" / "java.tsv", SHARED / "slides" / "java.types-partial.tsv"),
        True,
        f"{_slides_origin('java')} + {_SLIDES_PARTIAL}",
    ),
    Source("slides", "python-net", (LOCAL / "slides" / "python-net.tsv",), True, _slides_origin("python-net")),
)


class InventoryError(ValueError):
    """A malformed inventory row: names the file, line and field."""

    def __init__(self, path: Path, line: int, field: str, reason: str) -> None:
        super().__init__(f"{_shown(path)}:{line}: {field}: {reason}")


def _shown(path: Path) -> str:
    for base in (ROOT, ROOT.parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def read_inventory(path: Path, namespaces: list[str], types: dict[str, TypeInfo]) -> None:
    """Add one TSV's rows to `types` (first kind of a type or member wins); validates every row."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InventoryError(path, 0, "file", f"cannot read: {error}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].split("\t") != HEADER:
        raise InventoryError(path, 1, "header", f"must be {' '.join(HEADER)} separated by tabs")
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(HEADER):
            raise InventoryError(path, number, "row", f"{len(fields)} fields, expected {len(HEADER)}")
        namespace, name, kind, member, member_kind = fields
        problem = check_name(name)
        if problem:
            raise InventoryError(path, number, "type", f"{name!r}: {problem}")
        if kind not in TYPE_KINDS:
            raise InventoryError(path, number, "kind", f"{kind!r} is not one of {', '.join(TYPE_KINDS)}")
        if member or member_kind:
            problem = check_name(member)
            if problem:
                raise InventoryError(path, number, "member", f"{member!r}: {problem}")
            if member_kind not in MEMBER_KINDS:
                raise InventoryError(
                    path, number, "member_kind", f"{member_kind!r} is not one of {', '.join(MEMBER_KINDS)}"
                )
        if namespace not in namespaces:
            namespaces.append(namespace)
        info = types.get(name)
        if info is None:
            info = types[name] = TypeInfo(namespace, kind, {})
        if member:
            info.members.setdefault(member, member_kind)


def build() -> dict[Path, str]:
    """Every generated file (path -> text), validated; raises InventoryError on a bad row."""
    outputs: dict[Path, str] = {}
    index = []
    for source in SOURCES:
        namespaces: list[str] = []
        types: dict[str, TypeInfo] = {}
        for path in source.files:
            read_inventory(path, namespaces, types)
        namespaces.sort()
        text = encode_table(source.family, source.table, namespaces, types)
        outputs[table_path(API_DIR, source.family, source.table)] = text
        index.append(
            {
                "family": source.family,
                "table": source.table,
                "complete": source.complete,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "source": source.origin,
                "types": len(types),
                "members": sum(len(info.members) for info in types.values()),
            }
        )
    for family in sorted({source.family for source in SOURCES}):
        names = set()
        for source in SOURCES:
            if source.family == family:
                names.update(_type_names(outputs[table_path(API_DIR, family, source.table)]))
        outputs[API_DIR / family / NAMES_FILE] = "".join(f"{name}\n" for name in sorted(names))
    document = {"generator": "scripts/gen_api_tables.py", "tables": index}
    outputs[API_DIR / INDEX_FILE] = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    return outputs


def _type_names(table_text: str) -> list[str]:
    """The type names of an encoded table (pseudo-types such as `(functions)` left out)."""
    names = json.loads(table_text)["types"]
    return [name for name in names if name != FUNCTIONS and " " not in name]


def stale(outputs: dict[Path, str]) -> list[Path]:
    """Generated files that are missing, differ, or are left over from an older run."""
    changed = [path for path, text in outputs.items() if not path.exists() or path.read_text("utf-8") != text]
    generated = [*API_DIR.glob("*/*.json"), *API_DIR.glob(f"*/{NAMES_FILE}")] if API_DIR.exists() else []
    leftovers = [path for path in generated if path not in outputs]
    return sorted(changed + leftovers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate config/truth/api/ from the API inventories.")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the tables are not current")
    args = parser.parse_args(argv)
    try:
        outputs = build()
    except InventoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    differing = stale(outputs)
    if args.check:
        for path in differing:
            print(f"not current: {_shown(path)}", file=sys.stderr)
        return 1 if differing else 0
    for path in differing:
        if path in outputs:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outputs[path], encoding="utf-8")
        else:
            path.unlink()
    total = sum(len(text) for text in outputs.values())
    print(f"{len(outputs) - 1} tables, {total / 1e6:.1f} MB; {len(differing)} file(s) written or removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
