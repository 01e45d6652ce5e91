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
from collections.abc import Callable
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
    NAMINGS,
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
class JavaFromNet:
    """Types of a .NET namespace that a Java reference lacks, added by name only: for a package
    the Java product ships but its reference does not document (PDF `com.aspose.pdf.plugins`).
    Their Java member names cannot be derived exactly (`getResultCollectionInternal`), so the
    types are added without members, which the checks read as "members unknown". Never
    replaces a Java type."""

    file: Path
    namespace: str  # .NET namespace to take, e.g. Aspose.Pdf.Plugins
    java_namespace: str  # where the types live in Java, e.g. com.aspose.pdf.plugins

    def add_to(self, namespaces: list[str], types: dict[str, TypeInfo]) -> None:
        net_namespaces: list[str] = []
        net_types: dict[str, TypeInfo] = {}
        read_inventory(self.file, net_namespaces, net_types)
        for name, info in net_types.items():
            if info.namespace == self.namespace and name not in types:
                types[name] = TypeInfo(self.java_namespace, info.kind, {})
        if self.java_namespace not in namespaces:
            namespaces.append(self.java_namespace)


@dataclass(frozen=True)
class PlatformOnlyMembers:
    """Members the official reference of a platform documents that the inventories a table is
    derived from cannot have: .NET-only API built on System.Drawing printing and GDI+, which
    Python via .NET and Java do not ship (Slides `Presentation.Print`). Added to their types
    so a derived table does not call them unknown; each entry names its reference page."""

    members: tuple[tuple[str, str, str, str], ...]  # (type, member, member kind, reference page)

    def add_to(self, namespaces: list[str], types: dict[str, TypeInfo]) -> None:
        for type_name, member, kind, _page in self.members:
            types[type_name].members.setdefault(member, kind)


_SLIDES_NET_REF = "aspose-slides/Aspose.Slides-API-References english/net/aspose.slides"
SLIDES_NET_ONLY = PlatformOnlyMembers(
    (
        ("Presentation", "Print", "method", f"{_SLIDES_NET_REF}/presentation/print"),
        ("Slide", "RenderToGraphics", "method", f"{_SLIDES_NET_REF}/slide/rendertographics"),
        ("PPImage", "SystemImage", "property", f"{_SLIDES_NET_REF}/ppimage/systemimage"),
    )
)


def dotnet_spelling(member: str) -> str:
    """How .NET writes a member that Python via .NET or Java names: `add_empty_slide` and
    `addEmptySlide` -> `AddEmptySlide`, `BENT_CONNECTOR2` -> `BentConnector2`, Java's getter
    `getSlides` -> the property `Slides`. For messages only: a table derived this way is
    compared by `normalise_member`, which gives every spelling the same key."""
    if "_" in member or member.islower() or member.isupper():
        return "".join(part[:1].upper() + part[1:].lower() for part in member.split("_") if part)
    if member[:3] in ("get", "set") and member[3:4].isupper():
        member = member[3:]
    return member[:1].upper() + member[1:]


@dataclass(frozen=True)
class Source:
    """One generated table: its inventory files (merged in order), any derived additions, and
    whether it is complete, i.e. whether a name it lacks is evidence that it does not exist.

    `naming="normalised"` makes a table for a platform that has no inventory of its own from
    platforms generated from the same API (Slides .NET and C++ from Python via .NET and
    Java): member names are written in .NET spelling and compared by `normalise_member`."""

    family: str
    table: str
    files: tuple[Path, ...]
    complete: bool
    origin: str
    derived: tuple[JavaFromNet | PlatformOnlyMembers, ...] = ()
    naming: str = "exact"


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
        for platform in ("cpp", "go-cpp", "javascript-cpp", "net", "nodejs-cpp", "python-cpp", "python-net")
    ),
    Source(
        "pdf",
        "java",
        (SHARED / "pdf" / "java.tsv",),
        True,
        f"{_PDF} + the type names of Aspose.Pdf.Plugins from the .NET reference (the Java reference lacks them)",
        (JavaFromNet(SHARED / "pdf" / "net.tsv", "Aspose.Pdf.Plugins", "com.aspose.pdf.plugins"),),
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
    Source(
        "slides",
        "net",
        (LOCAL / "slides" / "python-net.tsv", LOCAL / "slides" / "java.tsv"),
        True,
        f"derived from {_slides_origin('python-net')} and {_slides_origin('java')}: the same API generated "
        "from .NET; members compared by normalised name (read by the .NET and C++ platforms); "
        "plus the .NET-only members of the .NET reference (Print, RenderToGraphics, SystemImage)",
        (SLIDES_NET_ONLY,),
        naming="normalised",
    ),
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


def read_inventory(
    path: Path, namespaces: list[str], types: dict[str, TypeInfo], spelling: Callable[[str], str] = str
) -> None:
    """Add one TSV's rows to `types` (first kind of a type or member wins), member names
    written by `spelling`; validates every row."""
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
            info.members.setdefault(spelling(member), member_kind)


def build() -> dict[Path, str]:
    """Every generated file (path -> text), validated; raises InventoryError on a bad row."""
    outputs: dict[Path, str] = {}
    index = []
    for source in SOURCES:
        namespaces: list[str] = []
        types: dict[str, TypeInfo] = {}
        if source.naming not in NAMINGS:
            raise ValueError(f"{source.family}/{source.table}: naming {source.naming!r} is not one of {NAMINGS}")
        spelling = dotnet_spelling if source.naming == "normalised" else str
        for path in source.files:
            read_inventory(path, namespaces, types, spelling)
        for derivation in source.derived:
            derivation.add_to(namespaces, types)
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
                "naming": source.naming,
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
