"""The truth quality harness: how the truth rules behave on the four development corpora.

For each family (words, slides, pdf, cells) it measures, on the family's official pages:

- truth findings per 100 pages, by severity and by rule (a page of official documentation
  is assumed right, so every truth error or warning there is counted against the tables);
- recall of seeded mistakes (`scripts/truth_mutations.py`): the share found by the right
  rule on their exact line, per kind (misspelled product names, invented methods, format
  claims, undeclared plugins) and, for invented methods, per code language; plus the
  seeded code samples of `tests/quality/seeded_code/` when that folder has a manifest.

Pages are split in two by a hash of their corpus-relative path (`part_of`): "tune" pages
are the ones the tables and rules may be tuned on, "held-out" pages are only measured.
Both parts are reported; the targets hold on each.

Run it directly for the figures without pytest:

    .venv/bin/python -m tests.quality.harness      # prints the tables, writes build/quality/
"""

from __future__ import annotations

import collections
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.registry import CheckContext
from chalicelib.engine.ruleset import Ruleset, load_ruleset
from chalicelib.engine.truth import page_truth
from chalicelib.engine.validate import validate_document

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPORA = {
    "words": SHARED / "corpus" / "aspose-words-java",
    "slides": SHARED / "corpus-families" / "aspose-slides-java",
    "pdf": SHARED / "corpus-families" / "aspose-pdf-java",
    "cells": SHARED / "corpus-families" / "aspose-cells-java",
}
PARTS = ("tune", "held-out")
SUMMARY_DIR = REPO / "build" / "quality"

sys.path.insert(0, str(REPO / "scripts"))
import truth_mutations  # noqa: E402  (a script, imported from its folder)


def part_of(relative_path: str) -> str:
    """'tune' or 'held-out': the first byte of the SHA-256 of the corpus-relative path
    (POSIX separators), even -> tune, odd -> held-out. Stable across machines and runs."""
    return PARTS[hashlib.sha256(relative_path.encode("utf-8")).digest()[0] % 2]


def corpus_pages(family: str) -> dict[str, list[Path]]:
    """The family's corpus pages by part."""
    root = CORPORA[family]
    pages = sorted(root.rglob("*.md"))
    if not pages:
        raise FileNotFoundError(f"the {family} corpus is missing: {root}")
    parts: dict[str, list[Path]] = {part: [] for part in PARTS}
    for page in pages:
        parts[part_of(page.relative_to(root).as_posix())].append(page)
    return parts


@dataclass
class CorpusFigures:
    """Truth findings on unmodified official pages."""

    family: str
    part: str
    pages: int
    by_rule: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    findings: list[str] = field(default_factory=list)  # "path:line RULE severity message" (errors, warnings)

    def per_100(self, severity: str) -> float:
        return sum(n for (_, sev), n in self.by_rule.items() if sev == severity) * 100 / self.pages

    def rules_per_100(self, severity: str) -> dict[str, float]:
        return {
            rule: round(n * 100 / self.pages, 2) for (rule, sev), n in sorted(self.by_rule.items()) if sev == severity
        }


@dataclass
class RecallFigures:
    """Seeded mistakes found by the right rule on their exact line."""

    family: str
    part: str
    found: collections.Counter[str] = field(default_factory=collections.Counter)  # by kind
    total: collections.Counter[str] = field(default_factory=collections.Counter)
    found_by_language: collections.Counter[str] = field(default_factory=collections.Counter)  # invented methods
    total_by_language: collections.Counter[str] = field(default_factory=collections.Counter)
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    def kind_recall(self, kind: str) -> float:
        return self.found[kind] / max(1, self.total[kind])

    def language_recall(self, language: str) -> float:
        return self.found_by_language[language] / max(1, self.total_by_language[language])


def measure_corpus(family: str, part: str, pages: list[Path], ruleset: Ruleset) -> CorpusFigures:
    root = CORPORA[family]
    figures = CorpusFigures(family, part, len(pages))
    for path in pages:
        report = validate_document(path.read_text(encoding="utf-8"), path=str(path), family=family, ruleset=ruleset)
        for issue in report.issues:
            if issue.category != "truth":
                continue
            figures.by_rule[(issue.rule, issue.severity)] += 1
            if issue.severity in ("error", "warning"):
                figures.findings.append(
                    f"{path.relative_to(root)}:{issue.line} {issue.rule} {issue.severity} {issue.message}"
                )
    return figures


def _found(text: str, path: str, family: str, rule: str, line: int, ruleset: Ruleset) -> bool:
    report = validate_document(text, path=path, family=family, ruleset=ruleset)
    return any(issue.rule == rule and issue.line == line for issue in report.issues)


def measure_mutations(family: str, part: str, pages: list[Path], ruleset: Ruleset) -> RecallFigures:
    root = CORPORA[family]
    figures = RecallFigures(family, part)
    for mutation in truth_mutations.generate(root, truth_mutations.SEED, family, pages):
        hit = _found(mutation.text, str(root / mutation.source), family, mutation.rule, mutation.line, ruleset)
        _count(figures, mutation.kind, mutation.language, hit, f"{mutation.source}:{mutation.line} {mutation.detail}")
    return figures


def _count(figures: RecallFigures, kind: str, language: str, hit: bool, where: str) -> None:
    figures.total[kind] += 1
    figures.found[kind] += hit
    if kind == "invented-method":
        figures.total_by_language[language] += 1
        figures.found_by_language[language] += hit
    if not hit:
        figures.missed.append(f"{kind} [{language}] {where}")


SEEDED_CODE = REPO / "tests" / "quality" / "seeded_code"


def seeded_samples() -> dict[str, list[dict]]:
    """The seeded code samples of `seeded_code/manifest.json` (written on branch truth-code:
    `{"samples": [{file, family, language, rule, line, name}], "clean": [...]}`), by file;
    empty when the folder has no manifest. A sample page is validated under its path
    relative to the folder (`words/cpp/cpp.md`), which gives its platform as a site path would."""
    manifest = SEEDED_CODE / "manifest.json"
    if not manifest.is_file():
        return {}
    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    for sample in json.loads(manifest.read_text(encoding="utf-8"))["samples"]:
        by_file[sample["file"]].append(sample)
    return dict(by_file)


def measure_seeded_code(family: str, ruleset: Ruleset) -> RecallFigures:
    figures = RecallFigures(family, "seeded-code")
    for relative, samples in seeded_samples().items():
        if samples[0]["family"] != family:
            continue
        text = (SEEDED_CODE / relative).read_text(encoding="utf-8")
        issues = validate_document(text, path=relative, family=family, ruleset=ruleset).issues
        for sample in samples:
            hit = any(issue.rule == sample["rule"] and issue.line == sample["line"] for issue in issues)
            _count(figures, "invented-method", sample["language"], hit, f"{relative}:{sample['line']} {sample['name']}")
    return figures


@dataclass
class FamilyFigures:
    corpus: dict[str, CorpusFigures]  # by part
    mutations: dict[str, RecallFigures]  # by part
    seeded_code: RecallFigures

    def invented_by_language(self) -> tuple[collections.Counter[str], collections.Counter[str]]:
        """(found, total) invented methods per language over corpus mutations and seeded code."""
        found: collections.Counter[str] = collections.Counter()
        total: collections.Counter[str] = collections.Counter()
        for figures in (*self.mutations.values(), self.seeded_code):
            found.update(figures.found_by_language)
            total.update(figures.total_by_language)
        return found, total


def measure_family(family: str, ruleset: Ruleset | None = None) -> FamilyFigures:
    ruleset = ruleset or load_ruleset()
    parts = corpus_pages(family)
    return FamilyFigures(
        {part: measure_corpus(family, part, pages, ruleset) for part, pages in parts.items()},
        {part: measure_mutations(family, part, pages, ruleset) for part, pages in parts.items()},
        measure_seeded_code(family, ruleset),
    )


def api_coverage(family: str, ruleset: Ruleset | None = None) -> tuple[int, int]:
    """(resolved, all) product API identifiers in the code of the family's corpus pages: how
    much of the API the official pages use the family's table knows."""
    ruleset = ruleset or load_ruleset()
    identifiers = resolved = 0
    for path in sorted(CORPORA[family].rglob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8"), str(path))
        for truth in page_truth(CheckContext(doc=doc, family=family, truth=ruleset.truth)).families.values():
            identifiers += len(truth.refs)
            resolved += sum(1 for _, ref in truth.refs if ref.resolved)
    return resolved, identifiers


def summary(figures: dict[str, FamilyFigures]) -> dict:
    """The figures as JSON-ready data (what build/quality/truth-quality.json holds)."""
    data: dict = {"seed": truth_mutations.SEED, "split": "sha256(relative path)[0] even: tune, odd: held-out"}
    for family, result in figures.items():
        found, total = result.invented_by_language()
        data[family] = {
            part: {
                "pages": corpus.pages,
                "errors_per_100": round(corpus.per_100("error"), 2),
                "warnings_per_100": round(corpus.per_100("warning"), 2),
                "infos_per_100": round(corpus.per_100("info"), 2),
                "errors_by_rule_per_100": corpus.rules_per_100("error"),
                "warnings_by_rule_per_100": corpus.rules_per_100("warning"),
                "recall": round(result.mutations[part].recall, 4),
                "recall_by_kind": {
                    kind: f"{result.mutations[part].found[kind]}/{result.mutations[part].total[kind]}"
                    for kind in result.mutations[part].total
                },
            }
            for part, corpus in result.corpus.items()
        }
        data[family]["invented_methods_by_language"] = {lang: f"{found[lang]}/{total[lang]}" for lang in sorted(total)}
    return data


def format_report(figures: dict[str, FamilyFigures]) -> str:
    """Markdown tables of the figures (printed by the tests, written beside the JSON)."""
    lines = [
        "| family | part | pages | errors/100 | warnings/100 | infos/100 | warnings by rule /100 | seeded found |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for family, result in figures.items():
        for part, corpus in result.corpus.items():
            recall = result.mutations[part]
            by_kind = ", ".join(f"{kind} {recall.found[kind]}/{recall.total[kind]}" for kind in recall.total)
            by_rule = ", ".join(f"{rule} {value:g}" for rule, value in corpus.rules_per_100("warning").items())
            lines.append(
                f"| {family} | {part} | {corpus.pages} | {corpus.per_100('error'):.2f} | "
                f"{corpus.per_100('warning'):.2f} | {corpus.per_100('info'):.2f} | {by_rule or '-'} | "
                f"{recall.recall:.1%} ({by_kind}) |"
            )
    lines += ["", "| family | invented methods found per language (corpus mutations + seeded code) |", "|---|---|"]
    for family, result in figures.items():
        found, total = result.invented_by_language()
        cells = ", ".join(f"{lang} {found[lang]}/{total[lang]}" for lang in sorted(total))
        lines.append(f"| {family} | {cells or '-'} |")
    return "\n".join(lines)


def write_summary(figures: dict[str, FamilyFigures], directory: Path = SUMMARY_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "truth-quality.json").write_text(json.dumps(summary(figures), indent=2), encoding="utf-8")
    path = directory / "truth-quality.md"
    details = []
    for family, result in figures.items():
        for part, corpus in result.corpus.items():
            details += [f"- {family}/{part}: {finding}" for finding in corpus.findings]
        for recall in (*result.mutations.values(), result.seeded_code):
            details += [f"- {family}/{recall.part} missed: {missed}" for missed in recall.missed]
    path.write_text(
        "# Truth quality on the development corpora\n\n"
        + format_report(figures)
        + "\n\n## Findings and misses\n\n"
        + "\n".join(details)
        + "\n",
        encoding="utf-8",
    )
    return path


def measure_all(families: Iterable[str] = CORPORA) -> dict[str, FamilyFigures]:
    ruleset = load_ruleset()
    return {family: measure_family(family, ruleset) for family in families}


def main() -> int:
    figures = measure_all()
    print(format_report(figures))
    print(f"\nsummary: {write_summary(figures)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
