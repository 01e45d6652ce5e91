"""Seeded mistakes for the truth quality harness: copies corpus pages and injects one
known error per copy, recording the rule that must catch it and the exact line.

The generator knows nothing about the truth tables (it must not be tuned to them): it
uses its own small knowledge of each product family (its name, a few of its classes, the
formats it has nothing to do with, a few of its feature names) and of Markdown/Hugo page
layout. Every family gets the same kinds of mistakes:

- product-name: a misspelling of the product name in prose (TR001);
- invented-method: a call on a variable the code declared as a product class, renamed to
  a method that does not exist (TR002), in whatever language the block is written in
  (Java, C#, Python, PHP, C++, JavaScript declarations are recognised);
- unsupported-format: a new prose sentence claiming a format the product cannot handle
  (TR003);
- undeclared-plugin: a sentence using a feature the front matter `plugins:` does not
  declare (TR004).

    python scripts/truth_mutations.py [--family F] CORPUS_DIR OUT_DIR   # pages + manifest.json
"""

from __future__ import annotations

import argparse
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
INVENTED_SUFFIXES = ["Magically", "ToCloud", "Twice", "Everywhere", "Quantum"]
# Claims written the ways documentation writes them: verbs, directions, extensions, lists.
FORMAT_SENTENCES = [
    "You can also convert {src} to {fmt} with a single call.",
    "{product} can save the result as {fmt} as well.",
    "To export a {noun} to {fmt}, pass the output file name to the save method.",
    "It is also possible to convert a {noun} to {fmt} format.",
    "{product} also lets you open {fmt} files.",
    "Loading {fmt} files works the same way.",
    "The output can be rendered to {fmt} as well.",
    "Conversion from {src} to {fmt} takes one line of code.",
    "{src} to {fmt} conversion is also available.",
    "You can also convert .{src_lower} files to .{fmt_lower} in the same way.",
    "The same call converts {src} files to PDF, HTML or {fmt}.",
]


@dataclass(frozen=True)
class FamilyKnowledge:
    """What the generator knows about a product, written from its public documentation."""

    product: str  # as written in prose, e.g. "Aspose.Words"
    misspellings: tuple[str, ...]
    classes: tuple[str, ...]  # classes whose instances code samples call methods on
    sources: tuple[str, ...]  # formats the product opens (the X of "convert X to Y")
    noun: str  # what the product calls a file: document, presentation, workbook
    unsupported: tuple[str, ...]  # formats the product neither loads nor saves
    # (sentence using a feature, words whose presence on the page disqualifies it)
    plugin_mentions: tuple[tuple[str, tuple[str, ...]], ...]
    declared: str  # the plugin a mutated page declares, so the used one is undeclared


FAMILIES: dict[str, FamilyKnowledge] = {
    "words": FamilyKnowledge(
        product="Aspose.Words",
        misspellings=("Apose.Words", "Aspose.Word", "Aspose.Wrods", "Aspos.Words", "Asopse.Words", "Aspose.Wordss"),
        classes=(
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
        ),
        sources=("DOCX", "DOC", "RTF", "ODT"),
        noun="document",
        unsupported=("DWG", "MP4", "STL", "WAV", "MP3", "AVI", "DXF", "FBX", "MKV"),
        plugin_mentions=(
            (
                "For bulk letters, combine this with Mail Merge.",
                ("mail merge", "mailmerge", "merge field", "mergefield"),
            ),
            ("The LINQ Reporting Engine can fill the same template.", ("linq", "reportingengine", "reporting engine")),
            ("Digital Signatures can then be applied to the output.", ("signature", "sign")),
            ("Use the Document Comparison feature to see what changed.", ("compar", "revision")),
            ("Office Math equations are preserved as well.", ("officemath", "office math", "equation")),
        ),
        declared="document",
    ),
    "slides": FamilyKnowledge(
        product="Aspose.Slides",
        misspellings=(
            "Apose.Slides",
            "Aspose.Slide",
            "Aspose.Sldies",
            "Aspos.Slides",
            "Asopse.Slides",
            "Aspose.Slidess",
        ),
        classes=(
            "Presentation",
            "ISlide",
            "IShape",
            "IAutoShape",
            "ITextFrame",
            "IParagraph",
            "IPortion",
            "ITable",
            "IChart",
            "PdfOptions",
            "HtmlOptions",
            "ISlideCollection",
            "IShapeCollection",
            "IPictureFrame",
            "IVideoFrame",
            "ILayoutSlide",
            "IMasterSlide",
            "IChartData",
            "IPortionFormat",
            "ISmartArt",
        ),
        sources=("PPTX", "PPT", "ODP"),
        noun="presentation",
        unsupported=("DWG", "STL", "DXF", "FBX", "MKV", "MPP", "IFC", "DGN", "VCF"),
        plugin_mentions=(
            ("Add SmartArt diagrams to make the message clearer.", ("smartart", "smart art")),
            ("Transitions and Animations can be added in the same way.", ("transition", "animation")),
            ("Slide Comments can hold the reviewers' notes.", ("comment",)),
            ("Use Password Protection to keep the file safe.", ("protect", "password", "encrypt")),
        ),
        declared="presentation",
    ),
    "pdf": FamilyKnowledge(
        product="Aspose.PDF",
        misspellings=("Apose.PDF", "Aspose.PFD", "Aspos.PDF", "Asopse.PDF", "Aspose.PDFs", "Aspoes.PDF"),
        classes=(
            "Document",
            "Page",
            "TextFragment",
            "TextFragmentAbsorber",
            "TextAbsorber",
            "Table",
            "Row",
            "Cell",
            "TextBuilder",
            "ImagePlacementAbsorber",
            "PdfFileEditor",
            "PdfFileInfo",
            "PdfContentEditor",
            "FormEditor",
            "PdfFileSecurity",
            "PdfFileSignature",
            "HtmlSaveOptions",
            "DocSaveOptions",
            "PngDevice",
            "JpegDevice",
        ),
        sources=("PDF", "HTML", "XPS", "EPUB"),
        noun="document",
        unsupported=("DWG", "MP4", "STL", "WAV", "MP3", "AVI", "FBX", "MKV", "MPP"),
        plugin_mentions=(
            ("The PDF Facades offer a simpler way to do the same.", ("facade",)),
            ("Annotations and Forms are kept as they are.", ("annotation", "form")),
            ("A TextFragmentAbsorber finds the text to change.", ("textfragment", "absorber")),
            ("Security and Signatures can then be applied.", ("secur", "sign")),
        ),
        declared="document",
    ),
    "cells": FamilyKnowledge(
        product="Aspose.Cells",
        misspellings=("Apose.Cells", "Aspose.Cell", "Aspose.Celsl", "Aspos.Cells", "Asopse.Cells", "Aspose.Cellss"),
        classes=(
            "Workbook",
            "Worksheet",
            "Cells",
            "Cell",
            "Range",
            "Style",
            "Chart",
            "WorksheetCollection",
            "PivotTable",
            "ListObject",
            "PdfSaveOptions",
            "HtmlSaveOptions",
            "LoadOptions",
            "TxtLoadOptions",
            "Shape",
            "Picture",
            "Comment",
            "WorkbookDesigner",
            "PageSetup",
            "Validation",
        ),
        sources=("XLSX", "XLS", "CSV", "ODS"),
        noun="workbook",
        unsupported=("DWG", "MP4", "STL", "WAV", "MP3", "AVI", "FBX", "MKV", "DXF"),
        plugin_mentions=(
            ("Summarize the data with Pivot Tables.", ("pivot",)),
            ("Smart Markers can fill the same template.", ("smart marker", "smartmarker", "workbookdesigner")),
            ("Add Conditional Formatting to highlight the values.", ("conditional",)),
            ("Data Validation restricts what users can type.", ("validation",)),
        ),
        declared="workbook",
    ),
}

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HIGHLIGHT_OPEN = re.compile(r"^\s*\{\{<\s*highlight\b")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{\{<\s*/highlight\s*>\}\}")
_NOT_PROSE = re.compile(r"^\s*(?:#|\||\{\{|<|!\[|>|-\s*\[|\d+\.\s*\[)")
# Code of other libraries (comparison pages show it beside the product's): a call there is
# not the product's, so no mistake is seeded in such a block.
_OTHER_LIBRARIES = re.compile(
    r"org\.apache\.poi|\b(?:XSSF|HSSF|SXSSF|XWPF|HWPF|XSLF|HSLF)\w*|docx4j|WordprocessingMLPackage|"
    r"Microsoft\.Office\.Interop|DocumentFormat\.OpenXml|com\.itextpdf|org\.apache\.pdfbox|\bPDDocument\b"
)


@dataclass(frozen=True)
class Mutation:
    kind: str
    rule: str
    source: str  # corpus-relative path of the original page
    line: int  # 1-based line of the mistake in the mutated text
    detail: str
    text: str  # the whole mutated page
    language: str  # the code language of an invented method; "prose" for the other kinds


def _line_kinds(lines: list[str]) -> list[str]:
    """'front', 'code-start', 'code', 'code-end' or 'prose' for each line (prose includes
    blank lines)."""
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


def _product_name(lines, kinds, rng, family: FamilyKnowledge):
    spots = []
    name = re.compile(re.escape(family.product) + r"\b(?!\.)")
    for index, line in enumerate(lines):
        if kinds[index] != "prose" or _NOT_PROSE.match(line):
            continue
        stripped = re.sub(r"`[^`]*`|\]\([^)]*\)|https?://\S+", lambda m: "\0" * len(m.group()), line)
        spots.extend((index, match.start()) for match in name.finditer(stripped))
    if not spots:
        return None
    index, start = rng.choice(spots)
    wrong = rng.choice(family.misspellings)
    lines[index] = lines[index][:start] + wrong + lines[index][start + len(family.product) :]
    return index, f"{family.product} -> {wrong}", "prose"


@dataclass(frozen=True)
class _Syntax:
    """How one language declares an instance of a class and calls a method on it."""

    language: str
    declaration: str  # regex with the groups `var` and `cls` ({classes} is filled in)
    call: str  # regex with the groups `var` and `method`


# Declarations the generator recognises, the most specific first: a line declaring a
# variable is read by the first syntax that matches it.
_SYNTAXES = (
    _Syntax(
        "php",
        r"\$(?P<var>[A-Za-z_]\w*)\s*=\s*new\s+(?:\\?[\w\\]+\\)?(?P<cls>{classes})\s*\(",
        r"\$(?P<var>\w+)->(?P<method>[A-Za-z_]\w*)\(",
    ),
    _Syntax(
        "cpp",
        r"(?:auto|System::SharedPtr<(?:[\w:]+::)?(?P<cls2>{classes})>)\s+(?P<var>[A-Za-z_]\w*)\s*=\s*"
        r"(?:System::)?MakeObject<(?:[\w:]+::)?(?P<cls>{classes})>",
        r"\b(?P<var>\w+)->(?P<method>[A-Za-z_]\w*)\(",
    ),
    _Syntax(
        "javascript",
        r"\b(?:const|let|var)\s+(?P<var>[A-Za-z_$][\w$]*)\s*=\s*new\s+(?:[\w$]+\.)*(?P<cls>{classes})\s*\(",
        r"\b(?P<var>\w+)\.(?P<method>[A-Za-z_]\w*)\(",
    ),
    _Syntax(
        "python",
        r"^\s*(?P<var>[a-z_]\w*)\s*=\s*(?:[\w]+\.)*(?P<cls>{classes})\s*\(",
        r"\b(?P<var>\w+)\.(?P<method>[A-Za-z_]\w*)\(",
    ),
    _Syntax(
        "java",  # Java and C# share the typed declaration; the method's case tells them apart
        r"\b(?P<cls>{classes})(?:<[^>]*>)?\s+(?P<var>[a-z]\w*)\s*=",
        r"\b(?P<var>\w+)\.(?P<method>[A-Za-z_]\w*)\(",
    ),
    _Syntax(
        "csharp",
        r"\bvar\s+(?P<var>[a-z]\w*)\s*=\s*new\s+(?:[\w]+\.)*(?P<cls>{classes})\s*\(",
        r"\b(?P<var>\w+)\.(?P<method>[A-Za-z_]\w*)\(",
    ),
)


def _compiled_syntaxes(family: FamilyKnowledge) -> list[tuple[_Syntax, re.Pattern[str], re.Pattern[str]]]:
    classes = "|".join(sorted(family.classes, key=len, reverse=True))
    return [
        (syntax, re.compile(syntax.declaration.format(classes=classes)), re.compile(syntax.call))
        for syntax in _SYNTAXES
    ]


def _language(syntax: _Syntax, method: str) -> str:
    if syntax.language == "java" and method[:1].isupper():
        return "csharp"  # .NET methods are PascalCase
    return syntax.language


def _invent(method: str, language: str, rng: random.Random) -> str:
    suffix = rng.choice(INVENTED_SUFFIXES)
    if language == "python" and (method.islower() or "_" in method):
        return f"{method}_{suffix.lower()}"
    return method + suffix


def _other_library_lines(lines: list[str], kinds: list[str]) -> set[int]:
    """Indexes of the lines of code blocks that use another library."""
    skipped: set[int] = set()
    block: list[int] = []
    for index, kind in enumerate([*kinds, "end"]):  # "end" closes a block left open at the end
        if kind == "code":
            block.append(index)
        elif block:
            if any(_OTHER_LIBRARIES.search(lines[line]) for line in block):
                skipped.update(block)
            block = []
    return skipped


def _invented_method(lines, kinds, rng, family: FamilyKnowledge):
    spots = []
    typed: dict[str, tuple[str, _Syntax]] = {}
    syntaxes = _compiled_syntaxes(family)
    other_library = _other_library_lines(lines, kinds)
    for index, line in enumerate(lines):
        if kinds[index] == "code-start":
            typed = {}
        if kinds[index] != "code" or index in other_library:
            continue
        declared_here = set()
        for syntax, declaration, _ in syntaxes:
            match = declaration.search(line)
            if match:
                typed[match.group("var")] = (match.group("cls"), syntax)
                declared_here.add(match.group("var"))
                break
        for variable, (class_name, syntax) in list(typed.items()):
            if variable in declared_here:
                continue
            call = next(pattern for candidate, _, pattern in syntaxes if candidate is syntax)
            for match in call.finditer(line):
                if match.group("var") == variable:
                    spots.append((index, match.start("method"), match.group("method"), class_name, syntax))
    if not spots:
        return None
    index, start, method, class_name, syntax = rng.choice(spots)
    language = _language(syntax, method)
    invented = _invent(method, language, rng)
    lines[index] = lines[index][:start] + invented + lines[index][start + len(method) :]
    return index, f"{class_name}.{method} -> {invented}", language


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


def _unsupported_format(lines, kinds, rng, family: FamilyKnowledge):
    spots = _blank_prose_spots(lines, kinds)
    if not spots:
        return None
    index = rng.choice(spots)
    fmt = rng.choice(family.unsupported)
    source = rng.choice(family.sources)
    sentence = rng.choice(FORMAT_SENTENCES).format(
        src=source,
        fmt=fmt,
        product=family.product,
        noun=family.noun,
        src_lower=source.lower(),
        fmt_lower=fmt.lower(),
    )
    lines[index + 1 : index + 1] = [sentence, ""]
    return index + 1, f"claims {fmt}", "prose"


def _undeclared_plugin(lines, kinds, rng, family: FamilyKnowledge):
    end = _front_end(lines)
    if end is None or any(line.startswith("plugins:") for line in lines[:end]):
        return None
    lowered = "\n".join(lines).lower()
    choices = [(sentence, hints) for sentence, hints in family.plugin_mentions if not any(h in lowered for h in hints)]
    spots = _blank_prose_spots(lines, kinds)
    if not choices or not spots:
        return None
    sentence, _ = rng.choice(choices)
    index = rng.choice(spots)
    lines[index + 1 : index + 1] = [sentence, ""]
    lines[end:end] = [f"plugins: [{family.declared}]"]
    return index + 2, sentence, "prose"


MUTATORS = {
    "product-name": _product_name,
    "invented-method": _invented_method,
    "unsupported-format": _unsupported_format,
    "undeclared-plugin": _undeclared_plugin,
}


def generate(
    corpus_dir: Path, seed: int = SEED, family: str = "words", pages: list[Path] | None = None
) -> list[Mutation]:
    """One mutated copy per mutation, COUNTS of each kind, reproducible from the seed.
    `pages` restricts the pages mutated (default: every page of the corpus)."""
    knowledge = FAMILIES[family]
    rng = random.Random(seed)
    pages = sorted(pages if pages is not None else corpus_dir.rglob("*.md"))
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
            result = MUTATORS[kind](lines, _line_kinds(lines), rng, knowledge)
            if result is None:
                continue
            index, detail, language = result
            mutations.append(
                Mutation(
                    kind,
                    RULES[kind],
                    path.relative_to(corpus_dir).as_posix(),
                    index + 1,
                    detail,
                    "\n".join(lines),
                    language,
                )
            )
            made += 1
    return mutations


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--family", choices=sorted(FAMILIES), default="words")
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv[1:])
    if not args.corpus_dir.is_dir():
        parser.error(f"corpus_dir {args.corpus_dir} is not a folder")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for number, mutation in enumerate(generate(args.corpus_dir, family=args.family)):
        name = f"{number:03d}-{mutation.kind}.md"
        (args.out_dir / name).write_text(mutation.text, encoding="utf-8")
        record = asdict(mutation)
        del record["text"]
        manifest.append({"file": name, **record})
    (args.out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    print(f"{len(manifest)} {args.family} mutations (seed {SEED}) in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
