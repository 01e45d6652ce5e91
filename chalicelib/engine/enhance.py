"""Applying approved edits to a page: the result text, a unified diff with stats, and a
safety report that refuses results which lose structure or change too much. Pure: the
same function serves preview (no writes) and apply."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.edits import apply_edits
from chalicelib.engine.model import TextEdit
from chalicelib.engine.parse import parse_document


@dataclass(frozen=True, slots=True)
class SafetyReport:
    ok: bool
    reasons: tuple[str, ...]
    change_ratio: float
    max_change_ratio: float


@dataclass(frozen=True, slots=True)
class EnhancedText:
    text: str
    diff: str
    stats: dict[str, int | float]
    safety: SafetyReport


def _structure(doc: ParsedDocument) -> dict[str, int]:
    return {
        "code blocks": len(doc.code_blocks) + len(doc.gists),
        "headings": len(doc.headings),
        "links": len(doc.links),
    }


def check_safety(
    before: ParsedDocument, after: ParsedDocument, edits: Iterable[TextEdit], max_change_ratio: float
) -> SafetyReport:
    """Refuse a result that has fewer code blocks, headings, links or front matter keys than
    the page had, or whose edits touch more than `max_change_ratio` of its text."""
    reasons = []
    had, has = _structure(before), _structure(after)
    for what, count in had.items():
        if has[what] < count:
            reasons.append(f"{count - has[what]} of {count} {what} would be lost")
    lost_keys = set(before.front_matter.data or {}) - set(after.front_matter.data or {})
    if lost_keys:
        reasons.append(f"front matter keys would be lost: {', '.join(sorted(map(str, lost_keys)))}")
    changed = sum(max(e.end - e.start, len(e.replacement)) for e in edits)
    ratio = changed / max(len(before.text), 1)
    if ratio > max_change_ratio:
        reasons.append(f"the edits change {ratio:.0%} of the text; the limit is {max_change_ratio:.0%}")
    return SafetyReport(not reasons, tuple(reasons), round(ratio, 4), max_change_ratio)


def enhance_text(
    text: str,
    edits: list[TextEdit],
    *,
    max_change_ratio: float,
    before_label: str = "before",
    after_label: str = "after",
) -> EnhancedText:
    """Apply `edits` (EditConflict / EditOutOfRange propagate) and judge the result."""
    result = apply_edits(text, edits)
    before_lines, after_lines = text.splitlines(keepends=True), result.splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(before_lines, after_lines, before_label, after_label))
    added = sum(1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff.splitlines() if line.startswith("-") and not line.startswith("---"))
    safety = check_safety(parse_document(text), parse_document(result), edits, max_change_ratio)
    return EnhancedText(
        result,
        diff,
        {
            "edits": len(edits),
            "lines_added": added,
            "lines_removed": removed,
            "chars_before": len(text),
            "chars_after": len(result),
            "change_ratio": safety.change_ratio,
        },
        safety,
    )
