"""Diffs shaped for display: unified diff text into rows, a recommendation's edits into
removed and added lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  # "add", "del", "hunk", "meta" or "context"
    text: str


def parse(diff: str) -> list[DiffRow]:
    """Rows of a unified diff, each marked with what it is (for colour and a text marker)."""
    rows = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            kind = "meta"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "context"
        rows.append(DiffRow(kind, line))
    return rows


def edit_lines(edit: dict) -> list[DiffRow]:
    """One edit of a recommendation as removed (`-`) and added (`+`) lines, at its line."""
    rows = [DiffRow("hunk", f"@@ line {edit['line']}, column {edit['column']} @@")]
    rows += [DiffRow("del", f"-{line}") for line in edit["original"].split("\n")] if edit["original"] else []
    rows += [DiffRow("add", f"+{line}") for line in edit["replacement"].split("\n")] if edit["replacement"] else []
    return rows
