"""Reading code blocks for product API grows linearly with the block (issue 11: a page with
5,000 code lines in an unknown language stays linear).

For each language (and for odd input: unclosed comments, strings and brackets, mixed
languages), a block of N lines and one of 2N lines are read against the words tables
(best of five runs); the ratio time(2N)/time(N) is printed. Linear work gives ~2 and
quadratic ~4; the target is a ratio under 3.5 for every input. Exits 1 when one is missed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.engine.document import CodeBlock  # noqa: E402
from chalicelib.engine.truth import load_truth_registry  # noqa: E402
from chalicelib.engine.truth.code import analyse_block  # noqa: E402

LINES = 2_000
MAX_RATIO = 3.5  # linear work gives ~2, quadratic ~4
RUNS = 5
SNIPPETS = {
    "java": ("java", "java", 'Document doc = new Document(dir + "a.docx");\ndoc.getFirstSection().getBody();\n'),
    "csharp": ("csharp", "net", 'var doc = new Document(dir + "a.docx");\ndoc.FirstSection.Body.Paragraphs.Clear();\n'),
    "vb": ("vb", "net", 'Dim doc As New Document(dir & "a.docx") \' load\ndoc.Save(dir & "b.pdf")\n'),
    "cpp": ("cpp", "cpp", 'auto doc = MakeObject<Document>(u"a.docx");\ndoc->get_FirstSection()->get_Body();\n'),
    "python": (
        "python",
        "python",
        "doc = aw.Document(MY_DIR + 'a.docx')  # load\ndoc.first_section.body.paragraphs.clear()\n",
    ),
    "javascript": ("javascript", "nodejs", "let doc = new aw.Document(dir + 'a.docx');\ndoc.firstSection.body;\n"),
    "php": ("php", "php", "$doc = new \\Aspose\\Words\\Document($dir . 'a.docx');\n$doc->save('b.pdf');\n"),
    "odd input": (
        "unknownlang",
        None,
        "x = foo(bar /* open ' \" [[ <<< Aspose.Words.Document.\n$a->b = new \\A\\B\\Document(MakeObject<X<(\n",
    ),
}


def _block(label: str, text: str) -> CodeBlock:
    return CodeBlock("fence", label, label, text, 1, text.count("\n") + 2, 2, 0)


def _seconds(block: CodeBlock, registry, page: str | None) -> float:
    table = registry.get("words")
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        analyse_block(block, table, page)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    registry = load_truth_registry(REPO / "config")
    missed = []
    print(f"reading a code block of N={LINES:,} and 2N lines (best of {RUNS}); linear work gives a ratio of ~2")
    for name, (label, page, snippet) in SNIPPETS.items():
        lines = snippet.count("\n")
        small = _seconds(_block(label, snippet * (LINES // lines)), registry, page)
        large = _seconds(_block(label, snippet * (2 * LINES // lines)), registry, page)
        ratio = large / small if small else 0.0
        flag = "ok" if ratio < MAX_RATIO else f"MISSED (target < {MAX_RATIO})"
        print(f"  {name:<11} N: {small * 1000:7.1f} ms   2N: {large * 1000:7.1f} ms   ratio {ratio:4.2f}  {flag}")
        if ratio >= MAX_RATIO:
            missed.append(name)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
