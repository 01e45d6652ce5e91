"""Plugin detection and the per-page truth analysis every truth rule shares.

`page_truth(ctx)` does the work once per page and keeps it in `ctx.memo`: which families
the page concerns, the product API used by each code block (resolved against the right
family), and plugin detections:

- exact: a plugin's name in prose (1.0); alias: one of its aliases (0.9);
- fuzzy: a CamelCase word close to a CamelCase name or alias (rapidfuzz, >= 85, scaled by
  0.8); never for aliases under 4 characters or common words;
- api: a product type or member used in code (type 0.9, member 0.8), or a CamelCase
  product class named in prose (0.8).

Combination rules add a detection (confidence = the boost) for each member plugin when a
trigger matches and the members are detected, so the noisy-OR aggregate rises.
Only the first occurrence of each distinct matched text per plugin is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from chalicelib.engine.document import CodeBlock
from chalicelib.engine.model import Detection
from chalicelib.engine.truth.code import ApiRef, analyse_block, page_classes, page_platform
from chalicelib.engine.truth.family import EVIDENCE_MEMO, family_evidence
from chalicelib.engine.truth.foreign import FOREIGN, LEGACY, block_roles
from chalicelib.engine.truth.table import TruthTable
from chalicelib.engine.truth.textscan import Phrase, ProseText, find_phrases, leading_literal, phrases

if TYPE_CHECKING:
    from chalicelib.engine.rules.registry import CheckContext
    from chalicelib.engine.truth.loader import TruthRegistry

MEMO_KEY = "truth"
EXACT, ALIAS, FUZZY_SCALE, API_TYPE, API_MEMBER, API_IN_PROSE = 1.0, 0.9, 0.8, 0.9, 0.8, 0.8
FUZZY_CUTOFF = 85
FUZZY_MEMO_LIMIT = 20_000
MIN_FUZZY_LENGTH = 4
MIN_EVIDENCE_FOR_OTHER_FAMILY = 2
COMMON_WORDS = frozenset(
    [
        "document",
        "documents",
        "table",
        "tables",
        "row",
        "rows",
        "cell",
        "cells",
        "field",
        "fields",
        "font",
        "fonts",
        "style",
        "styles",
        "list",
        "lists",
        "section",
        "sections",
        "comment",
        "comments",
        "paragraph",
        "paragraphs",
        "run",
        "runs",
        "node",
        "nodes",
        "range",
        "ranges",
        "shape",
        "shapes",
        "image",
        "images",
        "chart",
        "charts",
        "page",
        "pages",
        "text",
        "format",
        "formats",
        "formatting",
        "save",
        "load",
        "convert",
        "conversion",
        "builder",
        "license",
        "bookmark",
        "bookmarks",
        "header",
        "footer",
        "headers",
        "footers",
        "revision",
        "revisions",
        "math",
        "word",
        "words",
        "pdf",
        "html",
        "markdown",
        "rendering",
        "layout",
        "options",
        "option",
        "settings",
        "report",
        "reports",
        "merge",
        "compare",
        "protection",
        "signature",
        "encryption",
    ]
)
_CAMEL = re.compile(r"[A-Z][a-z0-9]++[A-Z]\w*+")  # CamelCase: two humps at least


@dataclass(slots=True)
class FamilyTruth:
    """What one family's table says about the page."""

    table: TruthTable
    refs: list[tuple[CodeBlock, ApiRef]] = field(default_factory=list)
    detections: list[Detection] = field(default_factory=list)
    confidences: dict[str, float] = field(default_factory=dict)
    misspelled: list[Misspelling] = field(default_factory=list)  # near misses of plugin names
    platform: str | None = None  # the table platform the page is written for (page_platform)


@dataclass(frozen=True, slots=True)
class Misspelling:
    """A prose word that is a typo of a plugin's CamelCase name (`DocumenBuilder`)."""

    line: int
    column: int
    offset: int  # document offset of the word
    written: str
    canonical: str


@dataclass(slots=True)
class PageTruth:
    primary: str | None
    families: dict[str, FamilyTruth]
    prose: ProseText  # the page's prose, joined once for every prose scan

    @property
    def detections(self) -> list[Detection]:
        return [detection for family in self.families.values() for detection in family.detections]


def aggregate(detections: list[Detection]) -> dict[str, float]:
    """Noisy-OR per plugin: 1 - prod(1 - c), rounded to 4 places."""
    missing: dict[str, float] = {}
    for detection in detections:
        missing[detection.plugin] = missing.get(detection.plugin, 1.0) * (1.0 - detection.confidence)
    return {plugin: round(1.0 - rest, 4) for plugin, rest in missing.items()}


@dataclass(slots=True)
class _Matchers:
    phrase_plugins: dict[str, tuple[str, str]]  # lower-cased phrase -> (plugin, method)
    phrase_order: tuple[Phrase, ...]
    camel_choices: list[str]
    camel_plugins: dict[str, str]
    class_plugins: dict[str, str]  # CamelCase API type name -> plugin
    combinations: list[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...], float, bool]]
    fuzzy_seen: dict[str, tuple[str, float] | None] = field(default_factory=dict)  # word -> (alias, score)

    def fuzzy(self, word: str) -> tuple[str, float] | None:
        """The CamelCase name or alias a word is a near miss of (memoised per table)."""
        if word in self.fuzzy_seen:
            return self.fuzzy_seen[word]
        found = process.extractOne(word, self.camel_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        result = (found[0], found[1]) if found else None
        if len(self.fuzzy_seen) < FUZZY_MEMO_LIMIT:
            self.fuzzy_seen[word] = result
        return result


def _build_matchers(table: TruthTable) -> _Matchers:
    phrase_plugins: dict[str, tuple[str, str]] = {}
    camel_plugins: dict[str, str] = {}
    for plugin in table.spec.plugins:
        for written, method in [(plugin.name, "exact")] + [(alias, "alias") for alias in plugin.aliases]:
            key = written.lower()
            if key in COMMON_WORDS or len(key) < 3:
                continue
            phrase_plugins.setdefault(key, (plugin.id, method))
            if len(written) >= MIN_FUZZY_LENGTH and _CAMEL.fullmatch(written):
                camel_plugins.setdefault(written, plugin.id)
    combinations = [
        (
            re.compile("|".join(f"(?:{trigger})" for trigger in combination.triggers)),
            tuple(leading_literal(trigger) for trigger in combination.triggers),
            tuple(combination.plugins),
            combination.confidence_boost,
            combination.required_all,
        )
        for combination in table.spec.combinations
        if combination.triggers
    ]
    class_plugins: dict[str, str] = {}
    for plugin in table.spec.plugins:
        for name in plugin.types:
            if _CAMEL.fullmatch(name):
                class_plugins.setdefault(name, plugin.id)
    return _Matchers(
        phrase_plugins, phrases(phrase_plugins), sorted(camel_plugins), camel_plugins, class_plugins, combinations
    )


def _matchers(table: TruthTable) -> _Matchers:
    return table.cached("detection-matchers", lambda: _build_matchers(table))


class _Collector:
    """Keeps the first detection of each (plugin, matched text)."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.seen: set[tuple[str, str]] = set()
        self.detections: list[Detection] = []

    def add(self, plugin: str, matched: str, line: int, column: int, method: str, confidence: float) -> None:
        key = (plugin, matched)
        if key not in self.seen:
            self.seen.add(key)
            self.detections.append(
                Detection(
                    plugin,
                    self.family,
                    matched,
                    line,
                    column,
                    method,  # type: ignore[arg-type]
                    round(confidence, 4),
                )
            )


_CAMEL_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


def _is_typo(word: str, canonical: str) -> bool:
    """A near miss that is a misspelling, not a plural, compound or longer name, nor a
    sibling name that swaps one whole CamelCase word for another (`OdsSaveOptions` is no
    misspelled `PdfSaveOptions`: `Ods` and `Pdf` are different words, not a slip)."""
    if canonical in word or word in canonical or abs(len(word) - len(canonical)) > 2:
        return False
    ours, theirs = _CAMEL_WORDS.findall(word), _CAMEL_WORDS.findall(canonical)
    return len(ours) != len(theirs) or all(
        a == b or fuzz.ratio(a.lower(), b.lower()) >= 50 for a, b in zip(ours, theirs, strict=True)
    )


def _detect_prose(prose: ProseText, table: TruthTable, collect: _Collector, truth: FamilyTruth) -> None:
    matchers = _matchers(table)
    for offset, phrase in find_phrases(prose, matchers.phrase_order):
        plugin, method = matchers.phrase_plugins[phrase]
        line, column, _ = prose.locate(offset)
        collect.add(
            plugin,
            prose.text[offset : offset + len(phrase)],
            line,
            column,
            method,
            EXACT if method == "exact" else ALIAS,
        )
    text = prose.text
    for match in _CAMEL.finditer(text):
        word, start = match.group(), match.start()
        if word in matchers.camel_plugins or (start and (text[start - 1].isalnum() or text[start - 1] in "._")):
            continue
        class_plugin = matchers.class_plugins.get(word)
        if class_plugin is not None:
            line, column, _ = prose.locate(start)
            collect.add(class_plugin, word, line, column, "api", API_IN_PROSE)
            continue
        found = matchers.fuzzy(word) if matchers.camel_choices else None
        if found:
            line, column, offset = prose.locate(start)
            collect.add(matchers.camel_plugins[found[0]], word, line, column, "fuzzy", found[1] / 100 * FUZZY_SCALE)
            if _is_typo(word, found[0]):
                truth.misspelled.append(Misspelling(line, column, offset, word, found[0]))


def _detect_api(truth: FamilyTruth, collect: _Collector) -> None:
    for _, ref in truth.refs:
        if ref.resolved and ref.plugin:
            matched = f"{ref.owner}.{ref.name}" if ref.owner else ref.name
            collect.add(
                ref.plugin, matched, ref.line, ref.column, "api", API_TYPE if ref.kind == "type" else API_MEMBER
            )


def _apply_combinations(ctx: CheckContext, table: TruthTable, collect: _Collector) -> None:
    detected = {detection.plugin for detection in collect.detections}
    for pattern, literals, plugins, boost, required_all in _matchers(table).combinations:
        present = [plugin for plugin in plugins if plugin in detected]
        if not present or (required_all and len(present) != len(plugins)):
            continue
        for block in ctx.doc.code_blocks:
            if not any(literal in block.content for literal in literals):
                continue  # every match starts with one of the literals ("" is in any text)
            match = pattern.search(block.content)
            if match:
                line = block.content_start_line + block.content.count("\n", 0, match.start())
                column = match.start() - (block.content.rfind("\n", 0, match.start()) + 1) + 1
                for plugin in present:
                    collect.add(plugin, match.group(), line, column, "api", boost)
                break


def _block_family(block: CodeBlock, families: dict[str, FamilyTruth], primary: str) -> tuple[str, bool]:
    """(the family whose namespace the block imports or names, else the page's family;
    whether the block names the namespaces of several families)."""
    head = block.content[:4000]
    named = [name for name, truth in families.items() if any(ns in head for ns in _namespaces(truth.table))]
    others = [name for name in named if name != primary]
    return (others[0] if others else primary), len(named) > 1


def _namespaces(table: TruthTable) -> tuple[str, ...]:
    return table.cached(
        "namespaces",
        lambda: tuple(
            sorted({namespace for platform in table.spec.platforms.values() for namespace in platform.namespaces})
        ),
    )


def _api_type_names(registry: TruthRegistry) -> frozenset[str]:
    """Every type name of every family on any platform (from the generated tables)."""
    return registry.cached(
        "api-type-names", lambda: frozenset().union(*(table.type_names for table in registry.tables.values()))
    )


def page_truth(ctx: CheckContext) -> PageTruth:
    """The shared truth analysis of the page (computed once, kept in ctx.memo)."""
    cached: PageTruth | None = ctx.memo.get(MEMO_KEY)
    if cached is not None:
        return cached
    registry = ctx.truth
    primary = ctx.family if registry is not None and registry.get(ctx.family) is not None else None
    families: dict[str, FamilyTruth] = {}
    prose = ProseText(ctx.doc)
    if primary is not None:
        families[primary] = FamilyTruth(registry.get(primary))
        evidence = ctx.memo.get(EVIDENCE_MEMO)
        if evidence is None:
            evidence = family_evidence(ctx.doc, registry)
        for name, score in evidence.items():
            if name != primary and score >= MIN_EVIDENCE_FOR_OTHER_FAMILY:
                families[name] = FamilyTruth(registry.get(name))
        for truth in families.values():
            truth.platform = page_platform(ctx.doc, truth.table)
        roles = block_roles(ctx.doc) if ctx.doc.code_blocks else {}
        own_classes = page_classes(ctx.doc)
        for block in ctx.doc.code_blocks:
            role = roles.get(block.start_line)
            if role == FOREIGN:
                continue
            name, mixed = _block_family(block, families, primary)
            truth = families[name]
            refs = analyse_block(block, truth.table, truth.platform, role == LEGACY, own_classes)
            # a block using two families' API cannot tell whose a shared name (SaveFormat) is
            truth.refs.extend((block, ref) for ref in refs if ref.resolved or not mixed)
        for name, truth in families.items():
            collect = _Collector(name)
            _detect_prose(prose, truth.table, collect, truth)
            _detect_api(truth, collect)
            _apply_combinations(ctx, truth.table, collect)
            if truth.misspelled:  # a real API name of any family is no typo (OdsSaveOptions ~ PdfSaveOptions)
                real = _api_type_names(registry)
                truth.misspelled = [typo for typo in truth.misspelled if typo.written not in real]
            truth.detections = collect.detections
            truth.confidences = aggregate(collect.detections)
    result = PageTruth(primary, families, prose)
    ctx.memo[MEMO_KEY] = result
    ctx.memo["detections"] = result.detections
    return result


def detect_plugins(ctx: CheckContext) -> list[Detection]:
    """The page's plugin detections (also left in ctx.memo["detections"] for the report)."""
    return page_truth(ctx).detections
