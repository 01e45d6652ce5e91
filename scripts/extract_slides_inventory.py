#!/usr/bin/env python3
"""Extract Aspose.Slides API inventories from the product's own registry packages.

The Slides API reference repository is too large to mirror, so its inventory in
../shared/api-inventory is only a partial list of Java type names. The product's packages
carry the whole API in machine-readable form:

- `aspose-slides` (PyPI, Aspose.Slides for Python via .NET) ships `.pyi` stubs of every
  module: classes with their bases, properties, methods, constructors and enum members.
  Stubs list declared members only, so the members of each base class found in the stubs
  are added to the derived class (as the reference pages do).
- `aspose.slides.via.java` (npm, Aspose.Slides for Node.js via Java) ships
  `lib/aspose.slides.d.ts`, TypeScript declarations generated from the Java API: every class
  with its members under their Java names (`getSlides`, `setTrimFromEnd`), inherited members
  included, and the enums with their values. That is the Java API (Node.js via Java calls the
  Java library), so it becomes `slides/java.tsv`; namespaces and type kinds come from the
  partial reference list where it names the type.

Output: `data/api-inventory/slides/python-net.tsv` and `java.tsv` (columns and order as in
../shared/api-inventory/README.md) and `data/api-inventory/slides/SOURCES.json` (package
versions). The packages are downloaded into a temporary directory and never committed.

    .venv/bin/python scripts/extract_slides_inventory.py            # download and extract
    .venv/bin/python scripts/extract_slides_inventory.py --wheel W.whl --npm P.tgz
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "api-inventory" / "slides"
PARTIAL_JAVA = ROOT.parent / "shared" / "api-inventory" / "slides" / "java.types-partial.tsv"
PYPI_PACKAGE, NPM_PACKAGE = "aspose.slides", "aspose.slides.via.java"
HEADER = ("namespace", "type", "kind", "member", "member_kind")
Row = tuple[str, str, str, str, str]

_DTS_TYPE = re.compile(r"^    export (class|enum|interface) ([A-Za-z_]\w*)")
_DTS_MEMBER = re.compile(r"^        (?:static\s+)?(?:readonly\s+)?([A-Za-z_$][\w$]*)\s*(\??\s*[(:<])")
_DTS_ENUM_VALUE = re.compile(r"^        ([A-Za-z_]\w*)\s*(?:=|,|$)")


def _download(workdir: Path) -> tuple[Path, Path]:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", PYPI_PACKAGE, "-d", str(workdir)], check=True
    )
    subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    return next(workdir.glob("aspose_slides-*.whl")), next(workdir.glob("aspose.slides.via.java-*.tgz"))


# --- Python via .NET: .pyi stubs --------------------------------------------------------------


def _module_name(stub_path: str) -> str | None:
    """`.../purelib/asposeslides/export/xaml/__init__.pyi` -> `aspose.slides.export.xaml`."""
    parts = stub_path.split("/")
    if "asposeslides" not in parts or not stub_path.endswith("__init__.pyi"):
        return None
    inner = parts[parts.index("asposeslides") + 1 : -1]
    return ".".join(["aspose", "slides", *inner])


def _class_rows(node: ast.ClassDef) -> tuple[str, dict[str, str], list[str]]:
    """(kind, member -> member kind, base names) of one stub class."""
    bases = [base.id if isinstance(base, ast.Name) else ast.unparse(base) for base in node.bases]
    is_enum = any(base.endswith("Enum") for base in bases)
    kind = "enum" if is_enum else ("exception" if node.name.endswith("Exception") else "class")
    members: dict[str, str] = {}
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = item.target.id
            if not name.startswith("_"):
                members[name] = "enum_value" if is_enum else "field"
        elif isinstance(item, ast.FunctionDef):
            decorators = {ast.unparse(decorator) for decorator in item.decorator_list}
            if item.name == "__init__":
                members[node.name] = "constructor"
            elif item.name.startswith("_"):
                continue
            elif "property" in decorators or any(decorator.endswith(".setter") for decorator in decorators):
                members[item.name] = "property"
            else:
                members.setdefault(item.name, "method")
    return kind, members, bases


def python_rows(wheel: Path) -> list[Row]:
    classes: dict[str, tuple[str, str, dict[str, str], list[str]]] = {}
    with zipfile.ZipFile(wheel) as archive:
        for stub_path in sorted(archive.namelist()):
            module = _module_name(stub_path)
            if module is None:
                continue
            tree = ast.parse(archive.read(stub_path).decode("utf-8"), filename=stub_path)
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    kind, members, bases = _class_rows(node)
                    classes[node.name] = (module, kind, members, bases)

    def inherited(name: str, seen: frozenset[str] = frozenset()) -> dict[str, str]:
        module, kind, members, bases = classes[name]
        merged: dict[str, str] = {}
        for base in bases:
            if base in classes and base not in seen:
                merged.update(
                    (member, member_kind)
                    for member, member_kind in inherited(base, seen | {name}).items()
                    if member_kind != "constructor"
                )
        merged.update(members)
        return merged

    rows: list[Row] = []
    for name, (module, kind, _, _) in classes.items():
        members = inherited(name)
        rows.extend((module, name, kind, member, member_kind) for member, member_kind in members.items())
        if not members:
            rows.append((module, name, kind, "", ""))
    return rows


# --- Java via the Node.js via Java declarations -----------------------------------------------


def _partial_java() -> dict[str, tuple[str, str]]:
    """Type -> (namespace, kind) from the partial reference list (empty if absent)."""
    if not PARTIAL_JAVA.exists():
        return {}
    with PARTIAL_JAVA.open(encoding="utf-8", newline="") as handle:
        return {row["type"]: (row["namespace"], row["kind"]) for row in csv.DictReader(handle, delimiter="\t")}


def java_rows(package: Path) -> list[Row]:
    with tarfile.open(package) as archive:
        member = archive.getmember("package/lib/aspose.slides.d.ts")
        text = archive.extractfile(member).read().decode("utf-8", errors="replace")  # type: ignore[union-attr]
    partial = _partial_java()
    rows: list[Row] = []
    current: tuple[str, str, str] | None = None  # (namespace, type, kind)
    members: dict[str, str] = {}
    in_comment = False

    def flush() -> None:
        if current is None:
            return
        namespace, name, kind = current
        rows.extend((namespace, name, kind, member, member_kind) for member, member_kind in members.items())
        if not members:
            rows.append((namespace, name, kind, "", ""))

    for line in io.StringIO(text):
        stripped = line.strip()
        if in_comment or stripped.startswith("/*"):
            in_comment = not stripped.endswith("*/")
            continue
        declared = _DTS_TYPE.match(line)
        if declared:
            flush()
            written_kind, name = declared.groups()
            namespace, kind = partial.get(name, ("com.aspose.slides", "enum" if written_kind == "enum" else "class"))
            if written_kind == "enum":
                kind = "enum"
            elif name.endswith("Exception"):
                kind = "exception"
            current, members = (namespace, name, kind), {}
            continue
        if current is None or not line.startswith("        ") or line.startswith("         "):
            continue
        if current[2] == "enum":
            value = _DTS_ENUM_VALUE.match(line)
            if value:
                members[value.group(1)] = "enum_value"
            continue
        found = _DTS_MEMBER.match(line)
        if found:
            name, after = found.groups()
            if name == "constructor":
                members[current[1]] = "constructor"
            else:
                members.setdefault(name, "method" if after.lstrip("?").strip().startswith(("(", "<")) else "field")
    flush()
    return rows


def write_tsv(path: Path, rows: list[Row]) -> None:
    rows = sorted(set(rows), key=lambda row: (row[0], row[1], row[3]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar=None)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _version(package: Path, pattern: str) -> str:
    match = re.search(pattern, package.name)
    if not match:
        raise SystemExit(f"cannot read the version from {package.name}")
    return match.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="aspose_slides-*.whl (default: download from PyPI)")
    parser.add_argument("--npm", type=Path, help="aspose.slides.via.java-*.tgz (default: npm pack)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel, npm = args.wheel, args.npm
        if wheel is None or npm is None:
            downloaded = _download(Path(tmp))
            wheel, npm = wheel or downloaded[0], npm or downloaded[1]
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        python = python_rows(wheel)
        java = java_rows(npm)
        write_tsv(OUT_DIR / "python-net.tsv", python)
        write_tsv(OUT_DIR / "java.tsv", java)
        wheel_version = _version(wheel, r"aspose_slides-([\d.]+)-")
        npm_version = _version(npm, r"aspose\.slides\.via\.java-([\d.]+)\.tgz")
        sources = {
            "python-net": f"PyPI {PYPI_PACKAGE} {wheel_version} (.pyi stubs)",
            "java": f"npm {NPM_PACKAGE} {npm_version} (lib/aspose.slides.d.ts)",
        }
        (OUT_DIR / "SOURCES.json").write_text(json.dumps(sources, indent=2) + "\n", encoding="utf-8")
    for table, rows in (("python-net", python), ("java", java)):
        print(f"slides/{table}.tsv: {len({row[1] for row in rows})} types, {len(rows)} rows ({sources[table]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
