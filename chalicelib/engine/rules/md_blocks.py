"""markdownlint's rules about lines, code blocks, block quotes and thematic breaks (MD010,
MD011, MD013, MD014, MD027, MD028, MD031, MD035, MD038, MD046, MD047, MD048)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Literal

from chalicelib.engine.document import CodeBlock, ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.md_shared import (
    body_lines,
    code_lines,
    code_span_set,
    first_body_index,
    is_blank_line,
    last_content_line,
    newline,
    node_index,
    paragraph_ranges,
)
from chalicelib.engine.rules.registry import FALSY_IS_DEFAULT, CheckContext, Finding, NoParams, RuleParams, rule

_TABS = re.compile(r"\t+")
_REVERSED_LINK = re.compile(r"(^|[^\\])\(([^()]+)\)\[([^\]^][^\]]*)\](?!\()")
_DOLLAR_COMMAND = re.compile(r"^(\s*)(\$\s+)")
_NOT_WRAPPABLE = re.compile(r"^(?:[#>\s]*\s)?\S*$")
_FENCE_PREFIX = re.compile(r"^(.*?)[`~]")
_LINE_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))?[ \t]*")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINK_SOURCE = re.compile(r"\]\(|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|https?://|www\.")
_LIST_START = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_INLINE_NOT_DATA = ("Link", "Image", "Emphasis", "Strong", "Strikethrough", "Code", "InlineHtml")


def _code_blocks(doc: ParsedDocument, markdown_only: bool = False) -> list[CodeBlock]:
    """Code blocks as markdownlint sees them: a highlight shortcode on lines of its own is a
    fence to it (the page is masked that way), one inside a line (a table cell) is not; with
    `markdown_only`, only Markdown's own code blocks count."""
    blocks = []
    for block in doc.code_blocks:
        if block.kind == "highlight":
            if markdown_only:
                continue
            start = doc.line_starts[block.start_line - 1]
            if not doc.masked[start : start + len(doc.lines[block.start_line - 1])].lstrip(" \t>").startswith("~~~"):
                continue
        blocks.append(block)
    return blocks


class HardTabsParams(RuleParams):
    """Params of MD010 (no-hard-tabs)."""

    code_blocks: bool = True
    ignore_code_languages: tuple[str, ...] = ()
    spaces_per_tab: int = 1


@rule(
    "MD010",
    "no-hard-tabs",
    "markdown",
    "warning",
    "Hard tabs",
    why="Tabs render with different widths in different tools, which misaligns nested lists and code.",
    good="- item\n  indented with spaces\n",
    bad="Text\twith a tab\n",
    fixable=True,
    params=HardTabsParams,
)
def no_hard_tabs(ctx: CheckContext, params: HardTabsParams) -> Iterable[Finding]:
    doc = ctx.doc
    if "\t" not in doc.text:
        return
    include_code = params.code_blocks
    ignored = {str(language).lower() for language in params.ignore_code_languages}
    spaces = max(0, params.spaces_per_tab)
    skipped: set[int] = set()
    spans = None
    for block in doc.code_blocks:
        if not include_code or (block.kind != "indented" and ignored and (block.language or "") in ignored):
            if block.kind == "indented":
                skipped.update(range(block.start_line, block.end_line + 1))
            else:
                skipped.update(range(block.start_line + 1, block.end_line))
    if not include_code:
        spans = code_span_set(ctx)
    for index in body_lines(doc):
        line = doc.lines[index]
        if "\t" not in line or index + 1 in skipped:
            continue
        start = doc.line_starts[index]
        for match in _TABS.finditer(line):
            if spans is not None and spans.overlaps(start + match.start(), start + match.end()):
                continue
            yield Finding(
                f"Hard tabs [Column: {match.start() + 1}]",
                index + 1,
                match.start() + 1,
                fix=(TextEdit(start + match.start(), start + match.end(), " " * (len(match.group()) * spaces)),),
            )


@rule(
    "MD011",
    "no-reversed-links",
    "markdown",
    "warning",
    "Reversed link syntax",
    why="`(text)[url]` is not a link: readers see the brackets and the raw URL.",
    good="[Guide](https://docs.example/guide)\n",
    bad="(Guide)[https://docs.example/guide]\n",
    fixable=True,
)
def no_reversed_links(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    if ")[" not in doc.text:
        return
    in_code = code_lines(ctx, inner_fences=False)
    for index in body_lines(doc):
        line = doc.lines[index]
        if ")[" not in line or index + 1 in in_code:
            continue
        start = doc.line_starts[index]
        for match in _REVERSED_LINK.finditer(line):
            text, destination = match.group(2), match.group(3)
            if text.endswith("\\") or destination.endswith("\\"):
                continue
            begin = start + match.start() + len(match.group(1))
            if code_span_set(ctx).overlaps(begin, start + match.end()):
                continue
            found = match.group()[len(match.group(1)) :]
            yield Finding(
                f"Reversed link syntax [{found}]",
                index + 1,
                match.start() + len(match.group(1)) + 1,
                context=found,
                fix=(TextEdit(begin, start + match.end(), f"[{text}]({destination})"),),
            )


def _long_lines(doc: ParsedDocument, length: int) -> Iterable[int]:
    """Indexes of the lines that may be longer than `length` UTF-16 units, by their lengths in
    code points (an astral character counts two units, so with one on the page the bar is
    halved). Comparing the lines' lengths costs a third of a `^[^\\n]{N,}` regex scan of the
    page, which tries the pattern at every character."""
    text = doc.text
    bar = length + 1 if text.isascii() or not _ASTRAL.search(text) else length // 2 + 1
    return [index for index, line in enumerate(doc.lines) if len(line) >= bar]


def _without_last_word(line: str) -> str:
    """markdownlint's `line.replace(/\\S*$/u, "#")`: the trailing word (a long URL) counts as one
    character (a regex would rescan the line from every position)."""
    if not line or line[-1].isspace():
        return line + "#"
    words = line.rsplit(maxsplit=1)
    return line[: len(line) - len(words[-1])] + "#"


def _js_length(text: str) -> int:
    """String length as JavaScript counts it (UTF-16 code units), as markdownlint measures."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class _LineLengthExemptions:
    """What MD013 forgives, worked out once per page and only when a line is too long:
    headings, code blocks, tables (by their own limits or switches), and link-only lines (a
    line with a link but no text of its own: text directly in a paragraph, not inside the
    link, emphasis or code)."""

    def __init__(self, ctx: CheckContext) -> None:
        doc = ctx.doc
        self.ctx = ctx
        self.headings: set[int] = set()
        for heading in doc.headings:
            last = heading.end_line + (1 if heading.style == "setext" else 0)
            self.headings.update(range(heading.line, last + 1))
        self.code = {line for block in doc.code_blocks for line in range(block.start_line, block.end_line + 1)}
        self.tables = {line for table in doc.tables for line in range(table.line, table.end_line + 1)}
        self.definitions = {definition.line for definition in doc.reference_definitions}
        self._link_lines: set[int] | None = None
        self._text_lines: set[int] | None = None
        self._inline: dict[int, list[tuple[int, int]]] | None = None

    def link_only(self, line: int) -> bool:
        doc = self.ctx.doc
        if self._link_lines is None:
            index = node_index(self.ctx)
            self._link_lines = set()
            for position in index.of("Link", "Image"):
                node = index.nodes[position]
                first, last = doc.position(node.start)[0], doc.position(max(node.end - 1, node.start))[0]
                self._link_lines.update(range(first, last + 1))
            self._link_lines.update(doc.position(start)[0] for start, _end, _url in doc.bare_urls)
        if line not in self._link_lines:
            return line in self.tables and _LINK_SOURCE.search(doc.lines[line - 1]) is not None
        if self._text_lines is None:
            self._text_lines = {
                number for first, last in paragraph_ranges(self.ctx) for number in range(first, last + 1)
            }
        if line not in self._text_lines:
            return True
        if self._inline is None:  # inline spans by line, built once
            index = node_index(self.ctx)
            spans = [
                (index.nodes[position].start, index.nodes[position].end) for position in index.of(*_INLINE_NOT_DATA)
            ]
            spans += [(start, end) for start, end, _url in doc.bare_urls]
            self._inline = {}
            for start, end in spans:
                for number in range(doc.position(start)[0], doc.position(max(end - 1, start))[0] + 1):
                    self._inline.setdefault(number, []).append((start, end))
        return not _has_data(doc, line, self._inline.get(line, ()))


def _has_data(doc: ParsedDocument, line: int, inline: Iterable[tuple[int, int]]) -> bool:
    """Does a paragraph line hold text of its own (micromark `data` directly in the paragraph):
    anything but links, emphasis, code and HTML, the line's prefix and its trailing spaces?"""
    start = doc.line_starts[line - 1]
    source = doc.masked[start : start + len(doc.lines[line - 1])]
    end = start + len(source)
    chars = None
    for span_start, span_end in inline:
        if span_start < end and start < span_end:
            chars = chars or list(source)
            first, last = max(span_start, start) - start, min(span_end, end) - start
            chars[first:last] = "\0" * (last - first)
    own = _LINE_PREFIX.sub("", "".join(chars) if chars else source).rstrip()
    return bool(own.replace("\0", ""))


class LineLengthParams(RuleParams):
    """Params of MD013 (line-length). `heading_line_length` and `code_block_line_length` default
    to `line_length` (markdownlint reads them so)."""

    line_length: Annotated[int, FALSY_IS_DEFAULT] = 80
    heading_line_length: Annotated[int | None, FALSY_IS_DEFAULT] = None
    code_block_line_length: Annotated[int | None, FALSY_IS_DEFAULT] = None
    code_blocks: bool = True
    tables: bool = True
    headings: bool = True
    strict: bool = False
    stern: bool = False


@rule(
    "MD013",
    "line-length",
    "markdown",
    "warning",
    "Line length",
    why="Long lines are hard to read and review in editors and diffs.",
    good="A short line.\n",
    bad="A line that goes on and on well past the eighty characters a reader can take in at once.\n",
    params=LineLengthParams,
)
def line_length(ctx: CheckContext, params: LineLengthParams) -> Iterable[Finding]:
    doc = ctx.doc
    limit = params.line_length
    heading_limit = params.heading_line_length or limit
    code_limit = params.code_block_line_length or limit
    strict, stern = params.strict, params.stern
    include_code = params.code_blocks
    include_tables = params.tables
    include_headings = params.headings
    smallest = min(limit, heading_limit, code_limit)
    exemptions = None
    first = body_lines(doc).start
    for index in _long_lines(doc, max(smallest, 0)):
        line = doc.lines[index]
        if index < first or _js_length(line) <= smallest:
            continue
        if exemptions is None:
            exemptions = _LineLengthExemptions(ctx)
        number = index + 1
        is_heading, in_code, in_table = (
            number in exemptions.headings,
            number in exemptions.code,
            number in exemptions.tables,
        )
        maximum = code_limit if in_code else heading_limit if is_heading else limit
        text = line if strict or stern else _without_last_word(line)
        if (
            maximum > 0
            and _js_length(text) > maximum
            and (include_code or not in_code)
            and (include_tables or not in_table)
            and (include_headings or not is_heading)
            and number not in exemptions.definitions
            and (strict or (not (stern and _NOT_WRAPPABLE.match(line)) and not exemptions.link_only(number)))
        ):
            actual = _js_length(line)
            yield Finding(f"Line length [Expected: {maximum}; Actual: {actual}]", number, maximum + 1)


@rule(
    "MD014",
    "commands-show-output",
    "markdown",
    "warning",
    "Dollar signs used before commands without showing output",
    why="A `$` before every command, with no output shown, gets copied along with the command.",
    good="```sh\n$ ls\nfile.txt\n```\n",
    bad="```sh\n$ ls\n$ pwd\n```\n",
    fixable=True,
)
def commands_show_output(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for block in _code_blocks(doc):
        if "$" not in block.content:
            continue
        matches = []
        all_match = True
        offset = block.content_start
        first_line = block.content_start_line
        for number, line in enumerate(block.content.split("\n")):
            text = line.rstrip("\r")
            if block.kind == "indented":
                text = _strip_indent(text)
            if text.strip():
                match = _DOLLAR_COMMAND.match(text)
                if match is None:
                    all_match = False
                    break
                skip = len(line.rstrip("\r")) - len(text)
                matches.append((first_line + number, offset + skip + len(match.group(1)), len(match.group(2)), text))
            offset += len(line) + 1
        if not all_match or not matches:
            continue
        for line_number, start, length, text in matches:
            yield Finding(
                f'Dollar signs used before commands without showing output [Context: "{text}"]',
                line_number,
                context=text,
                fix=(TextEdit(start, start + length, ""),),
            )


def _strip_indent(line: str) -> str:
    """An indented code line without its four columns of indentation."""
    column = 0
    for position, char in enumerate(line):
        if column >= 4 or char not in " \t":
            return line[position:]
        column = column + 4 - column % 4 if char == "\t" else column + 1
    return ""


class BlockquoteSpaceParams(RuleParams):
    """Params of MD027 (no-multiple-space-blockquote)."""

    list_items: bool = True


@rule(
    "MD027",
    "no-multiple-space-blockquote",
    "markdown",
    "warning",
    "Multiple spaces after blockquote symbol",
    why="Extra spaces after `>` are noise, and four or more turn the quote into code.",
    good="> A quote.\n",
    bad=">  A quote.\n",
    fixable=True,
    params=BlockquoteSpaceParams,
)
def no_multiple_space_blockquote(ctx: CheckContext, params: BlockquoteSpaceParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    quotes = index.of("BlockQuote")
    if not quotes:
        return
    include_items = params.list_items
    in_code = code_lines(ctx, inner_fences=False)
    quote_lines: set[int] = set()
    for position in quotes:
        node = index.nodes[position]
        quote_lines.update(range(doc.position(node.start)[0], last_content_line(doc, node.start, node.end) + 1))
    item_lines = _item_lines(ctx)
    for number in sorted(quote_lines):
        line = doc.lines[number - 1]
        if number in in_code:
            continue
        end = _after_quote_markers(line)
        if end is None:
            continue
        spaces = end
        while spaces < len(line) and line[spaces] in " \t":
            spaces += 1
        if spaces == end or spaces >= len(line) or spaces - end >= 4:
            continue
        if number in item_lines and (item_lines[number] > end or not include_items):
            continue  # the indentation belongs to a list item in the quote
        starts_list = _LIST_START.match(line, spaces) is not None
        if not include_items and starts_list:
            continue
        if starts_list and number > 1 and _quote_depth(doc.lines[number - 2]) > line.count(">", 0, end):
            continue  # micromark gives the spaces to the deeper quote it closes, not to this one
        start = doc.line_starts[number - 1]
        yield Finding(
            f'Multiple spaces after blockquote symbol [Context: "{line}"]',
            number,
            end + 1,
            context=line,
            fix=(TextEdit(start + end, start + spaces, ""),),
        )


def _quote_depth(line: str) -> int:
    end = _after_quote_markers(line)
    return 0 if end is None else line.count(">", 0, end)


def _after_quote_markers(line: str) -> int | None:
    """Offset after the last `>` marker of a line and the one space that belongs to it
    (None when the line has no marker: a lazy continuation)."""
    position = 0
    found = None
    while True:
        indent = position
        while indent < len(line) and indent - position < 3 and line[indent] == " ":
            indent += 1
        if indent < len(line) and line[indent] == ">":
            position = indent + 1
            if position < len(line) and line[position] in " \t":
                position += 1
            found = position
            continue
        return found


def _item_lines(ctx: CheckContext) -> dict[int, int]:
    """Continuation lines of list items inside quotes -> the item's content column: their
    indentation belongs to the item, not to the quote."""
    doc = ctx.doc
    index = node_index(ctx)
    lines: dict[int, int] = {}
    for position in index.of("Item"):
        node = index.nodes[position]
        first = doc.position(node.start)[0]
        last = last_content_line(doc, node.start, node.end)
        column = doc.position(node.start)[1]
        for number in range(first + 1, last + 1):
            lines[number] = max(lines.get(number, 0), column)
    return lines


@rule(
    "MD028",
    "no-blanks-blockquote",
    "markdown",
    "warning",
    "Blank line inside blockquote",
    why="A blank line splits the quote into two quotes, which some renderers merge and others do not.",
    good="> One quote.\n>\n> Same quote.\n",
    bad="> One quote.\n\n> Another quote.\n",
)
def no_blanks_blockquote(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    for position in index.of("BlockQuote"):
        node = index.nodes[position]
        following = index.next_sibling(position)
        if following is None or index.nodes[following].kind != "BlockQuote":
            continue
        after = last_content_line(doc, node.start, node.end)
        next_line = doc.position(index.nodes[following].start)[0]
        blanks = [number for number in range(after + 1, next_line) if not doc.lines[number - 1].strip(" \t>")]
        if len(blanks) == next_line - after - 1:
            for number in blanks:
                yield Finding("Blank line inside blockquote", number)


class BlanksAroundFencesParams(RuleParams):
    """Params of MD031 (blanks-around-fences)."""

    list_items: bool = True


@rule(
    "MD031",
    "blanks-around-fences",
    "markdown",
    "warning",
    "Fenced code blocks should be surrounded by blank lines",
    why="Without blank lines around it, some renderers do not recognise the fence.",
    good="Text.\n\n```sh\nls\n```\n\nText.\n",
    bad="Text.\n```sh\nls\n```\nText.\n",
    fixable=True,
    params=BlanksAroundFencesParams,
)
def blanks_around_fences(ctx: CheckContext, params: BlanksAroundFencesParams) -> Iterable[Finding]:
    doc = ctx.doc
    include_items = params.list_items
    item_lines = None if include_items else _lines_in_lists(ctx)
    for block in _code_blocks(doc):
        if block.kind == "indented":
            continue
        if item_lines is not None and block.start_line in item_lines:
            continue
        if not is_blank_line(doc, block.start_line - 1):
            yield _fence_finding(doc, block.start_line, top=True)
        if not is_blank_line(doc, block.end_line + 1) and not is_blank_line(doc, block.end_line):
            yield _fence_finding(doc, block.end_line, top=False)


def _lines_in_lists(ctx: CheckContext) -> set[int]:
    doc = ctx.doc
    index = node_index(ctx)
    lines: set[int] = set()
    for position in index.of("List"):
        node = index.nodes[position]
        lines.update(range(doc.position(node.start)[0], last_content_line(doc, node.start, node.end) + 1))
    return lines


def _fence_finding(doc: ParsedDocument, line: int, top: bool) -> Finding:
    text = doc.lines[line - 1]
    match = _FENCE_PREFIX.match(text)
    fix = None
    if match:
        prefix = re.sub(r"[^>]", " ", match.group(1)).strip()
        at = line if top else line + 1
        if at <= len(doc.lines):
            start = doc.line_starts[at - 1]
            fix = (TextEdit(start, start, prefix + newline(doc)),)
        else:
            fix = (TextEdit(len(doc.text), len(doc.text), newline(doc) + prefix),)
    return Finding(
        f'Fenced code blocks should be surrounded by blank lines [Context: "{text.strip()}"]',
        line,
        context=text.strip(),
        fix=fix,
    )


class HrStyleParams(RuleParams):
    """Params of MD035 (hr-style). `style`: `consistent` or the exact horizontal rule to use (`---`, `***`...)."""

    style: Annotated[str, FALSY_IS_DEFAULT] = "consistent"


@rule(
    "MD035",
    "hr-style",
    "markdown",
    "warning",
    "Horizontal rule style",
    why="Consistent rules keep the source uniform; mixed styles signal copy-paste from elsewhere.",
    good="Text.\n\n---\n\nText.\n\n---\n",
    bad="Text.\n\n---\n\nText.\n\n***\n",
    params=HrStyleParams,
)
def hr_style(ctx: CheckContext, params: HrStyleParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    style = params.style.strip()
    for position in index.of("Rule"):
        node = index.nodes[position]
        line = doc.position(node.start)[0]
        text = doc.masked[node.start : node.end].rstrip("\r\n").lstrip(" \t")  # trailing spaces count
        if style == "consistent":
            style = text
        if text != style:
            yield Finding(f"Horizontal rule style [Expected: {style}; Actual: {text}]", line)


@rule(
    "MD038",
    "no-space-in-code",
    "markdown",
    "warning",
    "Spaces inside code span elements",
    why="Spaces inside code spans are usually accidental and change what readers copy.",
    good="Run `ls` here.\n",
    bad="Run ` ls` here.\n",
    fixable=True,
)
def no_space_in_code(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    text = doc.masked
    for start, end in doc.code_spans:
        ticks = 0
        while start + ticks < end and text[start + ticks] == "`":
            ticks += 1
        inner_start, inner_end = start + ticks, end - ticks
        inner = text[inner_start:inner_end]
        if not inner.strip():
            continue
        padded = inner[0] in " \r\n" and inner[-1] in " \r\n"
        data_start = inner_start + (1 if padded else 0)
        data_end = inner_end - (1 if padded else 0)
        first_piece = text[data_start:data_end].split("\n", 1)[0]
        last_piece = text[data_start:data_end].rsplit("\n", 1)[-1]
        lead = len(first_piece) - len(first_piece.lstrip())
        starts_with_tick = first_piece.lstrip()[:1] == "`"
        count = lead - (1 if starts_with_tick and not padded else 0) if lead < len(first_piece) else 0
        trail = len(last_piece) - len(last_piece.rstrip())
        ends_with_tick = last_piece.rstrip()[-1:] == "`"
        end_count = trail - (1 if ends_with_tick and not padded else 0) if trail < len(last_piece) else 0
        remove_padding = count > 0 and end_count > 0 and padded and not starts_with_tick and not ends_with_tick
        context = text[start:end]
        if count > 0:
            edit_start = inner_start if remove_padding else data_start
            length = count + (1 if remove_padding else 0)
            yield Finding(
                f'Spaces inside code span elements [Context: "{context}"]',
                doc.position(data_start)[0],
                context=context,
                fix=(TextEdit(edit_start, edit_start + length, ""),),
            )
        if end_count > 0:
            edit_end = inner_end if remove_padding else data_end
            length = end_count + (1 if remove_padding else 0)
            yield Finding(
                f'Spaces inside code span elements [Context: "{context}"]',
                doc.position(max(data_end - 1, data_start))[0],
                context=context,
                fix=(TextEdit(edit_end - length, edit_end, ""),),
            )


class CodeBlockStyleParams(RuleParams):
    """Params of MD046 (code-block-style)."""

    style: Annotated[Literal["consistent", "fenced", "indented"], FALSY_IS_DEFAULT] = "consistent"


@rule(
    "MD046",
    "code-block-style",
    "markdown",
    "warning",
    "Code block style",
    why="Mixed code block styles make the source inconsistent; indented blocks cannot name a language.",
    good="```sh\nls\n```\n",
    bad="```sh\nls\n```\n\n    pwd\n",
    params=CodeBlockStyleParams,
)
def code_block_style(ctx: CheckContext, params: CodeBlockStyleParams) -> Iterable[Finding]:
    expected: str = params.style
    for block in _code_blocks(ctx.doc):
        actual = "indented" if block.kind == "indented" else "fenced"
        if expected == "consistent":
            expected = actual
        if actual != expected:
            yield Finding(f"Code block style [Expected: {expected}; Actual: {actual}]", block.start_line)


@rule(
    "MD047",
    "single-trailing-newline",
    "markdown",
    "warning",
    "Files should end with a single newline character",
    why="Tools expect text files to end with one newline; a missing or extra one shows up in every diff.",
    good="Text.\n",
    bad="Text.",
    fixable=True,
)
def single_trailing_newline(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    last = len(doc.lines)
    if last <= first_body_index(doc) or is_blank_line(doc, last):
        return
    yield Finding(
        "Files should end with a single newline character",
        last,
        max(len(doc.lines[-1]), 1),
        fix=(TextEdit(len(doc.text), len(doc.text), newline(doc)),),
    )


_BEFORE_FENCE = re.compile(r"[ \t>\-*+0-9.)]*")


class CodeFenceStyleParams(RuleParams):
    """Params of MD048 (code-fence-style)."""

    style: Annotated[Literal["consistent", "backtick", "tilde"], FALSY_IS_DEFAULT] = "consistent"


@rule(
    "MD048",
    "code-fence-style",
    "markdown",
    "warning",
    "Code fence style",
    why="Mixed fence characters make the source inconsistent.",
    good="```sh\nls\n```\n",
    bad="```sh\nls\n```\n\n~~~sh\npwd\n~~~\n",
    params=CodeFenceStyleParams,
)
def code_fence_style(ctx: CheckContext, params: CodeFenceStyleParams) -> Iterable[Finding]:
    doc = ctx.doc
    expected: str = params.style
    for block in _code_blocks(doc):
        if block.kind == "indented":
            continue
        # the first character after the line's quote and list markers (matched in place: slicing
        # the page from each fence's line to its end was quadratic on a page of fences)
        after = _BEFORE_FENCE.match(doc.masked, doc.line_starts[block.start_line - 1]).end()  # type: ignore[union-attr]  # the pattern matches the empty string: never None
        fence = doc.masked[after : after + 1]
        actual = "tilde" if fence == "~" else "backtick"
        if expected == "consistent":
            expected = actual
        if actual != expected:
            yield Finding(f"Code fence style [Expected: {expected}; Actual: {actual}]", block.start_line)
