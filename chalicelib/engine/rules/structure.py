"""Structure rules (STxxx): size, headings and sections of a page's body (front matter excluded).

Sections are measured between headings in one pass; a line counts as content when it is not blank
and not part of a heading (code, shortcodes and tables count: a section holding only a gist is not
empty). A heading followed by a deeper heading with nothing between is ST005's finding, a heading
followed by one of the same or a higher level with nothing between is ST004's, never both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field

from chalicelib.engine.document import Heading, ParsedDocument
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule

_LIST_ITEM = re.compile(r"([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def _body_start_line(doc: ParsedDocument) -> int:
    """First line after the front matter (1 when there is none)."""
    matter = doc.front_matter
    if matter.present:
        return (matter.end_line or len(doc.lines)) + 1
    return 1


def _body_length(doc: ParsedDocument) -> int:
    matter = doc.front_matter
    return len(doc.text) - (matter.end_offset if matter.present else 0)


def _content_after(doc: ParsedDocument, heading_lines: bytearray, first: int, last: int) -> bool:
    """Whether lines first..last (1-based, inclusive) hold anything but blanks and headings."""
    lines = doc.lines
    for number in range(first, min(last, len(lines)) + 1):
        if not heading_lines[number - 1] and lines[number - 1].strip():
            return True
    return False


def _heading_lines(doc: ParsedDocument) -> bytearray:
    marks = bytearray(len(doc.lines))
    for heading in doc.headings:
        for number in range(heading.line, min(heading.end_line, len(doc.lines)) + 1):
            marks[number - 1] = 1
        if heading.style == "setext" and heading.end_line < len(doc.lines):
            marks[heading.end_line] = 1  # the underline
    return marks


class ContentTooShortParams(RuleParams):
    """Params of ST001 (content-too-short)."""

    min_chars: int = Field(100, ge=0)


@rule(
    "ST001",
    "content-too-short",
    "structure",
    "warning",
    "A page body (front matter excluded) shorter than `min_chars` characters rarely helps a reader.",
    why="A near-empty page wastes a reader's visit and search engines rank it as thin content.",
    good="---\ntitle: Convert a Document\n---\nLoad the document with the Document class, then save it in the format "
    "you need: the extension of the file name picks the format.",
    bad="---\ntitle: Convert a Document\n---\nSee the API.",
    params=ContentTooShortParams,
)
def content_too_short(ctx: CheckContext, params: ContentTooShortParams) -> Iterable[Finding]:
    length = _body_length(ctx.doc)
    if length < params.min_chars and ctx.doc.text.strip():
        yield Finding(
            f"Page body is {length} characters long (min {params.min_chars})",
            min(_body_start_line(ctx.doc), len(ctx.doc.lines)),
        )


class ContentTooLongParams(RuleParams):
    """Params of ST002 (content-too-long)."""

    max_chars: int = Field(50000, ge=1)


@rule(
    "ST002",
    "content-too-long",
    "structure",
    "info",
    "A page body longer than `max_chars` characters is hard to navigate; split it into pages.",
    why="Very long pages are slow to load and hard to navigate; split them.",
    good="# Convert a Document\n\nLoad it, then save it.\n",
    bad="# Convert a Document\n\nLoad the document, then save it in the format you need.\n",
    example_params={"max_chars": 50},
    params=ContentTooLongParams,
)
def content_too_long(ctx: CheckContext, params: ContentTooLongParams) -> Iterable[Finding]:
    length = _body_length(ctx.doc)
    if length > params.max_chars:
        yield Finding(
            f"Page body is {length} characters long (max {params.max_chars})",
            min(_body_start_line(ctx.doc), len(ctx.doc.lines)),
        )


class NoHeadingsParams(RuleParams):
    """Params of ST003 (no-headings). `min_chars`: pages shorter than this may go without headings."""

    min_chars: int = Field(1000, ge=0)


@rule(
    "ST003",
    "no-headings",
    "structure",
    "warning",
    "A page body of `min_chars` characters or more with no heading cannot be skimmed or linked into; "
    "add section headings (shorter pages, such as section index pages, need none).",
    why="A long page without headings cannot be skimmed or linked into.",
    good="## Load a Document\n\nText.\n\n## Save a Document\n\nText.",
    bad="Load the document with the Document class. Then save it in the format you need.",
    example_params={"min_chars": 50},
    params=NoHeadingsParams,
)
def no_headings(ctx: CheckContext, params: NoHeadingsParams) -> Iterable[Finding]:
    doc = ctx.doc
    if doc.headings:
        return
    length = _body_length(doc)
    if length < params.min_chars:
        return
    first = _body_start_line(doc)
    for number in range(first, len(doc.lines) + 1):
        if doc.lines[number - 1].strip():
            yield Finding(f"Page body has {length} characters and no headings", number)
            return


@rule(
    "ST004",
    "empty-section",
    "structure",
    "warning",
    "Every section needs content before the next heading of the same or a higher level.",
    why="A heading with nothing under it promises content that is not there.",
    good="## Load a Document\n\nCall the constructor.\n\n## Save a Document\n\nCall save.",
    bad="## Load a Document\n\n## Save a Document\n\nCall save.",
)
def empty_section(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    headings = doc.headings
    if not headings:
        return
    marks = _heading_lines(doc)
    for index, heading in enumerate(headings):
        following = headings[index + 1] if index + 1 < len(headings) else None
        if following is not None and following.level > heading.level:
            continue  # a parent section: ST005 covers "no intro before the subsection"
        last = following.line - 1 if following is not None else len(doc.lines)
        if not _content_after(doc, marks, heading.end_line + 1, last):
            yield Finding(f"Section '{heading_label(heading)}' has no content", heading.line, heading.column)


@rule(
    "ST005",
    "consecutive-headings",
    "structure",
    "warning",
    "A heading followed directly by a deeper heading leaves its section without an introduction.",
    why="A section that opens straight into a subsection gives the reader no introduction.",
    good="## Working with Tables\n\nTables hold rows of cells.\n\n### Insert a Table",
    bad="## Working with Tables\n\n### Insert a Table",
)
def consecutive_headings(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    headings = doc.headings
    marks = _heading_lines(doc) if len(headings) > 1 else bytearray()  # unused with one heading
    for heading, following in zip(headings, headings[1:], strict=False):
        if following.level > heading.level and not _content_after(doc, marks, heading.end_line + 1, following.line - 1):
            yield Finding(
                f"Heading '{heading_label(following)}' follows heading '{heading_label(heading)}' with no text between",
                following.line,
                following.column,
            )


class LongPreambleParams(RuleParams):
    """Params of ST006 (long-preamble)."""

    max_chars: int = Field(500, ge=0)


@rule(
    "ST006",
    "long-preamble",
    "structure",
    "info",
    "Text before the first heading longer than `max_chars` characters buries the page's structure.",
    why="A long preamble buries the page's structure before the first heading.",
    good="How to convert documents.\n\n## Load a Document\n\nText.\n",
    bad="How to convert documents: load the document, then save it in the format you need.\n\n"
    "## Load a Document\n\nText.\n",
    example_params={"max_chars": 50},
    params=LongPreambleParams,
)
def long_preamble(ctx: CheckContext, params: LongPreambleParams) -> Iterable[Finding]:
    doc = ctx.doc
    if not doc.headings:
        return
    first = _body_start_line(doc)
    end_line = doc.headings[0].line - 1
    if end_line < first:
        return
    length = sum(len(doc.lines[number - 1].strip()) for number in range(first, end_line + 1))
    if length > params.max_chars:
        yield Finding(f"{length} characters before the first heading (max {params.max_chars})", first)


class HeadingDepthParams(RuleParams):
    """Params of ST007 (heading-depth)."""

    max_depth: int = Field(4, ge=1, le=6)


@rule(
    "ST007",
    "heading-depth",
    "structure",
    "info",
    "Headings deeper than `max_depth` levels make a page hard to follow; restructure or split it.",
    why="Deep heading levels make a page hard to follow; it usually needs splitting.",
    good="## Tables\n\n### Insert a Table\n\n#### Merge Cells",
    bad="##### Merge Cells Vertically",
    params=HeadingDepthParams,
)
def heading_depth(ctx: CheckContext, params: HeadingDepthParams) -> Iterable[Finding]:
    limit = params.max_depth
    for heading in ctx.doc.headings:
        if heading.level > limit:
            yield Finding(f"Heading level {heading.level} is deeper than {limit}", heading.line, heading.column)


class ListDepthParams(RuleParams):
    """Params of ST008 (list-depth)."""

    max_depth: int = Field(4, ge=1)


@rule(
    "ST008",
    "list-depth",
    "structure",
    "warning",
    "Lists nested more than `max_depth` levels are hard to read; flatten them.",
    why="Deeply nested lists are hard to read, especially on small screens.",
    good="- Load\n  - From a file\n  - From a stream",
    bad="- a\n  - b\n    - c\n      - d\n        - e",
    params=ListDepthParams,
)
def list_depth(ctx: CheckContext, params: ListDepthParams) -> Iterable[Finding]:
    limit = params.max_depth
    doc = ctx.doc
    mask = doc.prose_line_mask
    indents: list[int] = []  # indentation of the open list levels
    for index, line in enumerate(doc.lines):
        if not mask[index]:
            continue
        if not line.strip():
            continue
        match = _LIST_ITEM.match(line)
        if match is None:
            if not line[:1].isspace():
                indents.clear()  # a paragraph at the margin ends every list
            continue
        indent = len(match.group(1).expandtabs(4))
        while indents and indents[-1] > indent:
            indents.pop()
        if not indents or indents[-1] < indent:
            indents.append(indent)
            if len(indents) == limit + 1:
                yield Finding(f"List nested {len(indents)} levels deep (max {limit})", index + 1, indent + 1)


def heading_label(heading: Heading) -> str:
    """A heading's text as quoted in messages: shortened, and named when empty."""
    if not heading.text:
        return "(empty)"
    return heading.text if len(heading.text) <= 60 else heading.text[:57] + "..."
