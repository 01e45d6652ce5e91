"""Adversarial pages for the linearity test (test_linear_rules.py) and `scripts/bench_adversarial.py`.

Each generator takes a size in characters and returns a page of about that size built to
make a backtracking pattern or a nested loop blow up: one very long line, an opener
repeated without its closer, unclosed quotes, deep nesting, huge tables. A rule whose
time grows faster than the page does on any of them is quadratic somewhere.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from contextlib import contextmanager

from chalicelib.engine import rules as _rules  # noqa: F401 - registers every rule
from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.registry import REGISTRY, CheckContext
from chalicelib.engine.ruleset import load_ruleset

__all__ = ["PAGES", "REGISTRY", "CheckContext", "load_ruleset", "parse_document", "quiet_gc", "timed"]

FRONT = "---\ntitle: Adversarial page\ndescription: A page built to stress every rule's scanning.\n---\n\n"


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _line(unit: str) -> Callable[[int], str]:
    """One paragraph line of `unit` repeated."""
    return lambda size: FRONT + "# Title\n\n" + _repeat(unit, size) + "\n"


def _code_line(unit: str, language: str = "java") -> Callable[[int], str]:
    """One line of `unit` repeated inside a fenced code block."""
    return lambda size: FRONT + f"# Title\n\n```{language}\n" + _repeat(unit, size) + "\n```\n"


def _highlight_line(unit: str) -> Callable[[int], str]:
    return lambda size: FRONT + "# Title\n\n{{< highlight java >}}\n" + _repeat(unit, size) + "\n{{< /highlight >}}\n"


def _lines(unit: str) -> Callable[[int], str]:
    """`unit` (ending in a line break) repeated: many short lines."""
    return lambda size: FRONT + "# Title\n\n" + _repeat(unit, size)


def _nested_quotes(size: int) -> str:
    depth = max(1, int(size**0.5))
    return FRONT + "# Title\n\n" + "".join("> " * i + "text\n" for i in range(1, depth))


def _nested_lists(size: int) -> str:
    depth = max(1, int(size**0.5) // 2)
    return FRONT + "# Title\n\n" + "".join("  " * i + "- item\n" for i in range(depth))


def _wide_table(size: int) -> str:
    columns = max(2, size // 8)
    return FRONT + "# Title\n\n|" + " a |" * columns + "\n|" + "---|" * columns + "\n|" + " b |" * columns + "\n"


def _long_table(size: int) -> str:
    return FRONT + "# Title\n\n| a | b |\n|---|---|\n" + _repeat("| `x` | [y](#z) |\n", size)


def _front_matter(size: int) -> str:
    keys = "".join(f"key{i}: value {i}\n" for i in range(max(1, size // 20)))
    return "---\ntitle: Page\n" + keys + "---\n\n# Title\n"


# name -> generator; every rule is measured on every one of these.
PAGES: dict[str, Callable[[int], str]] = {
    "comment openers in code": _code_line("/* "),
    "comment openers in highlight": _highlight_line("/* a "),
    "img openers": _line("<img "),
    "html openers": _line("<a id='x' "),
    "unclosed passwords in code": _code_line('password="hunter2 '),
    "unclosed passwords in highlight": _highlight_line("password = 'abcdef1 "),
    "secrets in code": _code_line('token = "s3cr3tvalue1"; '),
    "unclosed strings in code": _code_line('"\\'),
    "link openers": _line("[a]("),
    "image openers": _line("![a]("),
    "reference openers": _line("[a]["),
    "brackets": _line("["),
    "backticks": _line("`a"),
    "emphasis": _line("*a _b "),
    "shortcode openers": _line("{{< x "),
    "html comment openers": _line("<!-- "),
    "bare urls": _line("http://a.b/c "),
    "long word": _line("a"),
    "spaces": _line("a   "),
    "headings": _lines("# Heading\n\n"),
    "duplicate headings": _lines("## Same\n\ntext\n\n"),
    "list items": _lines("- item\n"),
    "blank lines": _lines("\n\n\ntext\n"),
    "fences": _lines("```\ncode\n```\n"),
    "unclosed fence": lambda size: FRONT + "# Title\n\n```java\n" + _repeat("x = 1;\n", size),
    "type names in code": _code_line("Document Document.Save(x); "),
    "nested quotes": _nested_quotes,
    "nested lists": _nested_lists,
    "wide table": _wide_table,
    "long table": _long_table,
    "front matter": _front_matter,
}


def timed(run: Callable[[], object], repeats: int) -> float:
    """The best process time of `repeats` calls (run it inside `quiet_gc()`)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


@contextmanager
def quiet_gc():
    """Collect once, then hold the garbage collector off: its pauses are not the rules' time."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
