"""Invented methods in code of every language are found on their line (issue 11).

`seeded_code/` holds realistic pages for words, cells, pdf and slides in Java, C#, VB.NET,
C++, Python, JavaScript/TypeScript, PHP and Go, laid out like the documentation sites
(`<family>/<platform folder>/<language>.md`, so the page path gives the platform as on a
real site). Each seeded page has one invented method per code block; `manifest.json`
lists the file, family, language, rule (TR002) and line of each. The invented names were
written by hand, not taken from the API tables. `*-clean.md` pages have no mistake and
measure false alarms per language.

The test prints recall per language and false alarms, and asserts the targets on the
samples whose platform has a complete API table (only a complete table can contradict a
name, by design): >= 80 % of invented methods found on their exact line in every language,
>= 95 % overall, and no truth warning or error on clean pages or away from the seeded lines.
Samples on platforms without a complete table would be counted and printed apart, so a gap
stays visible (none today: Slides .NET and C++ read a table derived from Python via .NET and
Java, complete by derivation, see docs/truth-tables.md).
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from chalicelib.engine.parse import parse_document
from chalicelib.engine.ruleset import Ruleset, load_ruleset
from chalicelib.engine.truth.code import block_platform, page_platform
from chalicelib.engine.validate import validate_document

SEEDED = Path(__file__).resolve().parent / "seeded_code"
MIN_RECALL_PER_LANGUAGE = 0.80
MIN_RECALL = 0.95
FALSE_ALARM_SEVERITIES = ("error", "warning")


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((SEEDED / "manifest.json").read_text(encoding="utf-8"))


def _truth_issues(ruleset: Ruleset, relative: str, family: str):
    text = (SEEDED / relative).read_text(encoding="utf-8")
    report = validate_document(text, path=relative, family=family, profile="default", ruleset=ruleset)
    return [issue for issue in report.issues if issue.category == "truth"]


def _checkable(ruleset: Ruleset, relative: str, family: str, line: int) -> bool:
    """Whether the block holding `line` is read against a complete API table."""
    table = ruleset.truth.get(family)
    doc = parse_document((SEEDED / relative).read_text(encoding="utf-8"), relative)
    block = next(block for block in doc.code_blocks if block.start_line < line <= block.end_line)
    platform = block_platform(block, table, page_platform(doc, table))
    return platform is not None and table.platform_complete(platform)


def test_manifest_points_at_the_invented_names(manifest):
    assert manifest["samples"] and manifest["clean"]
    for sample in manifest["samples"]:
        lines = (SEEDED / sample["file"]).read_text(encoding="utf-8").splitlines()
        assert sample["name"] in lines[sample["line"] - 1], sample
    listed = {entry["file"] for entry in manifest["samples"] + manifest["clean"]}
    assert listed == {path.relative_to(SEEDED).as_posix() for path in SEEDED.rglob("*.md")}


def test_invented_methods_are_found_in_every_language(ruleset, manifest, capsys):
    found: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    unchecked: collections.Counter[str] = collections.Counter()  # no complete table for the platform
    unchecked_found: collections.Counter[str] = collections.Counter()
    false_alarms: collections.Counter[str] = collections.Counter()
    pages: collections.Counter[str] = collections.Counter()
    missed: list[str] = []
    alarms: list[str] = []
    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    for sample in manifest["samples"]:
        by_file[sample["file"]].append(sample)
    for relative, samples in by_file.items():
        language, family = samples[0]["language"], samples[0]["family"]
        issues = _truth_issues(ruleset, relative, family)
        seeded_lines = {sample["line"] for sample in samples}
        pages[language] += 1
        for sample in samples:
            hit = any(issue.rule == sample["rule"] and issue.line == sample["line"] for issue in issues)
            if not _checkable(ruleset, relative, family, sample["line"]):
                unchecked[language] += 1
                unchecked_found[language] += hit
                continue
            total[language] += 1
            found[language] += hit
            if not hit:
                missed.append(f"{relative}:{sample['line']} {sample['name']}")
        for issue in issues:
            if issue.severity in FALSE_ALARM_SEVERITIES and issue.line not in seeded_lines:
                false_alarms[language] += 1
                alarms.append(f"{relative}:{issue.line} {issue.rule} {issue.message}")
    for entry in manifest["clean"]:
        pages[entry["language"]] += 1
        for issue in _truth_issues(ruleset, entry["file"], entry["family"]):
            if issue.severity in FALSE_ALARM_SEVERITIES:
                false_alarms[entry["language"]] += 1
                alarms.append(f"{entry['file']}:{issue.line} {issue.rule} {issue.message}")
    overall = sum(found.values()) / sum(total.values())
    with capsys.disabled():
        found_all, total_all = sum(found.values()), sum(total.values())
        every, every_found = total_all + sum(unchecked.values()), found_all + sum(unchecked_found.values())
        print(
            f"\nseeded invented methods found on their line: {found_all}/{total_all} = {overall:.1%} where the "
            f"platform's API table is complete; {every_found}/{every} = {every_found / every:.1%} of all samples"
        )
        for language in sorted(total):
            share = found[language] / total[language]
            all_found, all_total = found[language] + unchecked_found[language], total[language] + unchecked[language]
            print(
                f"  {language:<10} {found[language]:>2}/{total[language]:<2} = {share:6.1%}"
                f"   (all samples {all_found}/{all_total})"
                f"   truth false alarms {false_alarms[language]} on {pages[language]} pages"
            )
        for line in missed:
            print(f"  missed: {line}")
        for line in alarms:
            print(f"  false alarm: {line}")
    for language in total:
        assert found[language] / total[language] >= MIN_RECALL_PER_LANGUAGE, (language, missed)
    assert overall >= MIN_RECALL, missed
    assert not alarms, alarms
