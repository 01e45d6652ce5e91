"""markdownlint's table rules (MD055, MD058, MD060). Each table row is split once into
micromark's tokens: cell dividers (unescaped pipes), the whitespace beside them and the
cell content."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from chalicelib.engine.model import TextEdit
from chalicelib.engine.parse import is_code_indented
from chalicelib.engine.rules.md_shared import is_blank_line, last_content_line, newline, node_index, per_page
from chalicelib.engine.rules.registry import FALSY_IS_DEFAULT, CheckContext, Finding, NoParams, RuleParams, rule


@dataclass(slots=True)
class Row:
    line: int
    start: int  # column index (0-based) where the row starts (after quote/list prefixes)
    end: int  # column index just after the row's last non-blank character
    tokens: list[tuple[str, int, int]]  # (divider|space|content|delimiter, start, end) column indexes
    delimiter: bool  # the `| --- |` row


@dataclass(slots=True)
class TableRows:
    first_line: int
    last_line: int
    rows: list[Row]


@per_page
def tables(ctx: CheckContext) -> list[TableRows]:
    """Every table's rows, tokenised (built once per page)."""
    doc = ctx.doc
    index = node_index(ctx)
    found = []
    for position in index.of("Table"):
        node = index.nodes[position]
        first_column = doc.position(node.start)[1] - 1
        row_lines: list[int] = []
        last_line = last_content_line(doc, node.start, node.end)
        for child in index.kids(position):
            kind = index.nodes[child].kind
            if kind in ("TableHead", "TableRow"):
                line = doc.position(index.nodes[child].start)[0]
                if is_code_indented(doc.lines[line - 1], first_column):
                    last_line = row_lines[-1] + (1 if len(row_lines) == 1 else 0)
                    break  # micromark ends the table at an indented-code line
                if doc.prose_line_mask[line - 1] or kind == "TableHead":
                    row_lines.append(line)  # not rows inside a shortcode (a highlight in a cell)
        if not row_lines:
            continue
        header, *body = row_lines
        rows = [_row(doc.lines[header - 1], header, first_column, False)]
        rows.append(_row(doc.lines[header], header + 1, first_column, True))
        rows.extend(_row(doc.lines[line - 1], line, first_column, False) for line in body)
        found.append(TableRows(header, last_line, rows))
    return found


def _row(line: str, number: int, first_column: int, delimiter: bool) -> Row:
    start = min(first_column, len(line))
    while start < len(line) and line[start] in " \t":
        start += 1
    end = len(line.rstrip(" \t"))
    tokens: list[tuple[str, int, int]] = []
    cell_start = start
    position = start
    while position <= end:
        if position == end or (line[position] == "|" and not _escaped(line, position)):
            _cell_tokens(line, cell_start, position, tokens, delimiter)
            if position < end:
                tokens.append(("divider", position, position + 1))
            cell_start = position + 1
        position += 1
    return Row(number, start, end, tokens, delimiter)


def _escaped(line: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and line[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _cell_tokens(line: str, start: int, end: int, tokens: list[tuple[str, int, int]], delimiter: bool) -> None:
    if start >= end:
        return
    text = line[start:end]
    stripped = text.strip(" \t")
    if not stripped:
        tokens.append(("space", start, end))
        return
    lead = len(text) - len(text.lstrip(" \t"))
    trail = len(text) - len(text.rstrip(" \t"))
    if lead:
        tokens.append(("space", start, start + lead))
    tokens.append(("delimiter" if delimiter else "content", start + lead, end - trail))
    if trail:
        tokens.append(("space", end - trail, end))


class TablePipeStyleParams(RuleParams):
    """Params of MD055 (table-pipe-style)."""

    style: Annotated[
        Literal["consistent", "leading_only", "trailing_only", "leading_and_trailing", "no_leading_or_trailing"],
        FALSY_IS_DEFAULT,
    ] = "consistent"


@rule(
    "MD055",
    "table-pipe-style",
    "markdown",
    "warning",
    "Table pipe style",
    why="Inconsistent pipes make tables harder to edit and some renderers misread them.",
    good="| a | b |\n| - | - |\n| 1 | 2 |\n",
    bad="| a | b |\n| - | - |\n  1 | 2 |\n",
    params=TablePipeStyleParams,
)
def table_pipe_style(ctx: CheckContext, params: TablePipeStyleParams) -> Iterable[Finding]:
    style: str = params.style
    expected_leading = style not in ("no_leading_or_trailing", "trailing_only")
    expected_trailing = style not in ("no_leading_or_trailing", "leading_only")
    for table in tables(ctx):
        for row in table.rows:
            significant = [token for token in row.tokens if token[0] != "space"]
            if not significant:
                continue
            leading = significant[0][0] == "divider"
            trailing = significant[-1][0] == "divider" and (len(significant) > 1 or not leading)
            actual = (
                ("leading_and_trailing" if trailing else "leading_only")
                if leading
                else ("trailing_only" if trailing else "no_leading_or_trailing")
            )
            if style == "consistent":
                style, expected_leading, expected_trailing = actual, leading, trailing
            if leading != expected_leading:
                what = "Missing" if expected_leading else "Unexpected"
                yield Finding(
                    f"Table pipe style [Expected: {style}; Actual: {actual}; {what} leading pipe]",
                    row.line,
                    row.start + 1,
                )
            if trailing != expected_trailing:
                what = "Missing" if expected_trailing else "Unexpected"
                yield Finding(
                    f"Table pipe style [Expected: {style}; Actual: {actual}; {what} trailing pipe]",
                    row.line,
                    row.end,
                )


@rule(
    "MD058",
    "blanks-around-tables",
    "markdown",
    "warning",
    "Tables should be surrounded by blank lines",
    why="Without blank lines around it, some renderers do not see the table.",
    good="Text.\n\n| a | b |\n| - | - |\n\nText.\n",
    bad="Text.\n| a | b |\n| - | - |\nText.\n",
    fixable=True,
)
def blanks_around_tables(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for table in tables(ctx):
        first, last = table.first_line, table.last_line
        if not is_blank_line(doc, first - 1):
            start = doc.line_starts[first - 1]
            yield Finding(
                "Tables should be surrounded by blank lines",
                first,
                context=doc.lines[first - 1].strip(),
                fix=(TextEdit(start, start, _quote_prefix(doc.lines[first - 1]) + newline(doc)),),
            )
        if not is_blank_line(doc, last + 1):
            start = doc.line_starts[last]
            yield Finding(
                "Tables should be surrounded by blank lines",
                last,
                context=doc.lines[last - 1].strip(),
                fix=(TextEdit(start, start, _quote_prefix(doc.lines[last - 1]) + newline(doc)),),
            )


def _quote_prefix(line: str) -> str:
    """The blockquote markers of a line (an inserted blank line keeps them)."""
    prefix = line[: len(line) - len(line.lstrip(" >"))]
    return prefix[: prefix.rfind(">") + 1] if ">" in prefix else ""


def _width(text: str) -> int:
    """Display width (East Asian wide characters count two, combining marks none)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _divider_widths(line: str, row: Row) -> Iterable[tuple[int, int]]:
    """(start, display width of the line before it) of each divider of a row. The width grows
    from one divider to the next (it is a sum over characters): measuring each divider's whole
    prefix again was quadratic in a wide row."""
    offset = width = 0
    for kind, start, _end in row.tokens:
        if kind != "divider":
            continue
        if start < offset:  # tokens out of order: measure from the line's start
            offset = width = 0
        width += _width(line[offset:start])
        offset = start
        yield start, width


def _aligned_errors(lines: list[str], rows: list[Row], detail: str) -> list[tuple[int, int, str]]:
    errors = []
    header = rows[0]
    columns = [width for _start, width in _divider_widths(lines[header.line - 1], header)]
    for row in rows[1:]:
        remaining = set(columns)
        for start, effective in _divider_widths(lines[row.line - 1], row):
            if remaining and effective not in remaining:
                errors.append((row.line, start + 1, detail))
            remaining.discard(effective)
    return errors


class TableColumnStyleParams(RuleParams):
    """Params of MD060 (table-column-style)."""

    style: Annotated[Literal["any", "aligned", "compact", "tight"], FALSY_IS_DEFAULT] = "any"
    aligned_delimiter: bool = False


@rule(
    "MD060",
    "table-column-style",
    "markdown",
    "warning",
    "Table column style",
    why="Consistent column formatting keeps table source readable.",
    good="| a | b |\n| - | - |\n| 1 | 2 |\n",
    bad="| a | b |\n| - | - |\n|1|  2 |\n",
    params=TableColumnStyleParams,
)
def table_column_style(ctx: CheckContext, params: TableColumnStyleParams) -> Iterable[Finding]:
    lines = ctx.doc.lines
    style = params.style
    aligned_allowed = style in ("any", "aligned")
    compact_allowed = style in ("any", "compact")
    tight_allowed = style in ("any", "tight")
    aligned_delimiter = params.aligned_delimiter
    for table in tables(ctx):
        rows = table.rows
        if_aligned = (
            _aligned_errors(lines, rows, 'Table pipe does not align with header for style "aligned"')
            if aligned_allowed
            else []
        )
        if_compact: list[tuple[int, int, str]] = []
        if_tight: list[tuple[int, int, str]] = []
        if (compact_allowed or tight_allowed) and not (aligned_allowed and not if_aligned):
            if aligned_delimiter:
                errors = _aligned_errors(
                    lines, rows[:2], 'Table pipe does not align with header for option "aligned_delimiter"'
                )
                if_compact.extend(errors)
                if_tight.extend(errors)
            for row in rows:
                tokens = [token for token in row.tokens if token[0] != "delimiter"]  # not micromark "tableContent"
                for position, (kind, start, _end) in enumerate(tokens):
                    if kind != "divider":
                        continue
                    column = start + 1
                    if position > 0:
                        previous = tokens[position - 1]
                        if previous[0] == "space":
                            if previous[2] - previous[1] != 1:
                                if_compact.append(
                                    (row.line, column, 'Table pipe has extra space to the left for style "compact"')
                                )
                            if_tight.append((row.line, column, 'Table pipe has space to the left for style "tight"'))
                        else:
                            if_compact.append(
                                (row.line, column, 'Table pipe is missing space to the left for style "compact"')
                            )
                    if position + 1 < len(tokens):
                        following = tokens[position + 1]
                        if following[0] == "space":
                            if following[2] != row.end:
                                if following[2] - following[1] != 1:
                                    if_compact.append(
                                        (
                                            row.line,
                                            column,
                                            'Table pipe has extra space to the right for style "compact"',
                                        )
                                    )
                                if_tight.append(
                                    (row.line, column, 'Table pipe has space to the right for style "tight"')
                                )
                        else:
                            if_compact.append(
                                (row.line, column, 'Table pipe is missing space to the right for style "compact"')
                            )
        chosen = if_aligned
        if compact_allowed and (len(if_compact) < len(chosen) or not aligned_allowed):
            chosen = if_compact
        if tight_allowed and (len(if_tight) < len(chosen) or (not aligned_allowed and not compact_allowed)):
            chosen = if_tight
        for line, column, detail in chosen:
            yield Finding(f"Table column style [{detail}]", line, column)
