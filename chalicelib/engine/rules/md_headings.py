"""markdownlint's heading rules (MD003, MD018-MD023, MD026, MD043), read from the parsed
headings; each ATX heading line is split once into its opening hashes, spaces, text and
closing sequence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from chalicelib.engine.document import Heading, ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.md_shared import (
    NodeIndex,
    body_lines,
    heading_source,
    is_blank_line,
    node_index,
)
from chalicelib.engine.rules.registry import FALSY_IS_DEFAULT, CheckContext, Finding, NoParams, RuleParams, rule

_ATX = re.compile(r"(#{1,6})([ \t]*)(.*?)(?:([ \t]+)(#+))?([ \t]*)$")
_HTML_ENTITY_END = re.compile(r"&(?:#\d+|#[xX][\da-fA-F]+|[a-zA-Z]{2,31}|blk\d{2}|emsp1[34]|frac\d{2}|sup\d|there4);$")
_GEMOJI_END = re.compile(
    r":(?:[abmovx]|[-+]1|100|1234|(?:1st|2nd|3rd)_place_medal|8ball|clock\d{1,4}|e-mail|non-potable_water|o2|t-rex"
    r"|u5272|u5408|u55b6|u6307|u6708|u6709|u6e80|u7121|u7533|u7981|u7a7a|[a-z]{2,15}2?|[a-z]{1,14}(?:_[a-z\d]{1,16})+):$"
)
_PUNCTUATION = ".,;:!。，；：！"
_MISSING_SPACE = re.compile(r"^#+[^# \t]")
_CLOSED_NO_SPACE = re.compile(r"^(#+)([ \t]*)([^# \t\\]|[^# \t][^#]*?[^# \t\\])([ \t]*)((?:\\#)?)(#+)(\s*)$")


@dataclass(slots=True)
class AtxParts:
    """An ATX heading line split at offsets of the page."""

    hashes_start: int
    hashes: str
    space: str  # after the opening hashes
    text: str
    text_start: int
    closing_space: str  # before the closing sequence ('' when none)
    closing: str  # the closing hashes ('' when none)


def atx_parts(ctx: CheckContext, heading: Heading) -> AtxParts | None:
    memo: dict[int, AtxParts | None] = ctx.memo.setdefault("md.atx", {})
    if heading.line in memo:
        return memo[heading.line]
    doc = ctx.doc
    start = doc.line_starts[heading.line - 1] + heading.column - 1
    line_end = doc.line_starts[heading.line - 1] + len(doc.lines[heading.line - 1])
    while start < line_end and doc.text[start] in " \t":
        start += 1
    match = _ATX.match(doc.text, start, line_end)
    parts = None
    if match and heading.style == "atx":
        text, closing = match.group(3), match.group(5) or ""
        closing_space = match.group(4) or ""
        if not text and not closing and match.group(2) and match.group(2).strip("#") == "":
            closing_space = ""
        parts = AtxParts(start, match.group(1), match.group(2), text, match.start(3), closing_space, closing)
    memo[heading.line] = parts
    return parts


def _style(ctx: CheckContext, heading: Heading) -> str:
    if heading.style == "setext":
        return "setext"
    parts = atx_parts(ctx, heading)
    return "atx_closed" if parts is not None and parts.closing else "atx"


class HeadingStyleParams(RuleParams):
    """Params of MD003 (heading-style)."""

    style: Annotated[
        Literal["consistent", "atx", "atx_closed", "setext", "setext_with_atx", "setext_with_atx_closed"],
        FALSY_IS_DEFAULT,
    ] = "consistent"


@rule(
    "MD003",
    "heading-style",
    "markdown",
    "warning",
    "Heading style",
    why="Mixed heading styles make the source harder to read and edit consistently.",
    good="# Title\n\n## Part\n",
    bad="# Title\n\nPart\n----\n",
    params=HeadingStyleParams,
)
def heading_style(ctx: CheckContext, params: HeadingStyleParams) -> Iterable[Finding]:
    style: str = params.style
    for heading in ctx.doc.headings:
        actual = _style(ctx, heading)
        if style == "consistent":
            style = actual
        if actual == style:
            continue
        h12 = heading.level <= 2
        if style in ("setext_with_atx", "setext_with_atx_closed"):
            expected = "setext" if h12 else style[len("setext_with_") :]
            if actual == expected:
                continue
        else:
            expected = style
        yield Finding(f"Heading style [Expected: {expected}; Actual: {actual}]", heading.line)


def _blocked_lines(ctx: CheckContext) -> set[int]:
    """Lines of code blocks and HTML blocks (MD018/MD020 do not look inside them)."""
    lines = ctx.memo.get("md.blocked_lines")
    if lines is None:
        doc = ctx.doc
        lines = set()
        for block in doc.code_blocks:
            lines.update(range(block.start_line, block.end_line + 1))
        index = node_index(ctx)
        for position in index.of("HtmlBlock"):
            node = index.nodes[position]
            lines.update(range(doc.position(node.start)[0], doc.position(max(node.end - 1, node.start))[0] + 1))
        ctx.memo["md.blocked_lines"] = lines
    return lines


@rule(
    "MD018",
    "no-missing-space-atx",
    "markdown",
    "warning",
    "No space after hash on atx style heading",
    why="Without the space, `#Heading` is a paragraph, not a heading.",
    good="# Title\n",
    bad="#Title\n",
    fixable=True,
)
def no_missing_space_atx(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    blocked = None
    for index in body_lines(doc):
        line = doc.lines[index]
        if not line.startswith("#") or not _MISSING_SPACE.match(line) or line.startswith("#\ufe0f\u20e3"):
            continue
        if line.rstrip().endswith("#"):
            continue
        blocked = _blocked_lines(ctx) if blocked is None else blocked
        if index + 1 in blocked:
            continue
        hashes = len(line) - len(line.lstrip("#"))
        at = doc.line_starts[index] + hashes
        yield Finding(
            f'No space after hash on atx style heading [Context: "{line.strip()}"]',
            index + 1,
            context=line.strip(),
            fix=(TextEdit(at, at, " "),),
        )


@rule(
    "MD019",
    "no-multiple-space-atx",
    "markdown",
    "warning",
    "Multiple spaces after hash on atx style heading",
    why="Extra spaces after the hashes are noise that styles headings inconsistently.",
    good="# Title\n",
    bad="#  Title\n",
    fixable=True,
)
def no_multiple_space_atx(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for heading in ctx.doc.headings:
        parts = atx_parts(ctx, heading)
        if parts is None or parts.closing or len(parts.space) <= 1 or not parts.text:
            continue
        yield _extra_space(ctx.doc, heading, parts.hashes_start + len(parts.hashes), parts.space, "after")


def _extra_space(doc: ParsedDocument, heading: Heading, start: int, space: str, where: str) -> Finding:
    what = "after hash" if where == "after" else "inside hashes"
    description = (
        "Multiple spaces after hash on atx style heading"
        if where == "after"
        else "Multiple spaces inside hashes on closed atx style heading"
    )
    line = doc.lines[heading.line - 1].strip()
    return Finding(
        f'{description} [Context: "{line}"]',
        heading.line,
        context=line,
        suggestion=f"one space {what}",
        fix=(TextEdit(start + 1, start + len(space), ""),),
    )


@rule(
    "MD020",
    "no-missing-space-closed-atx",
    "markdown",
    "warning",
    "No space inside hashes on closed atx style heading",
    why="Without the spaces, the closed heading is not recognised as a heading.",
    good="# Title #\n",
    bad="#Title#\n",
    fixable=True,
)
def no_missing_space_closed_atx(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    blocked = None
    for index in body_lines(doc):
        line = doc.lines[index]
        if not line.startswith("#") or not line.rstrip().endswith("#"):
            continue
        match = _CLOSED_NO_SPACE.match(line)
        if not match or (match.group(2) and (match.group(4) and not match.group(5))):
            continue
        blocked = _blocked_lines(ctx) if blocked is None else blocked
        if index + 1 in blocked:
            continue
        left, content, right_escape, right = match.group(1), match.group(3), match.group(5), match.group(6)
        start = doc.line_starts[index]
        escape = f"{right_escape} " if right_escape else ""
        yield Finding(
            f'No space inside hashes on closed atx style heading [Context: "{line.strip()}"]',
            index + 1,
            context=line.strip(),
            fix=(TextEdit(start, start + len(line), f"{left} {content} {escape}{right}"),),
        )


@rule(
    "MD021",
    "no-multiple-space-closed-atx",
    "markdown",
    "warning",
    "Multiple spaces inside hashes on closed atx style heading",
    why="Extra spaces inside the hashes are noise that styles headings inconsistently.",
    good="# Title #\n",
    bad="#  Title  #\n",
    fixable=True,
)
def no_multiple_space_closed_atx(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for heading in doc.headings:
        parts = atx_parts(ctx, heading)
        if parts is None or not parts.closing:
            continue
        if len(parts.space) > 1:
            yield _extra_space(doc, heading, parts.hashes_start + len(parts.hashes), parts.space, "inside")
        if len(parts.closing_space) > 1:
            start = parts.text_start + len(parts.text)
            yield _extra_space(doc, heading, start, parts.closing_space, "inside")


def _lines_for(value: Any, level: int) -> int:
    if isinstance(value, list | tuple):
        values = list(value[:6]) + [1] * (6 - min(len(value), 6))
        return int(values[level - 1])
    return 1 if value is None else int(value)


class BlanksAroundHeadingsParams(RuleParams):
    """Params of MD022 (blanks-around-headings): a number, or one number per heading level (h1
    first); -1 allows any number."""

    lines_above: int | tuple[int, ...] = 1
    lines_below: int | tuple[int, ...] = 1


@rule(
    "MD022",
    "blanks-around-headings",
    "markdown",
    "warning",
    "Headings should be surrounded by blank lines",
    why="Without blank lines around it, some renderers do not see the heading as a heading.",
    good="# Title\n\nText.\n",
    bad="# Title\nText.\n",
    fixable=True,
    params=BlanksAroundHeadingsParams,
)
def blanks_around_headings(ctx: CheckContext, params: BlanksAroundHeadingsParams) -> Iterable[Finding]:
    doc = ctx.doc
    for heading in doc.headings:
        line = doc.lines[heading.line - 1].strip()
        above = _lines_for(params.lines_above, heading.level)
        if above >= 0:
            actual = 0
            while actual < above and is_blank_line(doc, heading.line - 1 - actual):
                actual += 1
            if actual < above:
                yield Finding(
                    f"Headings should be surrounded by blank lines [Expected: {above}; Actual: {actual}; Above] "
                    f'[Context: "{line}"]',
                    heading.line,
                    context=line,
                    fix=_blank_lines(doc, heading.line, above - actual, before=True),
                )
        below = _lines_for(params.lines_below, heading.level)
        if below >= 0:
            actual = 0
            end_line = heading.end_line + (1 if heading.style == "setext" else 0)  # the underline
            while actual < below and is_blank_line(doc, end_line + 1 + actual):
                actual += 1
            if actual < below:
                yield Finding(
                    f"Headings should be surrounded by blank lines [Expected: {below}; Actual: {actual}; Below] "
                    f'[Context: "{line}"]',
                    heading.line,
                    context=line,
                    fix=_blank_lines(doc, end_line + 1, below - actual, before=True),
                )


def _blank_lines(doc: ParsedDocument, line: int, count: int, before: bool) -> tuple[TextEdit, ...]:
    """Insert `count` blank lines before 1-based `line` (after the last line: at the end),
    each keeping the blockquote markers of the line it is inserted at."""
    ending = "\r\n" if "\r\n" in doc.text else "\n"
    if line > len(doc.lines):
        return (TextEdit(len(doc.text), len(doc.text), ending * count),)
    text = doc.lines[line - 1]
    prefix = text[: len(text) - len(text.lstrip(" >"))]
    prefix = prefix[: prefix.rfind(">") + 1] if ">" in prefix else ""
    start = doc.line_starts[line - 1]
    return (TextEdit(start, start, (prefix + ending) * count),)


@rule(
    "MD023",
    "heading-start-left",
    "markdown",
    "warning",
    "Headings must start at the beginning of the line",
    why="An indented heading is not a heading to many renderers: it renders as text or code.",
    good="# Title\n",
    bad="  # Title\n",
    fixable=True,
)
def heading_start_left(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    item_indent = None
    for heading in doc.headings:
        line_start = doc.line_starts[heading.line - 1]
        line = doc.lines[heading.line - 1]
        offset = heading.column - 1
        quote = line.rfind(">", 0, offset + 1) if ">" in line[: offset + 1] else -1
        base = quote + 1 if quote >= 0 else 0
        if quote >= 0 and base < len(line) and line[base] == " ":
            base += 1
        if item_indent is None:
            item_indent = _item_content_columns(ctx, index)
        base = max(base, item_indent.get(heading.line, 0))
        end = base
        while end < len(line) and line[end] in " \t":
            end += 1
        if end > base and end < len(line) and line[end] != "\t":
            yield Finding(
                f'Headings must start at the beginning of the line [Context: "{line}"]',
                heading.line,
                base + 1,
                context=line,
                fix=(TextEdit(line_start + base, line_start + end, ""),),
            )


def _item_content_columns(ctx: CheckContext, index: NodeIndex) -> dict[int, int]:
    """For lines inside list items: the column (0-based) where the innermost item's content
    starts (its continuation indent)."""
    doc = ctx.doc
    columns: dict[int, int] = {}
    for position in index.of("Item"):
        node = index.nodes[position]
        start = node.start
        text = doc.text
        while start < node.end and text[start] in " \t":
            start += 1
        line, column = doc.position(start)
        marker_end = start
        while marker_end < node.end and text[marker_end].isdigit():
            marker_end += 1
        marker_end += 1
        spaces = marker_end
        while spaces < node.end and text[spaces] == " ":
            spaces += 1
        width = spaces - marker_end
        content = column - 1 + (marker_end - start) + (width if 1 <= width <= 4 else 1)
        last = doc.position(max(node.end - 1, node.start))[0]
        for number in range(line, last + 1):
            columns[number] = content
    return columns


class TrailingPunctuationParams(RuleParams):
    """Params of MD026 (no-trailing-punctuation)."""

    punctuation: str = _PUNCTUATION


@rule(
    "MD026",
    "no-trailing-punctuation",
    "markdown",
    "warning",
    "Trailing punctuation in heading",
    why="Headings are titles, not sentences; trailing punctuation also ends up in their anchors.",
    good="# Install\n",
    bad="# Install:\n",
    fixable=True,
    params=TrailingPunctuationParams,
)
def no_trailing_punctuation(ctx: CheckContext, params: TrailingPunctuationParams) -> Iterable[Finding]:
    doc = ctx.doc
    punctuation = params.punctuation
    if not punctuation:
        return
    trailing = re.compile(r"\s*[" + re.escape(punctuation) + r"]+$")
    for heading in doc.headings:
        if heading.style == "atx":
            parts = atx_parts(ctx, heading)
            if parts is None:
                continue
            text, end, line = parts.text, parts.text_start + len(parts.text), heading.line
        else:
            line = heading.end_line
            raw = doc.lines[line - 1]
            text = raw.rstrip()
            end = doc.line_starts[line - 1] + len(text)
            text = text.lstrip(" >")
        match = trailing.search(text)
        if not match or _HTML_ENTITY_END.search(text) or _GEMOJI_END.search(text):
            continue
        found = match.group()
        yield Finding(
            f"Trailing punctuation in heading [Punctuation: '{found}']",
            line,
            fix=(TextEdit(end - len(found), end, ""),),
        )


class RequiredHeadingsParams(RuleParams):
    """Params of MD043 (required-headings)."""

    headings: tuple[str, ...] = ()
    match_case: bool = False


@rule(
    "MD043",
    "required-headings",
    "markdown",
    "warning",
    "Required heading structure",
    why="Pages of one kind are easier to use when they share the same section structure.",
    good="# Title\n\n## Install\n",
    bad="# Title\n\n## Usage\n",
    example_params={"headings": ["# Title", "## Install"]},
    params=RequiredHeadingsParams,
)
def required_headings(ctx: CheckContext, params: RequiredHeadingsParams) -> Iterable[Finding]:
    required = params.headings
    if not isinstance(required, list | tuple) or not required:
        return
    doc = ctx.doc
    match_case = params.match_case

    def fold(value: str) -> str:
        return value if match_case else value.lower()

    position = 0
    match_any = False
    any_headings = False

    def expected_next() -> str:
        nonlocal position
        value = str(required[position]) if position < len(required) and required[position] else "[None]"
        position += 1
        return value

    for heading in doc.headings:
        any_headings = True
        actual = "#" * heading.level + " " + heading_source(doc, heading)
        expected = expected_next()
        if expected == "*":
            if fold(expected_next()) != fold(actual):
                match_any = True
                position -= 1
        elif expected == "+":
            match_any = True
        elif expected == "?":
            pass
        elif fold(expected) == fold(actual):
            match_any = False
        elif match_any:
            position -= 1
        else:
            yield Finding(f"Required heading structure [Expected: {expected}; Actual: {actual}]", heading.line)
            return
    extra = len(required) - position
    if (extra > 1 or (extra == 1 and required[position] != "*")) and (
        any_headings or not all(item == "*" for item in required)
    ):
        yield Finding(f'Required heading structure [Context: "{required[position]}"]', len(doc.lines))
