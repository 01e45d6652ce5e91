"""Inline suppressions: HTML comments that switch rules off for a line, a range or the file.

Two vocabularies, with markdownlint's semantics (a comment's effect includes its own line;
file-wide comments apply first; `-line`/`-next-line` add to the range state):

- `<!-- tbcv-disable RULE... -->`, `tbcv-enable`, `tbcv-disable-line`, `tbcv-disable-next-line`,
  `tbcv-disable-file`, `tbcv-enable-file`, `tbcv-capture`, `tbcv-restore`: any rule, by id
  or alias; no rule named means every rule. Comments inside code blocks are code, not config.
- `<!-- markdownlint-… -->` with the same actions, for the Markdown (MD) rules only, read
  from every line as markdownlint reads them.
"""

from __future__ import annotations

import re

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.model import Issue
from chalicelib.engine.rules.registry import REGISTRY

_COMMENT = re.compile(
    r"<!--\s*(tbcv|markdownlint)-(disable-next-line|disable-line|disable-file|enable-file|disable|enable"
    r"|capture|restore)(?=\s|-->)(.*?)-->",
    re.IGNORECASE,
)
_MARKDOWN = "markdown"


def apply_suppressions(doc: ParsedDocument, issues: list[Issue]) -> list[Issue]:
    """The issues no suppression comment covers."""
    text = doc.text
    if not issues or ("tbcv-" not in text and "markdownlint-" not in text):
        return issues
    comments = _comments(doc)
    if not comments:
        return issues
    tbcv = _Namespace([c for c in comments if c[0] == "tbcv"], _rule_names(None), len(doc.lines))
    markdownlint = _Namespace([c for c in comments if c[0] == "markdownlint"], _rule_names(_MARKDOWN), len(doc.lines))
    kept = []
    for issue in issues:
        if tbcv.disabled(issue.line, issue.rule):
            continue
        if issue.category == _MARKDOWN and markdownlint.disabled(issue.line, issue.rule):
            continue
        kept.append(issue)
    return kept


def _comments(doc: ParsedDocument) -> list[tuple[str, str, str, int]]:
    """(vocabulary, action, parameter, line) of every suppression comment, in order."""
    code_lines: set[int] = set()
    for block in doc.code_blocks:
        code_lines.update(range(block.start_line, block.end_line + 1))
    first_body_line = doc.front_matter.end_line + 1 if doc.front_matter.present else 1
    comments = []
    for index, line in enumerate(doc.lines):
        if "<!--" not in line or index + 1 < first_body_line:
            continue
        for match in _COMMENT.finditer(line):
            vocabulary = match.group(1).lower()
            if vocabulary == "tbcv" and index + 1 in code_lines:
                continue
            comments.append((vocabulary, match.group(2).lower(), match.group(3).strip(), index + 1))
    return comments


def _rule_names(category: str | None) -> dict[str, str]:
    """Upper-cased id and alias -> id, for the rules a vocabulary may name."""
    names = {}
    for rule_id, rule in REGISTRY.items():
        if category is None or rule.meta.category == category:
            names.update((name.upper(), rule_id) for name in rule.meta.names)
    return names


class _Namespace:
    """The disabled rules of every line for one vocabulary of comments."""

    def __init__(self, comments: list[tuple[str, str, str, int]], names: dict[str, str], line_count: int):
        self.names = names
        self.all = frozenset(names.values())
        state: frozenset[str] = frozenset()
        for _, action, parameter, _line in comments:
            if action in ("disable-file", "enable-file"):
                state = self._apply(state, action, parameter)
        self.initial = state
        self.changes: list[tuple[int, frozenset[str]]] = []  # (line, state from that line on)
        captured = state
        for _, action, parameter, line in comments:
            if action in ("disable", "enable"):
                state = self._apply(state, action, parameter)
            elif action == "capture":
                captured = state
            elif action == "restore":
                state = captured
            else:
                continue
            if self.changes and self.changes[-1][0] == line:
                self.changes[-1] = (line, state)
            else:
                self.changes.append((line, state))
        self.extra: dict[int, frozenset[str]] = {}
        for _, action, parameter, line in comments:
            if action in ("disable-line", "disable-next-line"):
                target = line + (1 if action == "disable-next-line" else 0)
                if target <= line_count:
                    self.extra[target] = self.extra.get(target, frozenset()) | self._named(parameter)

    def _named(self, parameter: str) -> frozenset[str]:
        if not parameter:
            return self.all
        return frozenset(self.names[name] for name in parameter.upper().split() if name in self.names)

    def _apply(self, state: frozenset[str], action: str, parameter: str) -> frozenset[str]:
        named = self._named(parameter)
        return state - named if action.startswith("enable") else state | named

    def disabled(self, line: int, rule_id: str) -> bool:
        state = self.initial
        for change_line, change_state in self.changes:
            if change_line > line:
                break
            state = change_state
        return rule_id in state or rule_id in self.extra.get(line, ())
