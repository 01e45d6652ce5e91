#!/usr/bin/env python3
"""How exact is a table derived by normalised names? (docs/truth-tables.md, "Derived tables")

Slides .NET and C++ are checked against a table derived from the Python via .NET and Java
inventories, compared by `normalise_member`. This measures, on the families that ship all
the inventories (Words, Cells), how many .NET/C++ member names the same derivation would
call unknown: members of types the Python table has, set aside what the checker never
reports (constructors, destructors, operators, events, the platform's `object_members`).

    .venv/bin/python scripts/measure_derived_naming.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib.engine.truth.inventory import normalise_enum_value, normalise_member  # noqa: E402

SHARED = ROOT.parent / "shared" / "api-inventory"
NEVER_REPORTED_KINDS = ("constructor", "event")
# Separate products documented in the Cells .NET reference (grid controls) that no other
# platform ships: left out of the .NET/C++ side.
OTHER_PRODUCTS = ("Aspose.Cells.GridWeb", "Aspose.Cells.GridDesktop", "Aspose.Cells.GridJs")


def read(path: Path) -> dict[str, dict[str, str]]:
    """type -> {member: member kind} of one inventory."""
    types: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["namespace"].startswith(OTHER_PRODUCTS):
                continue
            members = types.setdefault(row["type"], {})
            if row["member"]:
                members[row["member"]] = row["member_kind"]
    return types


def measure(family: str, platform: str, object_members: frozenset[str]) -> str:
    python = read(SHARED / family / "python-net.tsv")
    java = read(SHARED / family / "java.tsv")
    known_python = {normalise_member(m) for members in python.values() for m in members}
    known_both = known_python | {normalise_member(m) for members in java.values() for m in members}
    names: set[str] = set()
    unknown_python: set[str] = set()
    unknown_both: set[str] = set()
    values = unknown_values = 0
    for type_name, members in read(SHARED / family / f"{platform}.tsv").items():
        if type_name not in python:
            continue
        enum_keys = {normalise_enum_value(m) for m, kind in python[type_name].items() if kind == "enum_value"}
        for member, kind in members.items():
            if kind in NEVER_REPORTED_KINDS or member.startswith(("operator", "~")) or member in object_members:
                continue
            if kind == "enum_value":
                values += 1
                unknown_values += normalise_enum_value(member) not in enum_keys
                continue
            names.add(member)
            key = normalise_member(member)
            if key not in known_python:
                unknown_python.add(member)
            if key not in known_both:
                unknown_both.add(member)
    share = 100 * len(unknown_both) / max(1, len(names))
    return (
        f"{family} {platform}: {len(names)} member names; unknown against python-net "
        f"{len(unknown_python)} ({100 * len(unknown_python) / max(1, len(names)):.2f} %), against "
        f"python-net + java {len(unknown_both)} ({share:.2f} %) {sorted(unknown_both)[:40]}; "
        f"enum values {values}, unknown {unknown_values}"
    )


def main() -> int:
    stdlib = yaml.safe_load((ROOT / "config" / "truth" / "_stdlib.yaml").read_text(encoding="utf-8"))
    for family in ("words", "cells"):
        for platform in ("net", "cpp"):
            print(measure(family, platform, frozenset(stdlib["object_members"][platform])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
