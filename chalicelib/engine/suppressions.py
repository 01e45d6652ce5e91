"""Inline configuration: HTML comments that switch rules on and off for a line, a range or the
file, and `markdownlint-configure-file` comments that configure rules for the whole page.

Two vocabularies, both with markdownlint's semantics (read from markdownlint's
`getEnabledRulesPerLineNumber`): file-wide comments apply first, wherever they are; then
`disable`/`enable`/`capture`/`restore` change the state from their own line on; then
`-disable-line`/`-disable-next-line` switch rules off for one line. No rule named means every
rule; rules are named by id or alias (markdownlint's: also its second aliases and tags), in any
case, separated by spaces.

- `<!-- markdownlint-… -->`: the markdownlint rules (category `markdown`) only, read from every
  line after the front matter (inside code blocks too, as markdownlint reads them). The state
  starts from the configuration, so `markdownlint-enable MD013` switches on a rule that the
  configuration switched off (such rules are kept *dormant* in the settings and woken here).
  `<!-- markdownlint-configure-file { JSON or YAML } -->` objects merge (later keys win) over
  the `.markdownlint*` configuration before anything else; one that cannot be parsed is an
  issue of rule CF001 at its line (markdownlint ignores it silently), and so is a rule param
  value the rule cannot use (that rule's entry is then ignored; the rest of the object applies).
- `<!-- tbcv-… -->` (also `tbcv-disable-file`/`tbcv-enable-file`, `tbcv-capture`/`-restore`):
  any rule of any category; the state starts with every rule on, so these only switch off
  and back. Comments inside code blocks are code, not configuration.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.markdownlint_config import MarkdownlintConfigError, parse_config_text
from chalicelib.engine.markdownlint_names import MARKDOWNLINT_CATEGORY, markdownlint_names, params_problems
from chalicelib.engine.model import CATEGORIES, Issue
from chalicelib.engine.rules.registry import REGISTRY
from chalicelib.engine.ruleset import ResolvedRules, RuleSetting

_COMMENT = re.compile(
    r"<!--\s*(tbcv|markdownlint)-(disable-next-line|disable-line|disable-file|enable-file|disable|enable"
    r"|capture|restore)(?=\s|-->)(.*?)-->",
    re.IGNORECASE,
)
_CONFIGURE_FILE = re.compile(r"<!--\s*markdownlint-configure-file(?=\s|-->)", re.IGNORECASE)
_FILE_ACTIONS = ("disable-file", "enable-file")
_RANGE_ACTIONS = ("disable", "enable", "capture", "restore")
_LINE_ACTIONS = ("disable-line", "disable-next-line")


@dataclass(slots=True)
class InlineConfig:
    """The configuration comments of one page."""

    comments: list[tuple[str, str, str, int]] = field(default_factory=list)  # (vocabulary, action, names, line)
    configure_file: dict[str, Any] | None = None  # merged markdownlint-configure-file objects
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, problem) of unusable comments


def read_inline_config(doc: ParsedDocument) -> InlineConfig | None:
    """The page's configuration comments, or None when it has none (the common case, decided
    by two substring tests)."""
    text = doc.text
    if "tbcv-" not in text and "markdownlint-" not in text:
        return None
    inline = InlineConfig(comments=_comments(doc))
    body_start = doc.front_matter.end_offset if doc.front_matter.present else 0
    if "markdownlint-configure-file" in text[body_start:].lower():
        _read_configure_file(doc, body_start, inline)
    return inline if inline.comments or inline.configure_file or inline.errors else None


def _read_configure_file(doc: ParsedDocument, body_start: int, inline: InlineConfig) -> None:
    """Merge every configure-file object, in page order (markdownlint: later keys win)."""
    text = doc.text
    for match in _CONFIGURE_FILE.finditer(text, body_start):
        end = text.find("-->", match.end())
        if end < 0:
            break
        line = doc.position(match.start())[0]
        parameter = text[match.end() : end]
        try:
            parsed = _parse_configure_file(parameter, line)
        except MarkdownlintConfigError as error:
            inline.errors.append((error.line, f"markdownlint-configure-file is not usable: {error.problem}"))
            continue
        for key, problem in params_problems(parsed):
            inline.errors.append((line, f"markdownlint-configure-file is not usable: {problem}"))
            parsed.pop(key, None)
        inline.configure_file = {**(inline.configure_file or {}), **parsed}


def _parse_configure_file(parameter: str, line: int) -> dict[str, Any]:
    """JSONC first, then YAML (markdownlint-cli2's parsers); errors at the page line."""
    try:
        return parse_config_text(parameter, "comment", yaml_syntax=False)
    except MarkdownlintConfigError as json_error:
        try:
            return parse_config_text(parameter, "comment", yaml_syntax=True)
        except MarkdownlintConfigError:
            raise MarkdownlintConfigError("comment", line + json_error.line - 1, json_error.problem) from None


def _comments(doc: ParsedDocument) -> list[tuple[str, str, str, int]]:
    """(vocabulary, action, names, line) of every switch comment after the front matter, in order."""
    code_lines: set[int] = set()
    for block in doc.code_blocks:
        code_lines.update(range(block.start_line, block.end_line + 1))
    first_body_line = doc.front_matter.end_line + 1 if doc.front_matter.present else 1
    comments = []
    for index in range(first_body_line - 1, len(doc.lines)):
        line = doc.lines[index]
        if "<!--" not in line:
            continue
        for match in _COMMENT.finditer(line):
            vocabulary = match.group(1).lower()
            if vocabulary == "tbcv" and index + 1 in code_lines:
                continue
            comments.append((vocabulary, match.group(2).lower(), match.group(3).strip(), index + 1))
    return comments


class Switches:
    """Which rules of one vocabulary are on at each line (markdownlint's algorithm, stored as
    the lines where the state changes plus the per-line exceptions)."""

    def __init__(
        self, comments: Iterable[tuple[str, str, int]], names: dict[str, tuple[str, ...]], initial: frozenset[str]
    ):
        comments = list(comments)
        self.names = names
        self.all = frozenset(rule_id for rule_ids in names.values() for rule_id in rule_ids)
        state = initial
        for action, parameter, _line in comments:
            if action in _FILE_ACTIONS:
                state = self._apply(state, action, parameter)
        self.initial = state
        self.change_lines: list[int] = []
        self.change_states: list[frozenset[str]] = []
        captured = state
        for action, parameter, line in comments:
            if action not in _RANGE_ACTIONS:
                continue
            if action == "capture":
                captured = state
                continue
            state = captured if action == "restore" else self._apply(state, action, parameter)
            if self.change_lines and self.change_lines[-1] == line:
                self.change_states[-1] = state
            else:
                self.change_lines.append(line)
                self.change_states.append(state)
        self.off_on_line: dict[int, frozenset[str]] = {}
        for action, parameter, line in comments:
            if action in _LINE_ACTIONS:
                target = line + (1 if action == "disable-next-line" else 0)
                self.off_on_line[target] = self.off_on_line.get(target, frozenset()) | self._named(parameter)

    def _named(self, parameter: str) -> frozenset[str]:
        if not parameter:
            return self.all
        return frozenset(rule_id for name in parameter.upper().split() for rule_id in self.names.get(name, ()))

    def _apply(self, state: frozenset[str], action: str, parameter: str) -> frozenset[str]:
        named = self._named(parameter)
        return state | named if action.startswith("enable") else state - named

    def on_somewhere(self) -> frozenset[str]:
        """Every rule on for at least one line."""
        return self.initial.union(*self.change_states)

    def is_on(self, line: int, rule_id: str) -> bool:
        index = bisect_right(self.change_lines, line) - 1
        state = self.change_states[index] if index >= 0 else self.initial
        return rule_id in state and rule_id not in self.off_on_line.get(line, ())


@dataclass(slots=True)
class InlineSwitches:
    """Both vocabularies' switches for one page and the settings they start from."""

    tbcv: Switches | None
    markdownlint: Switches | None

    def rules_to_run(self, settings: ResolvedRules) -> tuple[RuleSetting, ...]:
        """The enabled rules plus the dormant ones a `markdownlint-enable` switches on."""
        if self.markdownlint is None or not settings.dormant:
            return settings.rules
        woken = self.markdownlint.on_somewhere()
        extra = [setting for setting in settings.dormant if setting.rule.meta.id in woken]
        if not extra:
            return settings.rules
        # the settings' order: by category (as the model lists them), then by id
        merged = sorted(
            (*settings.rules, *extra), key=lambda s: (CATEGORIES.index(s.rule.meta.category), s.rule.meta.id)
        )
        return tuple(merged)

    def keep(self, issues: list[Issue]) -> list[Issue]:
        """The issues whose rule is on at their line in both vocabularies."""
        kept = []
        for issue in issues:
            if self.tbcv is not None and not self.tbcv.is_on(issue.line, issue.rule):
                continue
            if (
                self.markdownlint is not None
                and issue.category == MARKDOWNLINT_CATEGORY
                and not self.markdownlint.is_on(issue.line, issue.rule)
            ):
                continue
            kept.append(issue)
        return kept


def inline_switches(inline: InlineConfig, settings: ResolvedRules) -> InlineSwitches:
    tbcv = [(action, names, line) for vocabulary, action, names, line in inline.comments if vocabulary == "tbcv"]
    markdownlint = [(a, names, line) for vocabulary, a, names, line in inline.comments if vocabulary == "markdownlint"]
    tbcv_switches = None
    if tbcv:
        all_names: dict[str, tuple[str, ...]] = {}
        for rule_id, registered in REGISTRY.items():
            all_names[rule_id.upper()] = (rule_id,)
            all_names[registered.meta.alias.upper()] = (rule_id,)
        tbcv_switches = Switches(tbcv, all_names, frozenset(REGISTRY))
    markdownlint_switches = None
    if markdownlint:
        enabled = frozenset(s.rule.meta.id for s in settings.rules if s.rule.meta.category == MARKDOWNLINT_CATEGORY)
        markdownlint_switches = Switches(markdownlint, markdownlint_names(), enabled)
    return InlineSwitches(tbcv_switches, markdownlint_switches)
