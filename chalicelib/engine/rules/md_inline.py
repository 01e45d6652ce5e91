"""markdownlint's inline rules (MD033, MD037, MD039, MD044, MD049, MD050, MD054, MD059), read
from the parse tree's inline nodes (Emphasis, Strong, Link, Image, Code, InlineHtml) and the
masked page text (what the Markdown parser saw)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal
from urllib.parse import urlsplit

from chalicelib.engine.document import Link, ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.md_shared import (
    NodeIndex,
    Spans,
    body_lines,
    node_index,
)
from chalicelib.engine.rules.registry import FALSY_IS_DEFAULT, CheckContext, Finding, NoParams, RuleParams, rule

# HTML tokens of a block. A comment, CDATA section, processing instruction or declaration is
# matched by its opener only, and its closer found with str.find (_block_tags): the lazy
# `<!--.*?-->` scanned to the block's end from every unclosed opener, quadratic on a line of
# `<!-- ` repeated.
_HTML_TOKEN = re.compile(
    r"(?P<opener><!--|<!\[CDATA\[|<\?|<![A-Za-z])"
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>"
    r"|<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
    r"|(?P<ticks>`+)",
)
# opener -> (its closer, where the search for the closer starts after the opener's start)
_HTML_CLOSERS = {"<!--": ("-->", 4), "<![CDATA[": ("]]>", 9), "<?": ("?>", 2)}
_TAG_NAME = re.compile(r"<([^!>][^/\s>]*)")  # markdownlint's getHtmlTagInfo
# a run of one marker character; `([*_])\1*` finds the same runs as `\*+|_+` three times faster
# (the alternation is tried at every position of the page, the class is a quick first test)
_EMPHASIS_RUN = re.compile(r"([*_])\1*")
_NORMALIZE_PUNCTUATION = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")
_LEADING_SPACE = re.compile(r"^[^\S\r\n]*")
_TRAILING_SPACE = re.compile(r"[^\S\r\n]*$")
# Spaces (not line breaks) then a non-space, from an opening marker's end: `^\s+\S` in the
# rest of its line, matched in place (slicing the rest of the line per marker was quadratic).
_SPACES_AFTER = re.compile(r"[^\S\n]+\S")
_BACKSLASH_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def _in_table(index: NodeIndex, position: int) -> bool:
    return any(index.nodes[ancestor].kind == "Table" for ancestor in index.ancestors(position))


class InlineHtmlParams(RuleParams):
    """Params of MD033 (no-inline-html). `table_allowed_elements` defaults to `allowed_elements`."""

    allowed_elements: tuple[str, ...] = ()
    table_allowed_elements: tuple[str, ...] = ()


@rule(
    "MD033",
    "no-inline-html",
    "markdown",
    "warning",
    "Inline HTML",
    why="Raw HTML bypasses the site's styling and sanitising, and many Markdown tools drop it.",
    good="Press **Save**.\n",
    bad="Press <b>Save</b>.\n",
    params=InlineHtmlParams,
)
def no_inline_html(ctx: CheckContext, params: InlineHtmlParams) -> Iterable[Finding]:
    doc = ctx.doc
    index = node_index(ctx)
    allowed = {str(name).lower() for name in params.allowed_elements}
    table_allowed = {str(name).lower() for name in params.table_allowed_elements or params.allowed_elements}
    found: list[tuple[int, str, bool]] = []  # (offset, name, in a table)
    for position in index.of("InlineHtml", "HtmlBlock"):
        node = index.nodes[position]
        if node.kind == "InlineHtml":
            name = _opening_tag_name(doc.masked, node.start, node.end)
            if name:
                found.append((node.start, name, _in_table(index, position)))
            continue
        found.extend((offset, name, False) for offset, name in _block_tags(doc.masked, node.start, node.end))
    for offset, name, in_table in found:
        lowered = name.lower()
        if (in_table or lowered not in allowed) and (not in_table or lowered not in table_allowed):
            line, column = doc.position(offset)
            yield Finding(f"Inline HTML [Element: {name}]", line, column, context=name)


def _block_tags(text: str, start: int, end: int) -> Iterable[tuple[int, str]]:
    """Opening tags of an HTML block, as markdownlint finds them (it reads the block as inline
    Markdown again: comments hide tags, and so do code spans)."""
    position = start
    closers: dict[str, tuple[int, int]] = {}  # closer -> (searched from, first found there or -1)
    while True:
        match = _HTML_TOKEN.search(text, position, end)
        if match is None:
            return
        opener = match.group("opener")
        if opener:
            closer, skip = _HTML_CLOSERS.get(opener, (">", 2))  # else a declaration, `<!X...>`
            found = _find_closer(text, closer, match.start() + skip, end, closers)
            if found < 0:  # unclosed: not a token here (nothing else starts with `<!` or `<?`)
                position = match.start() + 1
                continue
            name = _opening_tag_name(text, match.start(), found + len(closer))
            if name:
                yield match.start(), name
            position = found + len(closer)
            continue
        ticks = match.group("ticks")
        if ticks:
            closing = text.find(ticks, match.end(), end)
            while closing >= 0 and text[closing + len(ticks) : closing + len(ticks) + 1] == "`":
                closing = text.find(ticks, closing + len(ticks) + 1, end)
            position = closing + len(ticks) if closing >= 0 else match.end()
            continue
        name = _opening_tag_name(text, match.start(), match.end())
        if name:
            yield match.start(), name
        position = match.end()


def _find_closer(text: str, closer: str, start: int, end: int, cache: dict[str, tuple[int, int]]) -> int:
    """text.find(closer, start, end) for non-decreasing `start`s, reusing the last answer while it
    still holds (an unclosed opener stays unclosed for every later one), so a block of many
    openers is searched once per closer, not once per opener."""
    searched, found = cache.get(closer, (-1, -1))
    if 0 <= searched <= start and (found < 0 or found >= start):
        return found
    found = text.find(closer, start, end)
    cache[closer] = (start, found)
    return found


def _opening_tag_name(text: str, start: int, end: int) -> str | None:
    """The element name of an opening tag (or processing instruction), None for anything else."""
    match = _TAG_NAME.match(text, start, end)
    if match is None or match.group(1).startswith("/"):
        return None
    return match.group(1)


@rule(
    "MD037",
    "no-space-in-emphasis",
    "markdown",
    "warning",
    "Spaces inside emphasis markers",
    why="With spaces inside the markers, the text is not emphasised: the asterisks show.",
    good="This is **bold** text.\n",
    bad="This is ** bold ** text.\n",
    fixable=True,
)
def no_space_in_emphasis(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    text = doc.masked
    if "*" not in text and "_" not in text:
        return
    index = node_index(ctx)
    nodes = index.nodes
    matched: set[int] = set()
    excluded: list[tuple[int, int]] = []
    for position in index.of("Emphasis", "Strong"):
        node = nodes[position]
        width = 2 if node.kind == "Strong" else 1
        matched.update(range(node.start, node.start + width))
        matched.update(range(node.end - width, node.end))
    for position in index.of("Code", "InlineHtml", "HtmlBlock", "CodeBlock", "Link", "Image", "Rule", "Item"):
        node = nodes[position]
        if node.kind in ("Link", "Image"):
            excluded.extend(_link_non_label(text, node.start, node.end))
        elif node.kind == "Item":  # the bullet
            first = node.start
            while first < node.end and text[first] in " \t":
                first += 1
            excluded.append((first, first + 1))
        else:
            excluded.append((node.start, node.end))
    excluded.extend((start, end) for start, end, _url in doc.bare_urls)
    hidden = Spans(excluded)
    groups: dict[tuple[int, str], list[tuple[int, int]]] = {}
    first = doc.line_starts[body_lines(doc).start] if len(doc.lines) else 0
    for match in _EMPHASIS_RUN.finditer(text, first):
        run_start = match.start()
        if run_start and text[run_start - 1] == "\\":
            run_start += 1
        for start, end in _literal_parts(run_start, match.end(), matched):
            if end - start > 3 or hidden.covers(start):
                continue
            container = index.innermost(start)
            if container is None:
                continue
            groups.setdefault((container, text[start:end]), []).append((start, end))
    found = []  # (offset of the spaces, how many, context)
    for (_container_at, marker), runs in groups.items():
        for pair in range(0, len(runs) - 1, 2):
            (_open_start, open_end), (close_start, _close_end) = runs[pair], runs[pair + 1]
            spaces = _SPACES_AFTER.match(text, open_end)
            if spaces:
                found.append((open_end, len(spaces.group()) - 1, f"{marker}{spaces.group()}"))
            before = _spaces_before(text, close_start)
            if before:
                count = len(before) - 1
                found.append((close_start - count, count, f"{before}{marker}"))
    for start, count, context in sorted(found):
        line, column = doc.position(start)
        yield Finding(
            f'Spaces inside emphasis markers [Context: "{context}"]',
            line,
            column,
            context=context,
            fix=(TextEdit(start, start + count, ""),),
        )


def _spaces_before(text: str, end: int) -> str | None:
    """The spaces (not line breaks) right before `end` and the character before them, when that
    character is on the same line and not a space: what `\\S\\s+$` finds in the line up to `end`.
    Walks back over the spaces only (searching the line from its start per closing marker was
    quadratic on a long line)."""
    start = end
    while start > 0 and text[start - 1] != "\n" and text[start - 1].isspace():
        start -= 1
    if start == end or start == 0 or text[start - 1] == "\n":
        return None
    return text[start - 1 : end]


def _literal_parts(start: int, end: int, matched: set[int]) -> Iterable[tuple[int, int]]:
    """The pieces of a delimiter run that no emphasis used: literal text for the parser."""
    piece = None
    for offset in range(start, end):
        if offset in matched:
            if piece is not None:
                yield piece, offset
                piece = None
        elif piece is None:
            piece = offset
    if piece is not None:
        yield piece, end


def _link_non_label(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a link that are not its label: the destination, title and reference."""
    label_end = _label_end(text, start, end)
    if label_end is None:
        return [(start, end)]
    return [(label_end, end)]


def _label_end(text: str, start: int, end: int) -> int | None:
    """Offset of the `]` closing a link's label (None for autolinks)."""
    if text[start : start + 1] == "!":
        start += 1
    if text[start : start + 1] != "[":
        return None
    depth = 0
    position = start
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "`":
            ticks = len(text[position:end]) - len(text[position:end].lstrip("`"))
            closing = text.find("`" * ticks, position + ticks, end)
            position = closing + ticks if closing >= 0 else position + ticks
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _link_labels(ctx: CheckContext) -> Iterator[tuple[int, int, int]]:
    """(node position, label start, label end) of each link node written with a `[label]`."""
    text = ctx.doc.masked
    index = node_index(ctx)
    for position in index.of("Link"):
        node = index.nodes[position]
        label_end = _label_end(text, node.start, node.end)
        if label_end is not None:
            yield position, node.start + 1, label_end


@rule(
    "MD039",
    "no-space-in-links",
    "markdown",
    "warning",
    "Spaces inside link text",
    why="Spaces inside link text are underlined with the link and look like a mistake.",
    good="[Guide](https://docs.example/guide)\n",
    bad="[ Guide ](https://docs.example/guide)\n",
    fixable=True,
)
def no_space_in_links(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    text = doc.masked
    index = node_index(ctx)
    for position, label_start, label_end in _link_labels(ctx):
        node = index.nodes[position]
        label = text[label_start:label_end]
        context = _SPACES.sub(" ", text[node.start : node.end])
        leading = len(_LEADING_SPACE.match(label).group())  # type: ignore[union-attr]  # the pattern matches the empty string: never None
        if len(label.lstrip()) != len(label):
            line = doc.position(label_start)[0] + (0 if leading else 1)
            fix = (TextEdit(label_start, label_start + leading, ""),) if leading else None
            yield Finding(f'Spaces inside link text [Context: "{context}"]', line, context=context, fix=fix)
        trailing = len(_TRAILING_SPACE.search(label).group())  # type: ignore[union-attr]  # the pattern matches the empty string: never None
        if len(label.rstrip()) != len(label):
            line = doc.position(label_end)[0] - (0 if trailing else 1)
            fix = (TextEdit(label_end - trailing, label_end, ""),) if trailing else None
            yield Finding(f'Spaces inside link text [Context: "{context}"]', line, context=context, fix=fix)


class ProperNamesParams(RuleParams):
    """Params of MD044 (proper-names)."""

    names: tuple[str, ...] = ()
    code_blocks: bool = True
    html_elements: bool = True


@rule(
    "MD044",
    "proper-names",
    "markdown",
    "warning",
    "Proper names should have the correct capitalization",
    why="Misspelled product and technology names look careless and hurt search.",
    good="Use JavaScript.\n",
    bad="Use javascript.\n",
    example_params={"names": ["JavaScript"]},
    fixable=True,
    params=ProperNamesParams,
)
def proper_names(ctx: CheckContext, params: ProperNamesParams) -> Iterable[Finding]:
    names = sorted({str(name) for name in params.names}, key=lambda name: (-len(name), name))
    if not names:
        return
    doc = ctx.doc
    text = doc.masked
    include_code = params.code_blocks
    include_html = params.html_elements
    hidden = Spans(_proper_name_exclusions(ctx, include_code, include_html))
    first = doc.line_starts[body_lines(doc).start] if doc.lines else 0
    taken: list[tuple[int, int]] = []
    for name in names:
        start_pattern = "" if re.match(r"^\W", name, re.ASCII) else r"\b_*"
        end_pattern = "" if re.search(r"\W$", name, re.ASCII) else r"_*\b"
        pattern = re.compile(f"({start_pattern})({re.escape(name)}){end_pattern}", re.IGNORECASE | re.ASCII)
        for match in pattern.finditer(text, first):
            start, end = match.start(2), match.end(2)
            if hidden.covers(start) or "\n" in text[start:end]:
                continue
            found = match.group(2)
            if found not in names and not any(s < end and start < e for s, e in taken):
                line, column = doc.position(start)
                yield Finding(
                    f"Proper names should have the correct capitalization [Expected: {name}; Actual: {found}]",
                    line,
                    column,
                    context=found,
                    fix=(TextEdit(start, end, name),),
                )
            taken.append((start, end))


def _proper_name_exclusions(ctx: CheckContext, include_code: bool, include_html: bool) -> list[tuple[int, int]]:
    """Text MD044 does not read: link destinations and references, definitions, bare URLs,
    autolinks, fence lines, and code or HTML when switched off."""
    doc = ctx.doc
    index = node_index(ctx)
    text = doc.masked
    spans: list[tuple[int, int]] = []
    for position in index.of("Link", "Image"):
        node = index.nodes[position]
        spans.extend(_link_non_label(text, node.start, node.end))
    spans.extend((start, end) for start, end, _url in doc.bare_urls)
    spans.extend((definition.start, definition.end) for definition in doc.reference_definitions)
    for block in doc.code_blocks:
        if not include_code:
            end = doc.line_starts[block.end_line - 1] + len(doc.lines[block.end_line - 1])
            spans.append((doc.line_starts[block.start_line - 1], end))
        elif block.kind != "indented":
            for line in (block.start_line, block.end_line):
                start = doc.line_starts[line - 1]
                spans.append((start, start + len(doc.lines[line - 1])))
    if not include_code:
        spans.extend(doc.code_spans)
    if not include_html:
        for position in index.of("InlineHtml", "HtmlBlock"):
            node = index.nodes[position]
            spans.append((node.start, node.end))
    else:
        for position in index.of("InlineHtml"):
            node = index.nodes[position]
            if text.startswith("<!--", node.start):
                spans.append((node.start, node.end))
    for position in index.of("HtmlBlock"):
        node = index.nodes[position]
        for match in re.finditer(r"<!--.*?-->", text[node.start : node.end], re.DOTALL):
            spans.append((node.start + match.start(), node.start + match.end()))
    return spans


class EmphasisStyleParams(RuleParams):
    """Params of MD049 and MD050 (emphasis-style, strong-style)."""

    style: Annotated[Literal["consistent", "asterisk", "underscore"], FALSY_IS_DEFAULT] = "consistent"


def _emphasis_style(ctx: CheckContext, params: EmphasisStyleParams, kind: str, width: int) -> Iterable[Finding]:
    doc = ctx.doc
    text = doc.masked
    index = node_index(ctx)
    style: str = params.style
    markers = {"asterisk": "*" * width, "underscore": "_" * width}
    for position in index.of(kind):
        node = index.nodes[position]
        actual = "asterisk" if text[node.start] == "*" else "underscore"
        if style == "consistent":
            style = actual
        if style == actual or style not in markers:
            continue
        if style == "underscore" and (
            (node.start and _is_word(text[node.start - 1])) or (node.end < len(text) and _is_word(text[node.end]))
        ):
            continue
        for start in (node.start, node.end - width):
            line, column = doc.position(start)
            yield Finding(
                f"{'Strong' if kind == 'Strong' else 'Emphasis'} style [Expected: {style}; Actual: {actual}]",
                line,
                column,
                fix=(TextEdit(start, start + width, markers[style]),),
            )


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


@rule(
    "MD049",
    "emphasis-style",
    "markdown",
    "warning",
    "Emphasis style",
    why="Mixed emphasis markers make the source inconsistent and harder to edit.",
    good="Some *emphasis* and *more*.\n",
    bad="Some *emphasis* and _more_.\n",
    fixable=True,
    params=EmphasisStyleParams,
)
def emphasis_style(ctx: CheckContext, params: EmphasisStyleParams) -> Iterable[Finding]:
    return _emphasis_style(ctx, params, "Emphasis", 1)


@rule(
    "MD050",
    "strong-style",
    "markdown",
    "warning",
    "Strong style",
    why="Mixed strong markers make the source inconsistent and harder to edit.",
    good="Some **strong** and **more**.\n",
    bad="Some **strong** and __more__.\n",
    fixable=True,
    params=EmphasisStyleParams,
)
def strong_style(ctx: CheckContext, params: EmphasisStyleParams) -> Iterable[Finding]:
    return _emphasis_style(ctx, params, "Strong", 2)


def _autolinkable(destination: str) -> bool:
    """markdownlint's test: an absolute URL (WHATWG parses it) without spaces or angle brackets."""
    if not destination or any(char in destination for char in " <>"):
        return False
    try:
        parts = urlsplit(destination)
    except ValueError:
        return False
    return bool(parts.scheme) and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme) is not None


class LinkImageStyleParams(RuleParams):
    """Params of MD054 (link-image-style). Which link and image styles are allowed."""

    autolink: bool = True
    inline: bool = True
    full: bool = True
    collapsed: bool = True
    shortcut: bool = True
    url_inline: bool = True


@rule(
    "MD054",
    "link-image-style",
    "markdown",
    "warning",
    "Link and image style",
    why="A consistent link style keeps the source readable and easy to maintain.",
    good="See [the guide](https://docs.example/guide).\n",
    bad="See <https://docs.example/guide>.\n",
    example_params={"autolink": False},
    fixable=True,
    params=LinkImageStyleParams,
)
def link_image_style(ctx: CheckContext, params: LinkImageStyleParams) -> Iterable[Finding]:
    allowed = {key: getattr(params, key) for key in _LINK_STYLES}
    if all(allowed.values()):
        return
    doc = ctx.doc
    text = doc.masked
    for link in doc.links:
        if link.kind == "bare":
            continue
        source = text[link.start : link.end]
        label_end = _label_end(text, link.start, link.end)
        label = text[(link.start + (2 if link.is_image else 1)) : label_end] if label_end is not None else link.url
        if link.kind == "autolink":
            is_error = not allowed["autolink"]
        elif link.kind == "inline":
            title = _has_title(text, label_end, link.end)
            is_error = not allowed["inline"] or (
                not allowed["url_inline"]
                and allowed["autolink"]
                and not link.is_image
                and not title
                and label == link.url
                and _autolinkable(link.url)
            )
        else:
            style = {"shortcut": "shortcut", "collapsed": "collapsed", "reference": "full"}[link.kind]
            is_error = bool(link.url) and not allowed[style]
        if not is_error:
            continue
        fix = None
        if "\n" not in source:
            replacement = None
            can_inline = allowed["inline"] and label
            can_autolink = allowed["autolink"] and not link.is_image and _autolinkable(link.url)
            if can_inline and (allowed["url_inline"] or not can_autolink):
                escaped_label = re.sub(r"[\[\]]", r"\\\g<0>", label)
                escaped_url = re.sub(r"[()]", r"\\\g<0>", link.url)
                replacement = f"{'!' if link.is_image else ''}[{escaped_label}]({escaped_url})"
            elif can_autolink:
                replacement = "<" + _BACKSLASH_ESCAPE.sub(r"\1", link.url) + ">"
            if replacement:
                fix = (TextEdit(link.start, link.end, replacement),)
        context = source.replace("\n", "")
        yield Finding(f'Link and image style [Context: "{context}"]', link.line, link.column, context=context, fix=fix)


_LINK_STYLES = ("autolink", "inline", "full", "collapsed", "shortcut", "url_inline")


def _has_title(text: str, label_end: int | None, end: int) -> bool:
    if label_end is None:
        return False
    resource = text[label_end + 1 : end].strip()[1:-1].strip()
    return bool(re.search(r"\s[\"'(]", resource))


_PROHIBITED = ("click here", "here", "link", "more")


def _normalize(text: str) -> str:
    return _SPACES.sub(" ", _NORMALIZE_PUNCTUATION.sub(" ", text)).lower().strip()


class DescriptiveLinkTextParams(RuleParams):
    """Params of MD059 (descriptive-link-text)."""

    prohibited_texts: Annotated[tuple[str, ...], FALSY_IS_DEFAULT] = ("click here", "here", "link", "more")


@rule(
    "MD059",
    "descriptive-link-text",
    "markdown",
    "warning",
    "Link text should be descriptive",
    why="Screen reader users often jump from link to link; 'click here' tells them nothing about where it goes.",
    good="Read [the installation guide](install.md).\n",
    bad="Read the guide [here](install.md).\n",
    params=DescriptiveLinkTextParams,
)
def descriptive_link_text(ctx: CheckContext, params: DescriptiveLinkTextParams) -> Iterable[Finding]:
    prohibited = {_normalize(str(item)) for item in params.prohibited_texts}
    if not prohibited:
        return
    doc = ctx.doc
    text = doc.masked
    index = node_index(ctx)
    for position, label_start, label_end in _link_labels(ctx):
        if any(index.nodes[child].kind in ("Code", "InlineHtml") for child in _descendants(index, position)):
            continue
        node = index.nodes[position]
        label = text[label_start:label_end]
        if _normalize(label) in prohibited:
            line, column = doc.position(node.start + 1)
            context = text[node.start : node.end]
            yield Finding(f'Link text should be descriptive [Context: "{context}"]', line, column, context=context)


def _descendants(index: NodeIndex, position: int) -> Iterable[int]:
    for child in index.kids(position):
        yield child
        yield from _descendants(index, child)


def link_label(doc: ParsedDocument, link: Link) -> str | None:
    """A link's label as written, without its brackets (None for autolinks)."""
    end = _label_end(doc.masked, link.start, link.end)
    return None if end is None else doc.masked[link.start + (2 if link.is_image else 1) : end]
