"""Seeded mistakes for the truth quality harness: copies corpus pages and injects one
known error per copy, recording the rule that must catch it and the exact line.

The generator knows nothing about the truth tables (it must not be tuned to them): it
uses its own small knowledge of Aspose.Words and of Markdown/Hugo page layout.

    python scripts/truth_mutations.py CORPUS_DIR OUT_DIR   # writes pages + manifest.json
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

SEED = 20251125
COUNTS = {"product-name": 40, "invented-method": 40, "unsupported-format": 30, "undeclared-plugin": 30}
RULES = {
    "product-name": "TR001",
    "invented-method": "TR002",
    "unsupported-format": "TR003",
    "undeclared-plugin": "TR004",
}

MISSPELLINGS = ["Apose.Words", "Aspose.Word", "Aspose.Wrods", "Aspos.Words", "Asopse.Words", "Aspose.Wordss"]
INVENTED_SUFFIXES = ["Magically", "ToCloud", "Twice", "Everywhere", "Quantum"]
TYPED_CLASSES = [
    "Document",
    "DocumentBuilder",
    "Paragraph",
    "Table",
    "Run",
    "Section",
    "Font",
    "Shape",
    "Cell",
    "Row",
    "PdfSaveOptions",
    "HtmlSaveOptions",
    "LoadOptions",
    "FindReplaceOptions",
    "FontSettings",
    "PageSetup",
    "ParagraphFormat",
    "Comment",
    "Bookmark",
    "FieldMergeField",
]
UNSUPPORTED = ["DWG", "MP4", "STL", "WAV", "MP3", "AVI", "DXF", "FBX", "MKV"]
SOURCES = ["DOCX", "DOC", "RTF", "ODT"]
FORMAT_SENTENCES = [
    "You can also convert {src} to {fmt} with a single call.",
    "Aspose.Words can save the result as {fmt} as well.",
    "To export a document to {fmt}, pass the output file name to the save method.",
    "It is also possible to convert a document to {fmt} format.",
]
# (sentence mentioning the plugin, words whose presence on the page disqualifies it)
PLUGIN_MENTIONS = [
    ("For bulk letters, combine this with Mail Merge.", ["mail merge", "mailmerge", "merge field", "mergefield"]),
    ("The LINQ Reporting Engine can fill the same template.", ["linq", "reportingengine", "reporting engine"]),
    ("Digital Signatures can then be applied to the output.", ["signature", "sign"]),
    ("Use the Document Comparison feature to see what changed.", ["compar", "revision"]),
    ("Office Math equations are preserved as well.", ["officemath", "office math", "equation"]),
]
DECLARED = "document"

_DECLARATION = re.compile(r"\b(" + "|".join(TYPED_CLASSES) + r")\s+([a-z]\w*)\s*=")
_CALL = re.compile(r"\b([a-z]\w*)\.([a-z]\w*)\(")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HIGHLIGHT_OPEN = re.compile(r"^\s*\{\{<\s*highlight\b")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{\{<\s*/highlight\s*>\}\}")
_NOT_PROSE = re.compile(r"^\s*(?:#|\||\{\{|<|!\[|>|-\s*\[|\d+\.\s*\[)")


@dataclass(frozen=True)
class Mutation:
    kind: str
    rule: str
    source: str  # corpus-relative path of the original page
    line: int  # 1-based line of the mistake in the mutated text
    detail: str
    text: str  # the whole mutated page


def _line_kinds(lines: list[str]) -> list[str]:
    """'front', 'code' or 'prose' for each line (prose includes blank lines)."""
    kinds: list[str] = []
    state = "prose"
    front_open = bool(lines) and lines[0].strip() == "---"
    for index, line in enumerate(lines):
        if front_open:
            kinds.append("front")
            if index > 0 and line.strip() == "---":
                front_open = False
            continue
        if state == "fence":
            kinds.append("code")
            if _FENCE.match(line):
                state = "prose"
        elif state == "highlight":
            if _HIGHLIGHT_CLOSE.match(line):
                kinds.append("code-end")
                state = "prose"
            else:
                kinds.append("code")
        elif _FENCE.match(line):
            kinds.append("code-start")
            state = "fence"
        elif _HIGHLIGHT_OPEN.match(line):
            kinds.append("code-start")
            state = "highlight"
        else:
            kinds.append("prose")
    return kinds


def _front_end(lines: list[str]) -> int | None:
    """Index of the closing front matter fence."""
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return index
    return None


def _product_name(lines, kinds, rng):
    spots = []
    for index, line in enumerate(lines):
        if kinds[index] != "prose" or _NOT_PROSE.match(line):
            continue
        stripped = re.sub(r"`[^`]*`|\]\([^)]*\)|https?://\S+", lambda m: "\0" * len(m.group()), line)
        spots.extend((index, match.start()) for match in re.finditer(r"Aspose\.Words\b(?!\.)", stripped))
    if not spots:
        return None
    index, start = rng.choice(spots)
    wrong = rng.choice(MISSPELLINGS)
    lines[index] = lines[index][:start] + wrong + lines[index][start + len("Aspose.Words") :]
    return index, f"Aspose.Words -> {wrong}"


def _invented_method(lines, kinds, rng):
    spots = []
    typed: dict[str, str] = {}
    for index, line in enumerate(lines):
        if kinds[index] == "code-start":
            typed = {}
        if kinds[index] != "code":
            continue
        for match in _DECLARATION.finditer(line):
            typed[match.group(2)] = match.group(1)
        for match in _CALL.finditer(line):
            if match.group(1) in typed:
                declared_here = re.search(rf"\b{typed[match.group(1)]}\s+{match.group(1)}\s*=", line)
                if not declared_here:
                    spots.append((index, match.start(2), match.group(2), typed[match.group(1)]))
    if not spots:
        return None
    index, start, method, class_name = rng.choice(spots)
    invented = method + rng.choice(INVENTED_SUFFIXES)
    lines[index] = lines[index][:start] + invented + lines[index][start + len(method) :]
    return index, f"{class_name}.{method} -> {invented}"


def _blank_prose_spots(lines, kinds):
    """Blank prose lines that follow a prose paragraph line: a new paragraph fits after them."""
    return [
        index
        for index in range(1, len(lines))
        if kinds[index] == "prose"
        and not lines[index].strip()
        and kinds[index - 1] == "prose"
        and lines[index - 1].strip()
        and not _NOT_PROSE.match(lines[index - 1])
    ]


def _unsupported_format(lines, kinds, rng):
    spots = _blank_prose_spots(lines, kinds)
    if not spots:
        return None
    index = rng.choice(spots)
    fmt = rng.choice(UNSUPPORTED)
    sentence = rng.choice(FORMAT_SENTENCES).format(src=rng.choice(SOURCES), fmt=fmt)
    lines[index + 1 : index + 1] = [sentence, ""]
    return index + 1, f"claims {fmt}"


def _undeclared_plugin(lines, kinds, rng):
    end = _front_end(lines)
    if end is None or any(line.startswith("plugins:") for line in lines[:end]):
        return None
    lowered = "\n".join(lines).lower()
    choices = [(sentence, hints) for sentence, hints in PLUGIN_MENTIONS if not any(h in lowered for h in hints)]
    spots = _blank_prose_spots(lines, kinds)
    if not choices or not spots:
        return None
    sentence, _ = rng.choice(choices)
    index = rng.choice(spots)
    lines[index + 1 : index + 1] = [sentence, ""]
    lines[end:end] = [f"plugins: [{DECLARED}]"]
    return index + 2, sentence


MUTATORS = {
    "product-name": _product_name,
    "invented-method": _invented_method,
    "unsupported-format": _unsupported_format,
    "undeclared-plugin": _undeclared_plugin,
}


def generate(corpus_dir: Path, seed: int = SEED) -> list[Mutation]:
    """One mutated copy per mutation, COUNTS of each kind, reproducible from the seed."""
    rng = random.Random(seed)
    pages = sorted(corpus_dir.rglob("*.md"))
    mutations: list[Mutation] = []
    for kind, count in COUNTS.items():
        order = pages[:]
        rng.shuffle(order)
        made = 0
        for path in order:
            if made == count:
                break
            text = path.read_text(encoding="utf-8")
            lines = text.split("\n")
            result = MUTATORS[kind](lines, _line_kinds(lines), rng)
            if result is None:
                continue
            index, detail = result
            mutations.append(
                Mutation(
                    kind, RULES[kind], path.relative_to(corpus_dir).as_posix(), index + 1, detail, "\n".join(lines)
                )
            )
            made += 1
    return mutations


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    corpus_dir, out_dir = Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for number, mutation in enumerate(generate(corpus_dir)):
        name = f"{number:03d}-{mutation.kind}.md"
        (out_dir / name).write_text(mutation.text, encoding="utf-8")
        record = asdict(mutation)
        del record["text"]
        manifest.append({"file": name, **record})
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    print(f"{len(manifest)} mutations (seed {SEED}) in {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
