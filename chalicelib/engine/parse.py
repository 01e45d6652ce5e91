"""One parse per page: text -> ParsedDocument, with exact code-point positions.

Steps, each done once: split lines; read the front matter (chalicelib.engine.frontmatter);
find Hugo shortcodes and mask them (chalicelib.engine.shortcodes) so the Markdown parser
sees code where `highlight` blocks are and nothing where other shortcodes are; run
pulldown-cmark (pyromark) over the masked text with byte ranges and turn its events into
headings, links, code blocks, tables and the rest in a single walk.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from typing import Any, Literal

import pyromark

from chalicelib.engine import shortcodes as hugo
from chalicelib.engine.document import (
    CodeBlock,
    Heading,
    Link,
    Node,
    ParsedDocument,
    ReferenceDefinition,
    Shortcode,
    Table,
)
from chalicelib.engine.frontmatter import split_front_matter

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
)
_HEADING_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_LINK_KINDS: dict[str, Literal["inline", "reference", "collapsed", "shortcut", "autolink"]] = {
    "Inline": "inline",
    "Reference": "reference",
    "Collapsed": "collapsed",
    "Shortcut": "shortcut",
    "Autolink": "autolink",
    "Email": "autolink",
    "WikiLink": "inline",
}
_LEAF_BLOCKS = frozenset({"Paragraph", "Heading", "CodeBlock", "HtmlBlock", "Table", "MetadataBlock"})
_INLINE_CONTAINERS = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript", "Link", "Image"})
_CONTAINERS = frozenset({"List", "BlockQuote", "FootnoteDefinition", "DefinitionList", "Table"})
_UNPLACED = frozenset(
    {
        "List",
        "Item",
        "BlockQuote",
        "FootnoteDefinition",
        "DefinitionList",
        "DefinitionListTitle",
        "DefinitionListDefinition",
        "TableCell",
    }
)  # starts that need no position
_LEAF_NODES = frozenset(
    {"Rule", "Html", "InlineHtml", "SoftBreak", "HardBreak", "TaskListMarker", "FootnoteReference", "InlineMath"}
)  # events without an End that rules read as nodes
_ATX_START = re.compile(r"#{1,6}(?:[ \t]|$)")
_HTML_HEADING = re.compile(r"<h([1-6])\b", re.IGNORECASE)
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")
_ANCHOR_DROP = re.compile(r"[^\w\- ]")
# A fence's opening line: indent, quote or list marker, the fence, its label (a BOM may open line 1)
_FENCE_OPEN = re.compile(r"\ufeff?[ \t>]*(?:[-*+]|\d{1,9}[.)])?[ \t]*(`{3,}|~{3,})[ \t]*([^ \t`]*)")
_DEFINITION = re.compile(r" {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(<[^>\n]*>|\S+)")
_TABLE_PIPE = re.compile(r"(?<!\\)\|")
_DOMAIN = r"""[^\s!"#$%&'()*+,/:;<=>?@\[\\\]^`{|}~]+"""
_BARE_URL = re.compile(  # GFM autolink literals, as micromark finds them
    rf"(?<![A-Za-z])https?://(?P<protocol>{_DOMAIN})[^\s<]*"
    rf"|(?:(?<=[\s(*_\[\]~])|^)www\.(?P<www>{_DOMAIN})[^\s<]*"
    r"|(?<![A-Za-z0-9+\-._/])[A-Za-z0-9+\-._]+@[A-Za-z0-9\-_]+(?:\.[A-Za-z0-9\-_]+)+",
    re.IGNORECASE,
)
_URL_TRAILING = "!\"')*,.:;<?_~]"
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")


def parse_document(text: str, path: str | None = None) -> ParsedDocument:
    """Parse a page once into everything the rules read."""
    raw_lines = text.split("\n")
    line_starts = list(accumulate(map(len, raw_lines[:-1]), lambda total, length: total + length + 1, initial=0))
    lines = [line[:-1] if line.endswith("\r") else line for line in raw_lines] if "\r" in text else raw_lines
    bom = 1 if text.startswith("\ufeff") else 0
    front_matter = split_front_matter(lines, bom)
    body_line = front_matter.end_line if front_matter.present else 0
    if front_matter.present:
        if front_matter.end_line:
            end = line_starts[front_matter.end_line - 1] + len(raw_lines[front_matter.end_line - 1]) + 1
            front_matter.end_offset = min(end, len(text))
        else:
            front_matter.end_offset = len(text)
            body_line = len(lines)
    body_start = front_matter.end_offset if front_matter.present else 0
    doc = ParsedDocument(
        text=text,
        path=path,
        lines=lines,
        line_starts=line_starts,
        front_matter=front_matter,
        prose_line_mask=[True] * len(lines),
    )
    for index in range(body_line):
        doc.prose_line_mask[index] = False
    shortcodes, highlight_blocks = hugo.find_shortcodes(text, body_start, line_starts)
    doc.shortcodes = shortcodes
    doc.gists = [shortcode for shortcode in shortcodes if shortcode.name == hugo.GIST and not shortcode.closing]
    masked = hugo.mask(text, shortcodes, highlight_blocks)
    if body_start:
        masked = _blank(masked[:body_start]) + masked[body_start:]
    elif bom:
        masked = " " + masked[1:]
    doc.masked = masked
    _Walker(doc, masked, highlight_blocks).walk()
    _mark_shortcode_lines(doc, shortcodes)
    return doc


def markdown_view(text: str) -> str:
    """The page as plain Markdown: shortcodes masked as the parser sees them, front matter
    kept (what markdownlint is given when comparing results)."""
    doc = parse_document(text)
    shortcodes, blocks = hugo.find_shortcodes(text, doc.front_matter.end_offset, doc.line_starts)
    return hugo.mask(text, shortcodes, blocks)


def anchor_of(text: str) -> str:
    """GitHub's fragment id for a heading text (as markdownlint MD051 computes it)."""
    return _ANCHOR_DROP.sub("", text.lower()).replace(" ", "-")


def count_table_cells(line: str) -> int:
    """Cells in a table row as written (GFM): unescaped pipes separate cells, even inside
    code spans; a leading and a trailing pipe do not."""
    body = line.strip()
    if not body:
        return 0
    pipes = [match.start() for match in _TABLE_PIPE.finditer(body)]
    cells = len(pipes) + 1
    if pipes and pipes[0] == 0:
        cells -= 1
    if pipes and pipes[-1] == len(body) - 1 and len(body) > 1:
        cells -= 1
    return max(cells, 1)


def is_code_indented(line: str, column: int) -> bool:
    """Is a line indented four or more columns past `column` (0-based), so that micromark reads
    it as indented code rather than as a table row?"""
    indent = 0
    for char in line[column:]:
        if char == " ":
            indent += 1
        elif char == "\t":
            indent += 4 - indent % 4
        else:
            break
    return indent >= 4 and bool(line[column:].strip())


def _blank(source: str) -> str:
    """`source` with every character but line breaks turned into a space (one replacement per
    line, not per character)."""
    return _NOT_LINE_BREAK.sub(lambda run: " " * len(run.group()), source)


def _mark_shortcode_lines(doc: ParsedDocument, shortcodes: list[Shortcode]) -> None:
    """Lines made only of shortcode markup (gists, container tags) are not prose."""
    mask = doc.prose_line_mask
    for shortcode in shortcodes:
        end_line, end_column = doc.position(max(shortcode.end - 1, shortcode.start))
        first = doc.lines[shortcode.line - 1]
        last = doc.lines[end_line - 1]
        if first[: shortcode.column - 1].strip() or last[end_column:].strip():
            continue
        for line in range(shortcode.line, end_line + 1):
            mask[line - 1] = False


class _Walker:
    """Turns pulldown-cmark events into the document's structures in one pass."""

    def __init__(self, doc: ParsedDocument, masked: str, highlight_blocks: list[hugo.HighlightBlock]):
        self.doc = doc
        self.masked = masked
        self.highlights = {block.opening.start: block for block in highlight_blocks}
        self.code_spans: list[tuple[int, int]] = []
        self.covered = bytearray(len(doc.lines))  # 1 where a block holds the line
        self.has_definitions = "]:" in masked  # else no line can be a reference definition
        self.bare_urls: list[tuple[int, int, str]] = []
        self.emphasis_paragraphs: list[tuple[int, int, str]] = []
        self.spans: list[tuple[int, int]] = []  # (start, end) of every highlight block
        self._char_offset = self._offset_converter(masked)

    def _offset_converter(self, masked: str) -> Callable[[int], int]:
        try:
            encoded = masked.encode("utf-8")
        except UnicodeEncodeError:
            masked = re.sub("[\ud800-\udfff]", "\ufffd", masked)
            self.masked = masked
            encoded = masked.encode("utf-8")
        if len(encoded) == len(masked):
            return lambda offset: offset
        byte_starts = []
        position = 0
        for line in encoded.split(b"\n"):
            byte_starts.append(position)
            position += len(line) + 1
        line_starts = self.doc.line_starts
        # lines whose bytes are their characters (ASCII): offsets in them need no decoding
        ascii_lines = [
            byte_starts[index + 1] - byte_starts[index] == line_starts[index + 1] - line_starts[index]
            for index in range(len(line_starts) - 1)
        ]
        ascii_lines.append(len(encoded) - byte_starts[-1] == len(masked) - line_starts[-1])

        def char_offset(offset: int) -> int:
            index = bisect_right(byte_starts, offset) - 1
            start = byte_starts[index]
            if ascii_lines[index]:
                return line_starts[index] + offset - start
            return line_starts[index] + len(encoded[start:offset].decode("utf-8", "ignore"))

        return char_offset

    def walk(self) -> None:
        doc = self.doc
        convert = self._char_offset
        position = doc.position
        text_parts: list[str] | None = None  # inline text of the open heading
        heading: Heading | None = None
        links: list[Link] = []  # open links/images, innermost last
        code: dict[str, Any] | None = None
        table: Table | None = None
        paragraph: _Paragraph | None = None  # open top-level paragraph (MD036 candidates)
        containers = 0  # open lists, quotes, footnotes
        blocks = 0  # open blocks of any kind
        inline_depth = 0  # open emphasis/links inside a paragraph
        run_start = run_end = -1  # contiguous plain text, scanned for bare URLs
        nodes = doc.nodes
        table_column: int | None = None  # column of the open table, None once it has ended
        open_nodes: list[int] = []  # indexes of the nodes not yet ended, innermost last
        # pyromark types an event as a union of its shapes; the `type(...) is dict` tests below tell them apart
        kind: Any
        value: Any
        attrs: Any
        for event, span in pyromark.events_with_range(self.masked, options=_OPTIONS):
            if type(event) is dict:
                kind, value = next(iter(event.items()))
            else:
                kind, value = event, None
            if kind == "Text" or kind == "Code":  # the commonest events: byte offsets, converted lazily
                if code is not None:
                    continue
                if text_parts is not None:
                    text_parts.append(value)
                if links:
                    links[-1].text += value
                byte_start = span["start"]
                if kind == "Code":
                    code_start, code_end = convert(byte_start), convert(span["end"])
                    self.code_spans.append((code_start, code_end))
                    nodes.append(Node("Code", code_start, code_end, open_nodes[-1] if open_nodes else -1, value))
                    self._flush_text_run(run_start, run_end)
                    run_start = run_end = -1
                elif byte_start == run_end:
                    run_end = span["end"]
                else:
                    self._flush_text_run(run_start, run_end)
                    run_start, run_end = (-1, -1) if links else (byte_start, span["end"])
                if paragraph is not None:
                    paragraph.child(inline_depth, kind == "Text" and not value.strip(), kind == "Text")
                continue
            if run_start >= 0:
                self._flush_text_run(run_start, run_end)
                run_start = run_end = -1
            if kind in _LEAF_NODES:
                nodes.append(
                    Node(
                        kind, convert(span["start"]), convert(span["end"]), open_nodes[-1] if open_nodes else -1, value
                    )
                )
            if kind == "Start":
                block, attrs = next(iter(value.items())) if type(value) is dict else (value, None)
                nodes.append(
                    Node(
                        block, convert(span["start"]), convert(span["end"]), open_nodes[-1] if open_nodes else -1, attrs
                    )
                )
                open_nodes.append(len(nodes) - 1)
                if block in _UNPLACED and (blocks or doc.first_block is not None):
                    if block in _CONTAINERS:
                        containers += 1
                    blocks += 1
                    continue
                start = convert(span["start"])
                end = convert(span["end"])
                if block not in _INLINE_CONTAINERS:
                    if blocks == 0 and doc.first_block is None:
                        self._first_block(block, attrs, start, end)
                    blocks += 1
                if block in _LEAF_BLOCKS:
                    if self.has_definitions:
                        self._cover(start, end)
                if block == "Heading":
                    heading = Heading(
                        level=_HEADING_LEVELS[attrs["level"]],
                        text="",
                        line=0,
                        column=0,
                        end_line=0,
                        start=start,
                        end=end,
                        anchor=attrs.get("id") or "",
                    )
                    text_parts = []
                elif block == "Paragraph":
                    paragraph = _Paragraph() if containers == 0 else None
                elif block in _INLINE_CONTAINERS:
                    if paragraph is not None:
                        paragraph.open(inline_depth, block, start, end)
                    inline_depth += 1
                    if block == "Link" or block == "Image":
                        line, column = position(start)
                        links.append(
                            Link(
                                url=attrs["dest_url"],
                                text="",
                                line=line,
                                column=column,
                                start=start,
                                end=end,
                                kind=_LINK_KINDS.get(attrs["link_type"], "inline"),
                                is_image=block == "Image",
                                label=attrs.get("id") or None,
                            )
                        )
                elif block == "CodeBlock":
                    code = {"start": start, "end": end, "attrs": attrs}
                elif block == "Table":
                    table = Table(line=position(start)[0], end_line=position(start)[0] + 1, header_cells=0)
                    table_column = position(start)[1] - 1
                elif block == "TableHead" and table is not None:
                    table.header_cells = count_table_cells(doc.lines[table.line - 1])
                elif block == "TableRow" and table is not None:
                    row_line = position(start)[0]
                    if table_column is not None and is_code_indented(doc.lines[row_line - 1], table_column):
                        table_column = None  # micromark ends the table here; pulldown-cmark reads on
                    if table_column is not None:
                        table.row_cells.append((row_line, count_table_cells(doc.lines[row_line - 1])))
                        table.end_line = row_line
                elif block in _CONTAINERS:
                    containers += 1
            elif kind == "End":
                block = next(iter(value)) if type(value) is dict else value
                if open_nodes:
                    open_nodes.pop()
                if block not in _INLINE_CONTAINERS:
                    blocks -= 1
                if block == "Heading" and heading is not None:
                    self._finish_heading(heading, text_parts or [])
                    heading = None
                    text_parts = None
                elif block in _INLINE_CONTAINERS:
                    inline_depth -= 1
                    if (block == "Link" or block == "Image") and links:
                        self._finish_link(links.pop())
                elif block == "CodeBlock" and code is not None:
                    self._finish_code(code)
                    code = None
                elif block == "Table" and table is not None:
                    doc.tables.append(table)
                    table = None
                elif block == "Paragraph":
                    if paragraph is not None:
                        self._finish_paragraph(paragraph)
                    paragraph = None
                elif block in _CONTAINERS:
                    containers -= 1
            elif kind == "Html":
                self._cover(convert(span["start"]), convert(span["end"]), prose=False)
            elif kind == "Rule" and blocks == 0 and doc.first_block is None:
                doc.first_block = ("other", position(convert(span["start"]))[0])
            elif kind == "SoftBreak" and self.has_definitions:  # the next line continues a paragraph
                after = convert(span["end"])
                self._cover(after, after + 1)
                if paragraph is not None:
                    paragraph.child(inline_depth, True, False)
            elif paragraph is not None and kind != "InlineHtml":
                paragraph.child(inline_depth, kind == "SoftBreak", False)
        self._flush_text_run(run_start, run_end)
        for highlight in self.highlights.values():  # mid-line blocks the parser saw as a comment
            doc.code_blocks.append(self._highlight_code(highlight))
        self._find_definitions()
        doc.code_blocks.sort(key=lambda block: block.start_line)
        doc.code_spans = self.code_spans
        doc.bare_urls = self.bare_urls
        doc.emphasis_paragraphs = self.emphasis_paragraphs
        if self.spans:
            self._drop_inside_highlights()

    def _drop_inside_highlights(self) -> None:
        """Hugo replaces a highlight block before Markdown is rendered, so nothing the parser
        found inside one (where a list item ending cut its fence short) is Markdown."""
        spans = sorted(self.spans)
        starts = [start for start, _ in spans]

        def outside(offset: int) -> bool:
            index = bisect_right(starts, offset) - 1
            return index < 0 or offset >= spans[index][1]

        doc = self.doc
        line_start = doc.line_starts
        doc.headings = [heading for heading in doc.headings if outside(heading.start)]
        doc.links = [link for link in doc.links if outside(link.start)]
        doc.code_spans = [span for span in doc.code_spans if outside(span[0])]
        doc.bare_urls = [url for url in doc.bare_urls if outside(url[0])]
        doc.emphasis_paragraphs = [
            item for item in doc.emphasis_paragraphs if outside(line_start[item[0] - 1] + item[1] - 1)
        ]
        for table in doc.tables:
            table.row_cells = [row for row in table.row_cells if outside(line_start[row[0] - 1])]
        doc.tables = [table for table in doc.tables if outside(line_start[table.line - 1])]

    def _first_block(self, block: str, attrs: Any, start: int, end: int) -> None:
        """Record the first top-level block that is not an HTML comment (MD025/MD041)."""
        line = self.doc.position(start)[0]
        if block == "Heading":
            self.doc.first_block = (f"h{_HEADING_LEVELS[attrs['level']]}", line)
        elif block == "HtmlBlock":
            source = self.masked[start:end].strip()
            if _is_comment(source):
                return
            tag = _HTML_HEADING.match(source)
            self.doc.first_block = (f"h{tag.group(1)}" if tag else "other", line)
        else:
            self.doc.first_block = ("other", line)

    def _cover(self, start: int, end: int, prose: bool = True) -> None:
        doc = self.doc
        first = doc.position(start)[0]
        last = doc.position(max(end - 1, start))[0]
        for index in range(first - 1, last):
            self.covered[index] = 1
            if not prose:
                doc.prose_line_mask[index] = False

    def _finish_heading(self, heading: Heading, parts: list[str]) -> None:
        doc = self.doc
        heading.text = "".join(parts).strip()
        heading.line, heading.column = doc.position(heading.start)
        last_line = doc.position(max(heading.end - 1, heading.start))[0]
        first_text = doc.lines[heading.line - 1][heading.column - 1 :].lstrip(" >\t")
        if _ATX_START.match(first_text):
            heading.style = "atx"
            heading.end_line = heading.line
            heading.end = doc.line_starts[heading.line - 1] + len(doc.lines[heading.line - 1].rstrip())
        else:
            heading.style = "setext"
            heading.end_line = max(last_line - 1, heading.line)
            heading.end = doc.line_starts[heading.end_line - 1] + len(doc.lines[heading.end_line - 1].rstrip())
        heading.start = doc.line_starts[heading.line - 1]
        if not heading.anchor:
            heading.anchor = anchor_of(heading.text)
        doc.headings.append(heading)

    def _finish_link(self, link: Link) -> None:
        if link.kind == "inline":
            source = self.doc.text[link.start : link.end]
            text_end = source.rfind("](")
            if text_end >= 0:
                offset = text_end + 2
                while offset < len(source) and source[offset] in " \t\r\n<":
                    offset += 1
                link.url_start = link.start + offset
        elif link.kind == "autolink":
            link.url_start = link.start + 1
        self.doc.links.append(link)

    def _finish_code(self, code: dict[str, Any]) -> None:
        doc = self.doc
        start, end = code["start"], code["end"]
        self._cover(start, end, prose=False)
        highlight = self.highlights.pop(start, None)
        if highlight is not None:
            doc.code_blocks.append(self._highlight_code(highlight))
            return
        attrs = code["attrs"]
        start_line = doc.position(start)[0]
        end_line = doc.position(max(end - 1, start))[0]
        if type(attrs) is dict and "Fenced" in attrs:
            info = attrs["Fenced"]
            opening = doc.lines[start_line - 1]
            match = _FENCE_OPEN.match(opening)
            fence = match.group(1) if match else "```"
            fence_end = (match.start(1) + len(fence)) if match else 0
            label = match.group(2) if match else ""
            label_start = doc.line_starts[start_line - 1] + (match.start(2) if match else fence_end)
            closed = (
                end_line > start_line
                and doc.lines[end_line - 1].strip(" \t>").startswith(fence)
                and doc.lines[end_line - 1].strip(" \t>").strip(fence[0]) == ""
            )
            content_line = start_line + 1
            content_start = doc.line_starts[content_line - 1] if content_line <= len(doc.lines) else len(doc.text)
            content_end = doc.line_starts[end_line - 1] if closed else end
            doc.code_blocks.append(
                CodeBlock(
                    kind="fence",
                    language=(info.split()[0].lower() if info.strip() else None),
                    info=info,
                    content=doc.text[content_start : max(content_start, content_end)],
                    start_line=start_line,
                    end_line=end_line,
                    content_start_line=min(content_line, len(doc.lines)),
                    content_start=content_start,
                    closed=closed,
                    label_start=label_start,
                    label_end=label_start + len(label),
                )
            )
        else:
            doc.code_blocks.append(
                CodeBlock(
                    kind="indented",
                    language=None,
                    info="",
                    content=doc.text[start:end],
                    start_line=start_line,
                    end_line=end_line,
                    content_start_line=start_line,
                    content_start=start,
                )
            )

    def _highlight_code(self, block: hugo.HighlightBlock) -> CodeBlock:
        doc = self.doc
        opening, closing = block.opening, block.closing
        open_end_line = doc.position(opening.end - 1)[0]
        content_start = opening.end
        if content_start < len(doc.text) and doc.text[content_start] == "\r":
            content_start += 1
        if content_start < len(doc.text) and doc.text[content_start] == "\n":
            content_start += 1
        if closing is not None:
            end_line = closing.line
            line_start = doc.line_starts[closing.line - 1]
            content_end = line_start if not doc.text[line_start : closing.start].strip() else closing.start
        else:
            content_end = len(doc.text)
            end_line = len(doc.lines)
        for index in range(opening.line - 1, end_line):
            doc.prose_line_mask[index] = False
            self.covered[index] = 1
        self.spans.append((opening.start, closing.end if closing is not None else len(doc.text)))
        label_start = block.language_start
        label_end = block.language_end
        if label_start is None:  # where a language would be inserted: after the name
            label_start = label_end = doc.text.index(hugo.HIGHLIGHT, opening.start) + len(hugo.HIGHLIGHT)
        return CodeBlock(
            kind="highlight",
            language=block.language,
            info=opening.args,
            content=doc.text[content_start : max(content_end, content_start)],
            start_line=opening.line,
            end_line=end_line,
            content_start_line=min(open_end_line + 1, len(doc.lines)),
            content_start=content_start,
            closed=closing is not None,
            label_start=label_start,
            label_end=label_end,
        )

    def _flush_text_run(self, byte_start: int, byte_end: int) -> None:
        """Find bare URLs (GFM autolink literals) in a run of plain text (byte offsets)."""
        if byte_start < 0:
            return
        start = self._char_offset(byte_start)
        source = self.doc.text[start : self._char_offset(byte_end)]
        if "://" not in source and "www." not in source and "@" not in source:
            return
        for match in _BARE_URL.finditer(source):
            url = _trim_url(match.group())
            domain = match.group("protocol") or match.group("www")
            if domain is not None:
                segments = domain.rstrip("._").split(".")
                if not segments[0] or "_" in segments[-1] or (len(segments) > 1 and "_" in segments[-2]):
                    continue
            elif not url[-1:].isalpha():
                continue
            self.bare_urls.append((start + match.start(), start + match.start() + len(url), url))

    def _finish_paragraph(self, paragraph: _Paragraph) -> None:
        """Record a paragraph that is one emphasised phrase of plain text (MD036 candidate)."""
        if paragraph.children != 1 or paragraph.emphasis is None or not paragraph.plain:
            return
        start, end, marker = paragraph.emphasis
        doc = self.doc
        text = doc.text[start + marker : end - marker]
        if not text or "\n" in text or ("[" in text and "]" in text):
            return  # a bracketed label makes the emphasis more than plain text for markdownlint
        if doc.text[end : end + 1] in (" ", "\t"):
            return  # trailing whitespace is one more child of the paragraph for micromark
        line, column = doc.position(start + marker)
        self.emphasis_paragraphs.append((line, column, text))

    def _find_definitions(self) -> None:
        """Link reference definitions: lines no block holds that read `[label]: url`."""
        if not self.has_definitions:
            return
        doc = self.doc
        covered = self.covered
        mask = doc.prose_line_mask
        for index, line in enumerate(doc.lines):
            if covered[index] or not mask[index] or "]:" not in line:
                continue
            match = _DEFINITION.match(line)
            if match:
                url = match.group(2)
                if url.startswith("<"):
                    url = url[1:-1]
                start = doc.line_starts[index]
                doc.reference_definitions.append(
                    ReferenceDefinition(
                        label=match.group(1), url=url, line=index + 1, start=start, end=start + len(line)
                    )
                )


def _is_comment(source: str) -> bool:
    """markdownlint's test for an HTML block that is only a comment."""
    if not (source.startswith("<!--") and source.endswith("-->")):
        return False
    inner = source[4:-3]
    return not inner.startswith(">") and not inner.startswith("->") and not inner.endswith("-")


class _Paragraph:
    """Counts a paragraph's meaningful top-level children and whether the only one is an
    emphasis holding plain text (markdownlint MD036's test)."""

    __slots__ = ("children", "emphasis", "plain")

    def __init__(self) -> None:
        self.children = 0
        self.emphasis: tuple[int, int, int] | None = None  # start, end, marker length
        self.plain = True

    def open(self, depth: int, block: str, start: int, end: int) -> None:
        if depth:
            self.plain = False
            return
        self.children += 1
        self.emphasis = (start, end, 2 if block == "Strong" else 1) if block in ("Emphasis", "Strong") else None

    def child(self, depth: int, blank: bool, is_text: bool) -> None:
        if depth:
            self.plain = self.plain and is_text
        elif not blank:
            self.children += 1
            self.emphasis = None


def _trim_url(url: str) -> str:
    """GFM's end-of-autolink rules: drop trailing punctuation and unbalanced `)`."""
    while url:
        last = url[-1]
        if last == ";" and _ENTITY_END.search(url):
            url = url[: url.rfind("&")]
        elif last == ")":
            if url.count(")") <= url.count("("):
                break
            url = url[:-1]
        elif last in _URL_TRAILING:
            url = url[:-1]
        else:
            break
    return url
