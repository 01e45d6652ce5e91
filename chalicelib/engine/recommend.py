"""Recommendations drafted from a report's issues: one per fixable issue with its exact
edits (range, original text, replacement), an advice-only one for the rest, deduplicated
by rule + range + replacement. Pure: the caller stores them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.parse import parse_document


@dataclass(frozen=True, slots=True)
class EditSpec:
    """A TextEdit with what it replaces and where, for review and display: the one
    declaration of a recommendation's edit (stored as JSON; the API's EditOut derives from it)."""

    start: int
    end: int
    original: str
    replacement: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(slots=True)
class RecommendationDraft:
    rule: str
    alias: str
    category: str
    severity: str
    confidence: float
    type: str  # "fix" (has edits) or "advice"
    title: str
    rationale: str
    line: int
    column: int
    edits: tuple[EditSpec, ...]
    issue_indexes: list[int] = field(default_factory=list)

    @property
    def dedup_key(self) -> str:
        ranges = ";".join(f"{e.start}:{e.end}:{e.replacement}" for e in self.edits)
        basis = f"{self.rule}|{ranges}" if self.edits else f"{self.rule}|{self.line}:{self.column}|{self.title}"
        return hashlib.sha256(basis.encode()).hexdigest()[:32]


def draft_recommendations(text: str, issues: Iterable[dict[str, Any]]) -> list[RecommendationDraft]:
    """Draft recommendations for `issues` (report dicts) of exactly `text`."""
    doc = parse_document(text)
    drafts: dict[str, RecommendationDraft] = {}
    for index, issue in enumerate(issues):
        edits = tuple(_edit_spec(doc, text, edit) for edit in issue.get("fix") or ())
        message = issue["message"]
        suggestion = issue.get("suggestion")
        draft = RecommendationDraft(
            rule=issue["rule"],
            alias=issue["alias"],
            category=issue["category"],
            severity=issue["severity"],
            confidence=float(issue.get("confidence", 1.0)),
            type="fix" if edits else "advice",
            title=f"{issue['rule']} {issue['alias']} (line {issue['line']}): {message}"[:200],
            rationale=f"{message}. {suggestion}" if suggestion else message,
            line=issue["line"],
            column=issue["column"],
            edits=edits,
        )
        existing = drafts.setdefault(draft.dedup_key, draft)
        existing.issue_indexes.append(index)
    return list(drafts.values())


def _edit_spec(doc: ParsedDocument, text: str, edit: dict[str, Any]) -> EditSpec:
    start, end = int(edit["start"]), int(edit["end"])
    line, column = doc.position(start)
    end_line, end_column = doc.position(end)
    return EditSpec(start, end, text[start:end], edit["replacement"], line, column, end_line, end_column)
