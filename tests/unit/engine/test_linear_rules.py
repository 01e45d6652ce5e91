"""Every rule is linear in its input: on each adversarial page (tests/unit/engine/adversarial.py),
doubling the page may at most multiply a rule's time by GROWTH.

The test iterates the registry, so rules added later are covered without a change here.
Times are process times (CPU of this process only, so other load on the machine matters
little), the best of several runs, at sizes where a quadratic scan costs far more than the
noise floor; a ratio over the limit is measured again with more runs before it fails.
"""

from __future__ import annotations

import pytest
from adversarial import PAGES, REGISTRY, CheckContext, load_ruleset, parse_document, quiet_gc, timed

SIZE = 24_000  # characters of the smaller page; the larger one is twice this
GROWTH = 2.5  # allowed time factor per doubling (linear is 2; quadratic 4)
FLOOR = 0.003  # seconds: below this at the larger size, a rule costs nothing worth measuring
FAMILY = "words"  # a family with a truth table, so the truth rules run in full


def _contexts(text: str):
    """The parsed page and a memo warmed by every rule (shared work such as plugin detection
    is then charged to `all rules, cold` rather than to whichever rule runs first)."""
    truth = load_ruleset().truth
    doc = parse_document(text, "docs/page.md")
    warm: dict = {}
    for rule in REGISTRY.values():
        for _ in rule.check(CheckContext(doc=doc, family=FAMILY, truth=truth, memo=warm), rule.meta.params):
            pass
    return doc, truth, warm


def _measurements(text: str, repeats: int) -> dict[str, float]:
    """Seconds per subject: parsing, all rules on a cold memo, the pipeline, each rule warm."""
    doc, truth, warm = _contexts(text)
    times = {"parse": timed(lambda: parse_document(text, "docs/page.md"), repeats)}

    def all_cold():
        memo: dict = {}
        for rule in REGISTRY.values():
            for _ in rule.check(CheckContext(doc=doc, family=FAMILY, truth=truth, memo=memo), rule.meta.params):
                pass

    times["all rules, cold"] = timed(all_cold, repeats)
    for rule_id, rule in REGISTRY.items():

        def run(rule=rule):
            for _ in rule.check(CheckContext(doc=doc, family=FAMILY, truth=truth, memo=dict(warm)), rule.meta.params):
                pass

        times[rule_id] = timed(run, repeats)
    return times


def _too_slow(small: dict[str, float], large: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {
        subject: (small[subject], large[subject])
        for subject in large
        if large[subject] > FLOOR and large[subject] > GROWTH * max(small[subject], FLOOR / GROWTH)
    }


@pytest.mark.parametrize("page", sorted(PAGES))
def test_doubling_the_page_at_most_doubles_each_rules_time(page):
    build = PAGES[page]
    small_text, large_text = build(SIZE), build(2 * SIZE)
    with quiet_gc():
        slow = _too_slow(_measurements(small_text, 2), _measurements(large_text, 2))
        if slow:  # measure the suspects again, with more runs, before blaming them
            again_small, again_large = _measurements(small_text, 5), _measurements(large_text, 5)
            slow = _too_slow({s: again_small[s] for s in slow}, {s: again_large[s] for s in slow})
    assert not slow, "time grows faster than the page: " + ", ".join(
        f"{subject} {a * 1000:.1f} ms -> {b * 1000:.1f} ms (x{b / max(a, 1e-9):.1f})"
        for subject, (a, b) in slow.items()
    )
