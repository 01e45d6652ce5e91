"""markdownlint's list rules (MD004, MD005, MD007, MD029, MD030, MD032), read from the parse
tree's List/Item nodes: an item's marker is found once per item from its start offset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.md_shared import (
    NodeIndex,
    is_blank_line,
    last_content_line,
    newline,
    node_index,
    per_page,
)
from chalicelib.engine.rules.registry import FALSY_IS_DEFAULT, CheckContext, Finding, NoParams, RuleParams, rule

_MARKER_STYLE = {"*": "asterisk", "-": "dash", "+": "plus"}
_STYLE_MARKER = {style: marker for marker, style in _MARKER_STYLE.items()}
_LIST_STYLE_EXAMPLES = {"one": "1/1/1", "ordered": "1/2/3", "zero": "0/0/0"}


@dataclass(slots=True)
class Marker:
    """One list item's marker as written: `-`, `*`, `+`, `1.` or `1)`."""

    line: int
    column: int  # 1-based column of the marker's first character
    start: int  # offset of the marker
    text: str
    spaces: int  # whitespace after the marker (0: empty item)
    spaces_start: int


@dataclass(slots=True)
class ListInfo:
    node: int
    ordered: bool
    markers: list[Marker]
    start_line: int
    end_line: int  # last line with content


@per_page
def lists(ctx: CheckContext) -> list[ListInfo]:
    """Every list with its items' markers, in document order (built once per page)."""
    doc = ctx.doc
    index = node_index(ctx)
    found = []
    for position in index.of("List"):
        node = index.nodes[position]
        markers = [_marker(doc, index.nodes[item].start) for item in index.kids(position, "Item")]
        if not markers:
            continue
        found.append(
            ListInfo(
                position,
                node.attrs is not None,
                markers,
                markers[0].line,
                last_content_line(doc, node.start, node.end),
            )
        )
    return found


def _marker(doc: ParsedDocument, offset: int) -> Marker:
    text = doc.text
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    end = offset
    while end < len(text) and text[end].isdigit():
        end += 1
    end += 1  # the bullet, or the `.`/`)` after the digits
    spaces_end = end
    while spaces_end < len(text) and text[spaces_end] in " \t":
        spaces_end += 1
    spaces = spaces_end - end
    if spaces_end >= len(text) or text[spaces_end] in "\r\n":
        spaces = 0  # an empty item has no whitespace token
    elif spaces > 4:
        spaces = 1  # the rest is indented code: one space belongs to the marker
    line, column = doc.position(offset)
    return Marker(line, column, offset, text[offset:end], spaces, end)


def _list_nesting(index: NodeIndex, position: int, kinds: tuple[str, ...]) -> list[int]:
    """The lists enclosing this one, innermost first, up to the first non-list container."""
    found = []
    for ancestor in index.ancestors(position):
        kind = index.nodes[ancestor].kind
        if kind == "List":
            found.append(ancestor)
        elif kind in kinds:
            break
    return found


class UlStyleParams(RuleParams):
    """Params of MD004 (ul-style)."""

    style: Annotated[Literal["consistent", "asterisk", "plus", "dash", "sublist"], FALSY_IS_DEFAULT] = "consistent"


@rule(
    "MD004",
    "ul-style",
    "markdown",
    "warning",
    "Unordered list style",
    why="Mixed list markers make the source inconsistent and can split one list into several.",
    good="- one\n- two\n",
    bad="- one\n* two\n",
    fixable=True,
    params=UlStyleParams,
)
def ul_style(ctx: CheckContext, params: UlStyleParams) -> Iterable[Finding]:
    style = params.style
    expected: str = style if style in ("asterisk", "dash", "plus", "consistent", "sublist") else "dash"
    nesting_styles: list[str] = []
    index = node_index(ctx)
    for info in lists(ctx):
        if info.ordered:
            continue
        nesting = len(_list_nesting(index, info.node, ())) if style == "sublist" else 0
        for marker in info.markers:
            actual = _MARKER_STYLE.get(marker.text, "dash")
            if style == "sublist":
                if len(nesting_styles) <= nesting:
                    nesting_styles.extend([""] * (nesting + 1 - len(nesting_styles)))
                if not nesting_styles[nesting]:
                    above = nesting_styles[nesting - 1] if nesting else None
                    nesting_styles[nesting] = _different(actual) if actual == above else actual
                expected = nesting_styles[nesting]
            elif expected == "consistent":
                expected = actual
            if actual != expected:
                yield Finding(
                    f"Unordered list style [Expected: {expected}; Actual: {actual}]",
                    marker.line,
                    marker.column,
                    fix=(TextEdit(marker.start, marker.start + 1, _STYLE_MARKER[expected]),),
                )


def _different(style: str) -> str:
    return "asterisk" if style == "dash" else "dash" if style == "plus" else "plus"


@rule(
    "MD005",
    "list-indent",
    "markdown",
    "warning",
    "Inconsistent indentation for list items at the same level",
    why="Items of one level indented differently may render at different levels or as separate lists.",
    good="- one\n- two\n",
    bad="- one\n - two\n",
    fixable=True,
)
def list_indent(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for info in lists(ctx):
        expected_indent = info.markers[0].column - 1
        expected_end = 0
        end_matching = False
        for marker in info.markers:
            actual_indent = marker.column - 1
            line_start = doc.line_starts[marker.line - 1]
            if not info.ordered:
                if actual_indent != expected_indent:
                    yield Finding(
                        "Inconsistent indentation for list items at the same level "
                        f"[Expected: {expected_indent}; Actual: {actual_indent}]",
                        marker.line,
                        fix=_reindent(line_start, actual_indent, expected_indent),
                    )
                continue
            length = len(marker.text)
            actual_end = marker.column + length - 1
            expected_end = expected_end or actual_end
            if expected_indent != actual_indent or end_matching:
                if expected_end == actual_end:
                    end_matching = True
                else:
                    if end_matching:
                        detail = f"Expected: ({expected_end}); Actual: ({actual_end})"
                        expected, actual = expected_end - length, actual_end - length
                    else:
                        detail = f"Expected: {expected_indent}; Actual: {actual_indent}"
                        expected, actual = expected_indent, actual_indent
                    yield Finding(
                        f"Inconsistent indentation for list items at the same level [{detail}]",
                        marker.line,
                        fix=_reindent(line_start, actual, expected),
                    )


def _reindent(line_start: int, actual: int, expected: int) -> tuple[TextEdit, ...]:
    column = line_start + min(actual, expected)
    return (TextEdit(column, column + max(actual - expected, 0), " " * max(expected - actual, 0)),)


class UlIndentParams(RuleParams):
    """Params of MD007 (ul-indent). `start_indent` defaults to `indent` (markdownlint reads it so)."""

    indent: Annotated[int, FALSY_IS_DEFAULT] = 2
    start_indented: bool = False
    start_indent: Annotated[int | None, FALSY_IS_DEFAULT] = None


@rule(
    "MD007",
    "ul-indent",
    "markdown",
    "warning",
    "Unordered list indentation",
    why="Inconsistent nesting indentation is read differently by different renderers.",
    good="- one\n  - nested\n",
    bad="- one\n    - nested\n",
    fixable=True,
    params=UlIndentParams,
)
def ul_indent(ctx: CheckContext, params: UlIndentParams) -> Iterable[Finding]:
    doc = ctx.doc
    indent = params.indent
    start_indent = (params.start_indent or indent) if params.start_indented else 0
    index = node_index(ctx)
    for info in lists(ctx):
        if info.ordered:
            continue
        nesting = 0
        footnote = False
        for ancestor in index.ancestors(info.node):
            kind = index.nodes[ancestor].kind
            if kind == "FootnoteDefinition":
                footnote = True
            if kind == "List":
                if index.nodes[ancestor].attrs is not None:
                    nesting = -1
                    break
                nesting += 1
            elif kind == "BlockQuote":
                break
        if nesting < 0:
            continue
        expected = (4 if footnote else 0) + start_indent + nesting * indent
        for marker in info.markers:
            line_start = doc.line_starts[marker.line - 1]
            prefix = doc.text[line_start : marker.start]
            quote = prefix.rfind(">")
            if quote >= 0 and prefix[quote + 1 : quote + 2] in (" ", "\t"):
                quote += 1  # the space after `>` belongs to the quote marker
            actual = marker.column - 1 - (quote + 1 if quote >= 0 else 0)
            if actual == expected:
                continue
            base = marker.start - actual
            yield Finding(
                f"Unordered list indentation [Expected: {expected}; Actual: {actual}]",
                marker.line,
                marker.column,
                fix=(TextEdit(base, base + max(actual - expected, 0), " " * max(expected - actual, 0)),),
            )


class OlPrefixParams(RuleParams):
    """Params of MD029 (ol-prefix)."""

    style: Literal["one_or_ordered", "one", "ordered", "zero"] = "one_or_ordered"


@rule(
    "MD029",
    "ol-prefix",
    "markdown",
    "warning",
    "Ordered list item prefix",
    why="Inconsistent numbering makes the source disagree with the rendered list.",
    good="1. one\n2. two\n3. three\n",
    bad="1. one\n3. two\n",
    fixable=True,
    params=OlPrefixParams,
)
def ol_prefix(ctx: CheckContext, params: OlPrefixParams) -> Iterable[Finding]:
    style = params.style
    for info in lists(ctx):
        if not info.ordered:
            continue
        values = [int(marker.text[:-1]) for marker in info.markers]
        expected = 1
        incrementing = False
        if len(values) >= 2 and (values[1] != 1 or values[0] == 0):
            incrementing = True
            if values[0] == 0:
                expected = 0
        list_style = style if style in ("one", "ordered", "zero") else ("ordered" if incrementing else "one")
        if list_style == "zero":
            expected = 0
        elif list_style == "one":
            expected = 1
        for marker, actual in zip(info.markers, values, strict=True):
            if actual != expected:
                digits = len(marker.text) - 1
                yield Finding(
                    f"Ordered list item prefix [Expected: {expected}; Actual: {actual}; "
                    f"Style: {_LIST_STYLE_EXAMPLES[list_style]}]",
                    marker.line,
                    marker.column,
                    fix=(TextEdit(marker.start, marker.start + digits, str(expected)),),
                )
            if list_style == "ordered":
                expected += 1


class ListMarkerSpaceParams(RuleParams):
    """Params of MD030 (list-marker-space)."""

    ul_single: Annotated[int, FALSY_IS_DEFAULT] = 1
    ol_single: Annotated[int, FALSY_IS_DEFAULT] = 1
    ul_multi: Annotated[int, FALSY_IS_DEFAULT] = 1
    ol_multi: Annotated[int, FALSY_IS_DEFAULT] = 1


@rule(
    "MD030",
    "list-marker-space",
    "markdown",
    "warning",
    "Spaces after list markers",
    why="Inconsistent spacing after list markers makes nested content align differently.",
    good="- one\n- two\n",
    bad="-   one\n-   two\n",
    fixable=True,
    params=ListMarkerSpaceParams,
)
def list_marker_space(ctx: CheckContext, params: ListMarkerSpaceParams) -> Iterable[Finding]:
    for info in lists(ctx):
        single = info.end_line - info.start_line + 1 == len(info.markers)
        key = ("ol_" if info.ordered else "ul_") + ("single" if single else "multi")
        expected = getattr(params, key)
        for marker in info.markers:
            if marker.spaces and marker.spaces != expected:
                yield Finding(
                    f"Spaces after list markers [Expected: {expected}; Actual: {marker.spaces}]",
                    marker.line,
                    marker.column,
                    fix=(TextEdit(marker.spaces_start, marker.spaces_start + marker.spaces, " " * expected),),
                )


@rule(
    "MD032",
    "blanks-around-lists",
    "markdown",
    "warning",
    "Lists should be surrounded by blank lines",
    why="Without blank lines around it, some renderers merge the list into the paragraph.",
    good="Text.\n\n- one\n- two\n\nText.\n",
    bad="Text.\n- one\n- two\n",
    fixable=True,
)
def blanks_around_lists(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    for info in lists(ctx):
        if any(index.nodes[ancestor].kind in ("List", "HtmlBlock") for ancestor in index.ancestors(info.node)):
            continue
        first, last = info.start_line, info.end_line
        prefix = _quote_prefix(doc, first)
        if not is_blank_line(doc, first - 1):
            start = doc.line_starts[first - 1]
            yield Finding(
                "Lists should be surrounded by blank lines",
                first,
                context=doc.lines[first - 1].strip(),
                fix=(TextEdit(start, start, prefix.rstrip() + newline(doc)),),
            )
        if not is_blank_line(doc, last + 1):
            start = doc.line_starts[last]
            yield Finding(
                "Lists should be surrounded by blank lines",
                last,
                context=doc.lines[last - 1].strip(),
                fix=(TextEdit(start, start, _quote_prefix(doc, last).rstrip() + newline(doc)),),
            )


def _quote_prefix(doc: ParsedDocument, line: int) -> str:
    """The blockquote markers a line starts with (a blank line inserted there keeps them)."""
    text = doc.lines[line - 1]
    end = 0
    while end < len(text) and text[end] in " >":
        end += 1
    prefix = text[:end]
    return prefix[: prefix.rfind(">") + 1] if ">" in prefix else ""
