"""Truth quality on the four development corpora (issue 11), measured by tests/quality/harness.py.

Targets, each on the "tune" and the "held-out" half of every family's pages (the split is
a hash of the page path, see `harness.part_of`):

- truth errors <= 1 per 100 official pages and truth warnings <= 10 per 100 pages;
- >= 95% of the seeded mistakes (scripts/truth_mutations.py) found by the right rule on
  their exact line;
- >= 80% of the invented methods found in each code language (corpus mutations of every
  family plus the seeded code samples of tests/quality/seeded_code/).

The figures are printed (run with `-s`) and written to build/quality/truth-quality.{json,md}.
"""

from __future__ import annotations

import collections

import pytest

from tests.quality import harness

MAX_ERRORS_PER_100 = 1.0
MAX_WARNINGS_PER_100 = 10.0
MIN_RECALL = 0.95
MIN_LANGUAGE_RECALL = 0.80
MIN_MUTATIONS_PER_PART = 100
MIN_WORDS_RESOLVED_SHARE = 0.90
MIN_SAMPLES_PER_LANGUAGE = 2


@pytest.fixture(scope="module")
def figures() -> dict[str, harness.FamilyFigures]:
    measured = harness.measure_all()
    path = harness.write_summary(measured)
    print(f"\n{harness.format_report(measured)}\n(summary with every finding and miss: {path})")
    return measured


@pytest.mark.parametrize("family", list(harness.CORPORA))
def test_truth_errors_per_100_pages(figures, family):
    for part, corpus in figures[family].corpus.items():
        errors = [finding for finding in corpus.findings if " error " in finding]
        assert corpus.per_100("error") <= MAX_ERRORS_PER_100, (part, errors)


@pytest.mark.parametrize("family", list(harness.CORPORA))
def test_truth_warnings_per_100_pages(figures, family):
    for part, corpus in figures[family].corpus.items():
        assert corpus.per_100("warning") <= MAX_WARNINGS_PER_100, (part, corpus.rules_per_100("warning"))


@pytest.mark.parametrize("family", list(harness.CORPORA))
def test_seeded_mistakes_are_found_on_their_line(figures, family):
    for part, recall in figures[family].mutations.items():
        assert sum(recall.total.values()) >= MIN_MUTATIONS_PER_PART, (part, recall.total)
        assert recall.recall >= MIN_RECALL, (part, recall.missed)


@pytest.mark.parametrize("language", ["java", "csharp", "vb", "cpp", "python", "javascript", "php", "go"])
def test_invented_methods_are_found_in_every_language(figures, language):
    found: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for result in figures.values():
        family_found, family_total = result.invented_by_language()
        found.update(family_found)
        total.update(family_total)
    assert total[language] >= MIN_SAMPLES_PER_LANGUAGE, f"no seeded invented methods in {language}: {total}"
    assert found[language] / total[language] >= MIN_LANGUAGE_RECALL, f"{language}: {found[language]}/{total[language]}"


def test_words_api_identifiers_resolve():
    """The words table knows >= 90% of the product API identifiers its official pages use."""
    resolved, identifiers = harness.api_coverage("words")
    assert identifiers > 1000
    assert resolved / identifiers >= MIN_WORDS_RESOLVED_SHARE, f"{resolved}/{identifiers}"
