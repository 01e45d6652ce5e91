"""What the markdownlint rules share: the page's lines as markdownlint sees them (front matter
removed), code-block lines, and an index of the parse tree's nodes by kind, each built once
per page in the check context's memo so no rule re-walks the token stream."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import TypeVar

from chalicelib.engine.document import Heading, Node, ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.registry import CheckContext

JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
DEFAULT_TITLE = r'^\s*"?title"?\s*[:=]'
ATX_OPEN = re.compile(r"[ \t>]*(#{1,6})")
T = TypeVar("T")
_LEAVES = frozenset({"SoftBreak", "HardBreak", "Code", "InlineHtml", "Rule", "Html", "TaskListMarker"})


class NodeIndex:
    """The parse tree's nodes grouped by kind, with each node's children (built once)."""

    __slots__ = ("_sibling_at", "_starts", "by_kind", "children", "nodes")

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self.by_kind: dict[str, list[int]] = {}
        self.children: dict[int, list[int]] = {}
        self._sibling_at: dict[int, int] = {}
        self._starts: list[int] | None = None
        for position, node in enumerate(nodes):
            self.by_kind.setdefault(node.kind, []).append(position)
            self.children.setdefault(node.parent, []).append(position)

    def of(self, *kinds: str) -> list[int]:
        if len(kinds) == 1:
            return self.by_kind.get(kinds[0], [])
        return sorted(position for kind in kinds for position in self.by_kind.get(kind, ()))

    def kids(self, position: int, kind: str | None = None) -> list[int]:
        found = self.children.get(position, [])
        return found if kind is None else [child for child in found if self.nodes[child].kind == kind]

    def next_sibling(self, position: int) -> int | None:
        """The node after this one under the same parent (None for the last)."""
        following = self._sibling_at.get(position)
        if following is None:
            for siblings in self.children.values():
                for at, child in enumerate(siblings[:-1]):
                    self._sibling_at[child] = siblings[at + 1]
                self._sibling_at[siblings[-1]] = -1
            following = self._sibling_at.get(position, -1)
        return None if following < 0 else following

    def innermost(self, offset: int) -> int | None:
        """The innermost node holding `offset` that holds text (micromark's parent token): an
        ancestor of the last node (in document order) that starts at or before it."""
        if self._starts is None:
            self._starts = [node.start for node in self.nodes]
        position = bisect_right(self._starts, offset) - 1
        while position >= 0:
            node = self.nodes[position]
            if node.start <= offset < node.end and node.kind not in _LEAVES:
                return position
            position = node.parent
        return None

    def ancestors(self, position: int) -> Iterator[int]:
        parent = self.nodes[position].parent
        while parent >= 0:
            yield parent
            parent = self.nodes[parent].parent


def per_page(build: Callable[[CheckContext], T]) -> Callable[[CheckContext], T]:
    """Build a structure of the page once, in the check context's memo (key `md.<name>`), and
    share it with every rule that asks for it."""
    key = f"md.{build.__name__}"

    @wraps(build)
    def shared(ctx: CheckContext) -> T:
        found = ctx.memo.get(key)
        if found is None:
            found = ctx.memo[key] = build(ctx)
        return found

    return shared


def node_index(ctx: CheckContext) -> NodeIndex:
    index = ctx.memo.get("md.nodes")
    if index is None:
        index = ctx.memo["md.nodes"] = NodeIndex(ctx.doc.nodes)
    return index


def code_lines(ctx: CheckContext, inner_fences: bool) -> set[int]:
    """Lines of code blocks: fence/highlight interiors only (MD009) or whole blocks (MD012)."""
    key = "md.code_lines.inner" if inner_fences else "md.code_lines.whole"
    lines = ctx.memo.get(key)
    if lines is None:
        lines = set()
        doc = ctx.doc
        for block in doc.code_blocks:
            if block.kind == "indented":
                end = block.end_line
                while end < len(doc.lines) and is_indented_blank(doc.lines[end]):
                    end += 1  # micromark's indented code token keeps indented blank lines after it
                lines.update(range(block.start_line, end + 1))
            elif inner_fences:
                lines.update(range(block.start_line + 1, block.end_line))
            else:
                lines.update(range(block.start_line, block.end_line + 1))
        ctx.memo[key] = lines
    return lines


def is_indented_blank(line: str) -> bool:
    """A whitespace-only line indented by at least four columns (tabs to the next stop of 4)."""
    if line.strip(" \t"):
        return False
    column = 0
    for char in line:
        column = column + 4 - column % 4 if char == "\t" else column + 1
    return column >= 4


def front_matter_has_title(doc: ParsedDocument, pattern: str) -> bool:
    """markdownlint's test: some front matter line matches `front_matter_title` (empty: ignore)."""
    if not doc.front_matter.present or pattern == "":
        return False
    matcher = re.compile(pattern, re.IGNORECASE)
    last = doc.front_matter.end_line or len(doc.lines)
    return any(matcher.search(line) for line in doc.lines[:last])


def first_body_index(doc: ParsedDocument) -> int:
    """Index of the first line markdownlint lints: after the front matter and the blank lines
    its front matter pattern swallows."""
    first = doc.front_matter.end_line if doc.front_matter.present and doc.front_matter.end_line else 0
    if first:
        lines = doc.lines
        while first < len(lines) - 1 and not lines[first].strip(JS_WHITESPACE):
            first += 1
    return first


def body_lines(doc: ParsedDocument) -> range:
    """Indexes of the lines markdownlint lints."""
    return range(first_body_index(doc), len(doc.lines))


def is_blank_line(doc: ParsedDocument, line: int) -> bool:
    """markdownlint's isBlankLine for 1-based `line`; lines outside the body count as blank."""
    if line < first_body_index(doc) + 1 or line > len(doc.lines):
        return True
    text = doc.lines[line - 1]
    if not text.strip(JS_WHITESPACE):
        return True
    if "<!--" in text or "-->" in text:
        text = _remove_comments(text)
    return not text.replace(">", "").strip(JS_WHITESPACE)


def _remove_comments(text: str) -> str:
    while True:
        start, end = text.find("<!--"), text.find("-->")
        if end != -1 and (start == -1 or end < start):
            text = text[end + 3 :]
        elif start != -1 and end != -1:
            text = text[:start] + text[end + 3 :]
        elif start != -1:
            return text[:start]
        else:
            return text


def line_edit(doc: ParsedDocument, line: int) -> TextEdit:
    """Delete a whole line with its line break (the last line: with the break before it)."""
    start = doc.line_starts[line - 1]
    if line < len(doc.line_starts):
        return TextEdit(start, doc.line_starts[line], "")
    if start > 0:
        start -= 2 if doc.text[start - 2 : start] == "\r\n" else 1
    return TextEdit(start, len(doc.text), "")


def newline(doc: ParsedDocument) -> str:
    """The page's line ending, as its first line ends (a fix keeps CRLF pages CRLF). Read
    from one line break, not the whole text: rules call this once per finding."""
    second = doc.line_starts[1] if len(doc.line_starts) > 1 else 0
    return "\r\n" if second >= 2 and doc.text[second - 2 : second] == "\r\n" else "\n"


def insert_line_before(doc: ParsedDocument, line: int, text: str = "") -> TextEdit:
    """Insert `text` as a new line before 1-based `line`."""
    start = doc.line_starts[line - 1]
    return TextEdit(start, start, text + newline(doc))


def insert_line_after(doc: ParsedDocument, line: int, text: str = "") -> TextEdit:
    """Insert `text` as a new line after 1-based `line`."""
    if line < len(doc.line_starts):
        start = doc.line_starts[line]
        return TextEdit(start, start, text + newline(doc))
    return TextEdit(len(doc.text), len(doc.text), newline(doc) + text)


def heading_source(doc: ParsedDocument, heading: Heading) -> str:
    """The heading's content as written (markdownlint compares this, markup included)."""
    if heading.style == "atx":
        line = doc.lines[heading.line - 1]
        match = ATX_OPEN.match(line)
        content = line[match.end() :] if match else line
        content = content.strip(" \t")
        stripped = content.rstrip("#")
        if stripped != content and (not stripped or stripped[-1] in " \t"):
            content = stripped
        return content.strip(" \t")
    return " ".join(doc.lines[index].strip(" \t>") for index in range(heading.line - 1, heading.end_line))


def in_code_span(ctx: CheckContext, line_index: int, column_index: int) -> bool:
    return code_span_set(ctx).covers(ctx.doc.line_starts[line_index] + column_index)


def last_content_line(doc: ParsedDocument, start: int, end: int) -> int:
    """The line of the last non-blank character in [start, end) (a block's span may end with
    the blank lines after it)."""
    text = doc.text
    end = min(end, len(text))
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return doc.position(max(end - 1, start))[0]


def column_of(doc: ParsedDocument, offset: int) -> int:
    return doc.position(offset)[1]


class Spans:
    """A set of [start, end) offset ranges, merged once, answering "is this offset (or range)
    inside one of them?" in O(log n): rules ask this per candidate, so it must not scan."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def covers(self, offset: int) -> bool:
        position = bisect_right(self.starts, offset) - 1
        return position >= 0 and offset < self.ends[position]

    def overlaps(self, start: int, end: int) -> bool:
        position = bisect_right(self.starts, max(end - 1, start)) - 1
        return position >= 0 and start < self.ends[position]


def code_span_set(ctx: CheckContext) -> Spans:
    spans = ctx.memo.get("md.code_spans")
    if spans is None:
        spans = ctx.memo["md.code_spans"] = Spans(ctx.doc.code_spans)
    return spans


_ITEM_BLOCKS = ("Paragraph", "List", "Table", "CodeBlock", "BlockQuote", "HtmlBlock", "Heading", "Rule")


def paragraph_ranges(ctx: CheckContext) -> list[tuple[int, int]]:
    """(first line, last line) of every paragraph as micromark sees them: pulldown-cmark does
    not wrap a tight list item's text in a paragraph, so that text (up to the item's first
    block) counts as one."""
    found = ctx.memo.get("md.paragraphs")
    if found is None:
        doc = ctx.doc
        index = node_index(ctx)
        found = []
        for position in index.of("Paragraph", "Item"):
            node = index.nodes[position]
            end = node.end
            if node.kind == "Item":
                blocks = [child for child in index.kids(position) if index.nodes[child].kind in _ITEM_BLOCKS]
                if any(index.nodes[child].kind == "Paragraph" for child in blocks):
                    continue
                if blocks:
                    end = index.nodes[blocks[0]].start
            first = doc.position(node.start)[0]
            found.append((first, last_content_line(doc, node.start, end) if end > node.start else first))
        ctx.memo["md.paragraphs"] = found
    return found
