"""The parsed form of a Markdown page that every rule reads.

A page is parsed once (`chalicelib.engine.parse.parse_document`) into these structures;
rules read them instead of walking a token stream. Offsets are 0-based code points into
`ParsedDocument.text`; lines and columns are 1-based, columns in code points.

This module holds the data shapes only. The parser may add fields; it must not remove
or rename these, since rule modules (and the truth checks) rely on them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(slots=True)
class FrontMatter:
    present: bool
    raw: str = ""  # YAML/TOML text between the fences; JSON: the whole object, braces included
    data: dict[str, Any] | None = None  # parsed mapping (None: absent or unparseable)
    error: str | None = None  # why the YAML could not be used
    error_line: int | None = None  # document line of the YAML error
    start_line: int = 0  # line of the opening `---` (0 when absent)
    end_line: int = 0  # line of the closing `---` (0 when absent)
    end_offset: int = 0  # offset just after the closing fence line
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> line
    format: Literal["yaml", "toml", "json"] = "yaml"  # Hugo's three front matter formats


@dataclass(slots=True)
class Heading:
    level: int
    text: str  # inline text, markup stripped
    line: int
    column: int
    end_line: int
    start: int  # offset of the first character of the heading line(s)
    end: int  # offset just after the heading text (before the line break)
    style: Literal["atx", "setext"] = "atx"
    anchor: str = ""  # GitHub-style fragment id


@dataclass(slots=True)
class Link:
    url: str
    text: str
    line: int
    column: int
    start: int
    end: int
    kind: Literal["inline", "reference", "collapsed", "shortcut", "autolink", "bare"] = "inline"
    is_image: bool = False
    label: str | None = None  # reference label for reference-style links
    url_start: int | None = None  # offset of the destination text, when written in the page


@dataclass(slots=True)
class ReferenceDefinition:
    label: str
    url: str
    line: int
    start: int
    end: int


@dataclass(slots=True)
class CodeBlock:
    kind: Literal["fence", "indented", "highlight"]
    language: str | None  # the label as written (`csharp`), lower-cased; None if absent
    info: str  # the full info string / shortcode arguments
    content: str  # the page text between the fences (so content offsets + content_start are page offsets)
    start_line: int  # line of the opening fence / shortcode
    end_line: int  # line of the closing fence / shortcode (last content line if unclosed)
    content_start_line: int  # first line of the code itself
    content_start: int  # offset of the first code character
    closed: bool = True
    label_start: int | None = None  # offsets of the language label, or where one is inserted
    label_end: int | None = None


@dataclass(slots=True)
class Shortcode:
    """A Hugo shortcode: `{{< name args >}}` / `{{% name %}}`, paired or not."""

    name: str
    args: str
    line: int
    column: int
    start: int
    end: int
    delimiter: Literal["<", "%"] = "<"
    closing: bool = False


@dataclass(slots=True)
class Table:
    line: int
    end_line: int
    header_cells: int
    row_cells: list[tuple[int, int]] = field(default_factory=list)  # (line, cell count)


@dataclass(slots=True)
class Node:
    """One element of the Markdown tree as the parser reported it (micromark's tokens are the
    model): `kind` is pulldown-cmark's name (`List`, `Item`, `BlockQuote`, `Emphasis`, `Code`,
    `InlineHtml`, `Rule`, ...), offsets are code points of the masked page, `parent` the index
    of the enclosing node in `ParsedDocument.nodes` (-1 at top level). Text is not recorded."""

    kind: str
    start: int
    end: int
    parent: int
    attrs: Any = None


@dataclass(slots=True)
class ParsedDocument:
    text: str
    path: str | None
    lines: list[str]  # without line terminators
    line_starts: list[int]  # offset of each line's first character
    front_matter: FrontMatter
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    reference_definitions: list[ReferenceDefinition] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    gists: list[Shortcode] = field(default_factory=list)  # external code references
    shortcodes: list[Shortcode] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    prose_line_mask: list[bool] = field(default_factory=list)  # index line-1: True when prose
    code_spans: list[tuple[int, int]] = field(default_factory=list)  # inline `code` (start, end)
    bare_urls: list[tuple[int, int, str]] = field(default_factory=list)  # GFM autolink literals in prose
    emphasis_paragraphs: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column, text)
    nodes: list[Node] = field(default_factory=list)  # every non-text element, in document order
    masked: str = ""  # the text the Markdown parser saw (shortcodes masked, front matter blanked)
    first_block: tuple[str, int] | None = None  # first top-level block but comments: ("h1".."h6"|"other", line)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        index = bisect_right(self.line_starts, offset) - 1
        index = max(index, 0)
        return index + 1, offset - self.line_starts[index] + 1

    def offset(self, line: int, column: int = 1) -> int:
        return self.line_starts[line - 1] + column - 1

    def is_prose_line(self, line: int) -> bool:
        return 0 < line <= len(self.prose_line_mask) and self.prose_line_mask[line - 1]
