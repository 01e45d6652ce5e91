"""Markdown rules with markdownlint's ids, aliases, params and semantics (markdownlint 0.40),
so a page gets the same (rule, line) results here as from markdownlint-cli2, plus an
unclosed-fence rule markdownlint does not have. Rules read the parsed document (headings,
links, code blocks, tables, lines) and never re-parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated
from urllib.parse import quote

from pydantic import Field

from chalicelib.engine.document import CodeBlock, Heading, Node, ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.parse import anchor_of
from chalicelib.engine.rules.code import detect_language
from chalicelib.engine.rules.md_shared import (
    ATX_OPEN,
    DEFAULT_TITLE,
    JS_WHITESPACE,
    Spans,
    body_lines,
    code_lines,
    front_matter_has_title,
    heading_source,
    in_code_span,
    last_content_line,
    line_edit,
    node_index,
    paragraph_ranges,
)
from chalicelib.engine.rules.registry import (
    FALSY_IS_DEFAULT,
    CheckContext,
    Finding,
    NoParams,
    RegexText,
    RuleParams,
    rule,
)

_ALL_PUNCTUATION = ".,;:!?。，；：！？"
_FULL_REFERENCE = re.compile(r"(?<![\\\]])\[((?:[^\[\]\\]|\\.)*)\]\[((?:[^\[\]\\]|\\.)*)\](?![(:\[])")
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)  # [^<>]: an unclosed tag ends at the next one
_ALT = re.compile(r"\salt\s*=", re.IGNORECASE)
_ARIA_HIDDEN = re.compile(r"""\saria-hidden\s*=\s*["']?true""", re.IGNORECASE)
_HTML_ID = re.compile(r"""<[A-Za-z][^<>]*?\s(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_CUSTOM_ANCHOR = re.compile(r"\{(#[a-z\d]+(?:[-_][a-z\d]+)*)\}")
_LINE_FRAGMENT = re.compile(r"^#(?:L\d+(?:C\d+)?-L\d+(?:C\d+)?|L\d+)$")
_URI_SAFE = "-_.!~*'()"
_SHORTCUT_REFERENCE = re.compile(r"(?<![\\\]])\[((?:[^\[\]\\]|\\.)+)\](?![(:\[])(?P<none>)")
_BRACKET = re.compile(r"(?<!\\)[\[\]]")
_TAG_NAME = re.compile(r"<(/?)([^!>/\s][^/\s>]*)")


class HeadingIncrementParams(RuleParams):
    """Params of MD001 (heading-increment)."""

    front_matter_title: RegexText = DEFAULT_TITLE


@rule(
    "MD001",
    "heading-increment",
    "markdown",
    "warning",
    "Heading levels should only increment by one level at a time",
    why="Skipped heading levels break the outline that screen readers and tables of contents build from the headings.",
    good="# Title\n\n## Section\n\n### Detail\n",
    bad="# Title\n\n### Detail\n",
    fixable=True,
    params=HeadingIncrementParams,
)
def heading_increment(ctx: CheckContext, params: HeadingIncrementParams) -> Iterable[Finding]:
    doc = ctx.doc
    previous = 1 if front_matter_has_title(doc, params.front_matter_title) else 7
    for heading in doc.headings:
        if heading.level > previous + 1:
            expected = previous + 1
            yield Finding(
                f"Heading levels should only increment by one level at a time "
                f"[Expected: h{expected}; Actual: h{heading.level}]",
                heading.line,
                context=doc.lines[heading.line - 1].strip(),
                fix=_relevel(doc, heading, expected),
            )
        previous = heading.level


def _relevel(doc: ParsedDocument, heading: Heading, level: int) -> tuple[TextEdit, ...] | None:
    if heading.style != "atx":
        return None
    line = doc.lines[heading.line - 1]
    match = ATX_OPEN.match(line)
    if not match:
        return None
    start = doc.line_starts[heading.line - 1] + match.start(1)
    return (TextEdit(start, start + len(match.group(1)), "#" * level),)


class TrailingSpacesParams(RuleParams):
    """Params of MD009 (no-trailing-spaces)."""

    br_spaces: int = 2
    code_blocks: bool = False
    list_item_empty_lines: bool = False
    strict: bool = False


@rule(
    "MD009",
    "no-trailing-spaces",
    "markdown",
    "warning",
    "Trailing spaces",
    why="Trailing spaces are invisible noise in diffs, and two of them make an unintended hard line break.",
    good="A line.\nA hard break  \nnext line\n",
    bad="A line with trailing spaces   \n",
    fixable=True,
    params=TrailingSpacesParams,
)
def no_trailing_spaces(ctx: CheckContext, params: TrailingSpacesParams) -> Iterable[Finding]:
    doc = ctx.doc
    br_spaces = params.br_spaces
    expected = 0 if br_spaces < 2 else br_spaces
    skipped = set() if params.code_blocks else code_lines(ctx, inner_fences=True)
    strict = params.strict
    lines = doc.lines
    list_lines = _list_lines(ctx) if params.list_item_empty_lines else set()
    breaks: set[int] = set()  # lines where a hard break may end (strict): inside paragraphs, not code
    if strict:
        breaks = {line for first, last in paragraph_ranges(ctx) for line in range(first, last)}
        for start, end in doc.code_spans:
            breaks.difference_update(range(doc.position(start)[0], doc.position(max(end - 1, start))[0]))
    for index in body_lines(doc):
        line = lines[index]
        if not line or line[-1] not in JS_WHITESPACE:
            continue
        trimmed = len(line.rstrip(JS_WHITESPACE))
        trailing = len(line) - trimmed
        if index + 1 in skipped or index + 1 in list_lines:
            continue
        if trailing == expected and not (strict and index + 1 not in breaks):
            continue
        start = doc.line_starts[index] + trimmed
        yield Finding(
            f"Trailing spaces [Expected: {'0 or ' if expected else ''}{expected}; Actual: {trailing}]",
            index + 1,
            trimmed + 1,
            end_line=index + 1,
            end_column=len(line),
            fix=(TextEdit(start, start + trailing, ""),),
        )


def _list_lines(ctx: CheckContext) -> set[int]:
    """Lines inside lists (MD009 `list_item_empty_lines`: indented blank lines there are allowed)."""
    doc = ctx.doc
    index = node_index(ctx)
    lines: set[int] = set()
    for position in index.of("List"):
        node = index.nodes[position]
        lines.update(range(doc.position(node.start)[0], last_content_line(doc, node.start, node.end) + 1))
    return lines


class MultipleBlanksParams(RuleParams):
    """Params of MD012 (no-multiple-blanks)."""

    maximum: Annotated[int, FALSY_IS_DEFAULT] = 1


@rule(
    "MD012",
    "no-multiple-blanks",
    "markdown",
    "warning",
    "Multiple consecutive blank lines",
    why="Runs of blank lines are noise in the source and diffs; one blank line separates blocks.",
    good="Para one.\n\nPara two.\n",
    bad="Para one.\n\n\nPara two.\n",
    fixable=True,
    params=MultipleBlanksParams,
)
def no_multiple_blanks(ctx: CheckContext, params: MultipleBlanksParams) -> Iterable[Finding]:
    doc = ctx.doc
    maximum = params.maximum
    in_code = code_lines(ctx, inner_fences=False)
    count = 0
    lines = doc.lines
    for index in body_lines(doc):
        line = lines[index]
        count = 0 if (line.strip(JS_WHITESPACE) or index + 1 in in_code) else count + 1
        if count > maximum:
            yield Finding(
                f"Multiple consecutive blank lines [Expected: {maximum}; Actual: {count}]",
                index + 1,
                fix=(line_edit(doc, index + 1),),
            )


class DuplicateHeadingParams(RuleParams):
    """Params of MD024 (no-duplicate-heading)."""

    siblings_only: bool = False


@rule(
    "MD024",
    "no-duplicate-heading",
    "markdown",
    "warning",
    "Multiple headings with the same content",
    why="Duplicate headings get ambiguous anchors, so links to the second one reach the first.",
    good="# Title\n\n## Install\n\n## Use\n",
    bad="# Title\n\n## Install\n\n## Install\n",
    params=DuplicateHeadingParams,
)
def no_duplicate_heading(ctx: CheckContext, params: DuplicateHeadingParams) -> Iterable[Finding]:
    doc = ctx.doc
    siblings_only = params.siblings_only
    known: list[set[str]] = [set() for _ in range(8)]
    last_level = 1
    for heading in doc.headings:
        text = heading_source(doc, heading)
        bucket = known[1]
        if siblings_only:
            while last_level < heading.level:
                last_level += 1
                known[last_level] = set()
            while last_level > heading.level:
                known[last_level] = set()
                last_level -= 1
            bucket = known[heading.level]
        if text in bucket:
            yield Finding(f'Multiple headings with the same content [Context: "{text}"]', heading.line, context=text)
        else:
            bucket.add(text)


class SingleTitleParams(RuleParams):
    """Params of MD025 (single-title)."""

    level: Annotated[int, FALSY_IS_DEFAULT] = Field(1, ge=1, le=6)
    front_matter_title: RegexText = DEFAULT_TITLE


@rule(
    "MD025",
    "single-title",
    "markdown",
    "warning",
    "Multiple top-level headings in the same document",
    why="A page has one title; a second top-level heading breaks the outline and search snippets.",
    good="# Title\n\n## Part\n",
    bad="# Title\n\n# Another title\n",
    other_aliases=("single-h1",),
    params=SingleTitleParams,
)
def single_title(ctx: CheckContext, params: SingleTitleParams) -> Iterable[Finding]:
    doc = ctx.doc
    level = params.level
    matching = [heading for heading in doc.headings if heading.level == level]
    if not matching:
        return
    has_title = front_matter_has_title(doc, params.front_matter_title)
    if not has_title:
        first = first_content(doc)
        if first is None or first[1] != matching[0].line:
            return
    for heading in matching[0 if has_title else 1 :]:
        text = heading_source(doc, heading)
        yield Finding(
            f'Multiple top-level headings in the same document [Context: "{text}"]', heading.line, context=text
        )


@rule(
    "MD034",
    "no-bare-urls",
    "markdown",
    "warning",
    "Bare URL used",
    why="Bare URLs are not links in every renderer, and they read poorly.",
    good="See <https://example.com>.\n",
    bad="See https://example.com.\n",
    fixable=True,
)
def no_bare_urls(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    if not doc.bare_urls:
        return
    hidden = _urls_micromark_skips(ctx)
    for start, end, url in doc.bare_urls:
        if hidden.covers(start):
            continue
        line, column = doc.position(start)
        yield Finding(
            f'Bare URL used [Context: "{url}"]',
            line,
            column,
            end_line=line,
            end_column=column + len(url) - 1,
            context=url,
            fix=(TextEdit(start, end, f"<{url}>"),),
        )


def _urls_micromark_skips(ctx: CheckContext) -> Spans:
    """Where a bare URL is not one for markdownlint: after a `[` not yet closed in the same
    text (micromark's autolink literals do not start inside a possible link label), and
    between an inline HTML element's open and close tags (MD034 skips their content)."""
    doc = ctx.doc
    index = node_index(ctx)
    text = doc.masked
    spans: list[tuple[int, int]] = []
    blocks = {index.innermost(start) for start, _end, _url in doc.bare_urls}
    for block in blocks:
        if block is None:
            continue
        node = index.nodes[block]
        skipped = Spans(
            (child.start, child.end)
            for child in map(index.nodes.__getitem__, index.kids(block))
            if child.kind in ("Code", "InlineHtml")
        )
        depth = 0
        opened = 0
        for match in _BRACKET.finditer(text, node.start, node.end):
            if skipped.covers(match.start()):
                continue
            if match.group() == "[":
                if depth == 0:
                    opened = match.start()
                depth += 1
            elif match.group() == "]" and depth:
                depth -= 1
                if depth == 0:
                    spans.append((opened, match.start()))
        if depth:
            spans.append((opened, node.end))
        spans.extend(_html_element_contents(text, [index.nodes[child] for child in index.kids(block, "InlineHtml")]))
    return Spans(spans)


def _html_element_contents(text: str, tags: list[Node]) -> Iterable[tuple[int, int]]:
    """(open tag start, close tag end) of inline HTML elements closed in the same text."""
    parsed = []
    for tag in tags:
        match = _TAG_NAME.match(text, tag.start, tag.end)
        if match:
            parsed.append((tag, match.group(2), bool(match.group(1))))
    for position, (tag, name, closing) in enumerate(parsed):
        if closing:
            continue
        count = 1
        for other, other_name, other_closing in parsed[position + 1 :]:
            if other_name == name:
                count += -1 if other_closing else 1
                if count == 0:
                    yield tag.start, other.end
                    break


class EmphasisAsHeadingParams(RuleParams):
    """Params of MD036 (no-emphasis-as-heading)."""

    punctuation: str = _ALL_PUNCTUATION


@rule(
    "MD036",
    "no-emphasis-as-heading",
    "markdown",
    "warning",
    "Emphasis used instead of a heading",
    why="Bold text used as a heading is missing from the outline, anchors and table of contents.",
    good="## Note\n\nText.\n",
    bad="**Note**\n\nText.\n",
    params=EmphasisAsHeadingParams,
)
def no_emphasis_as_heading(ctx: CheckContext, params: EmphasisAsHeadingParams) -> Iterable[Finding]:
    punctuation = params.punctuation
    for line, _column, text in ctx.doc.emphasis_paragraphs:
        if punctuation and text[-1] in punctuation:
            continue
        yield Finding(f'Emphasis used instead of a heading [Context: "{text}"]', line, context=text)


class FencedCodeLanguageParams(RuleParams):
    """Params of MD040 (fenced-code-language)."""

    allowed_languages: tuple[str, ...] = ()
    language_only: bool = False


@rule(
    "MD040",
    "fenced-code-language",
    "markdown",
    "warning",
    "Fenced code blocks should have a language specified",
    why="Without a language the code is not highlighted and cannot be checked.",
    good='```java\nimport com.aspose.words.Document;\n\nDocument doc = new Document("in.docx");\n'
    "System.out.println(doc.getText());\n```\n",
    bad='```\nimport com.aspose.words.Document;\n\nDocument doc = new Document("in.docx");\n'
    "System.out.println(doc.getText());\n```\n",
    fixable=True,
    params=FencedCodeLanguageParams,
)
def fenced_code_language(ctx: CheckContext, params: FencedCodeLanguageParams) -> Iterable[Finding]:
    doc = ctx.doc
    allowed = list(params.allowed_languages)
    for block in doc.code_blocks:
        if block.kind != "fence":
            continue
        info = block.info.strip()
        opening = doc.lines[block.start_line - 1].strip()
        if not info:
            yield Finding(
                "Fenced code blocks should have a language specified",
                block.start_line,
                context=opening,
                fix=_language_fix(block),
            )
        elif allowed and info.split()[0] not in allowed:
            yield Finding(
                f'Fenced code blocks should have a language specified ["{info}" is not allowed]',
                block.start_line,
                context=opening,
            )
        if params.language_only and len(info.split()) > 1:
            yield Finding(f'Info string contains more than language: "{opening}"', block.start_line, context=opening)


def _language_fix(block: CodeBlock) -> tuple[TextEdit, ...] | None:
    """Insert the language the code reads as, when it reads as one."""
    language = detect_language(block.content)[0]
    if language is None or block.label_start is None:
        return None
    return (TextEdit(block.label_start, block.label_start, language),)


class FirstLineHeadingParams(RuleParams):
    """Params of MD041 (first-line-heading)."""

    level: Annotated[int, FALSY_IS_DEFAULT] = Field(1, ge=1, le=6)
    front_matter_title: RegexText = DEFAULT_TITLE
    allow_preamble: bool = False


@rule(
    "MD041",
    "first-line-heading",
    "markdown",
    "warning",
    "First line in a file should be a top-level heading",
    why="A page should open with its title so readers and search engines know what it is about.",
    good="# Title\n\nText.\n",
    bad="Text before any heading.\n\n# Title\n",
    other_aliases=("first-line-h1",),
    params=FirstLineHeadingParams,
)
def first_line_heading(ctx: CheckContext, params: FirstLineHeadingParams) -> Iterable[Finding]:
    doc = ctx.doc
    if front_matter_has_title(doc, params.front_matter_title):
        return
    level = params.level
    first = first_content(doc)
    if first is None:
        return
    kind, line = first
    if kind == f"h{level}" or (kind == "other" and params.allow_preamble):
        return
    yield Finding("First line in a file should be a top-level heading", line, context=doc.lines[line - 1])


def first_content(doc: ParsedDocument) -> tuple[str, int] | None:
    """The first top-level block as markdownlint's MD025/MD041 see it: a link reference
    definition is content too (the parser keeps definitions out of its blocks)."""
    first = doc.first_block
    for definition in doc.reference_definitions[:1]:
        if first is None or definition.line < first[1]:
            return ("other", definition.line)
    return first


def _definitions(doc: ParsedDocument) -> dict[str, str]:
    """Normalised label -> destination of the first definition of each label."""
    found: dict[str, str] = {}
    for definition in doc.reference_definitions:
        found.setdefault(_normalise_label(definition.label), definition.url)
    return found


def _normalise_label(label: str) -> str:
    return " ".join(label.lower().split())


@rule(
    "MD042",
    "no-empty-links",
    "markdown",
    "warning",
    "No empty links",
    why="An empty link looks clickable but goes nowhere.",
    good="[docs](https://docs.example)\n",
    bad="[docs]()\n",
)
def no_empty_links(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    definitions = None
    for link in doc.links:
        if link.is_image or link.kind == "autolink":
            continue
        if link.kind == "inline":
            empty = link.url.strip() in ("", "#")
        else:
            if definitions is None:
                definitions = _definitions(doc)
            empty = definitions.get(_normalise_label(link.label or link.text)) == "#"
        if empty:
            source = doc.text[link.start : link.end]
            yield Finding(f'No empty links [Context: "{source}"]', link.line, link.column, context=source)


@rule(
    "MD045",
    "no-alt-text",
    "markdown",
    "warning",
    "Images should have alternate text (alt text)",
    why="Screen readers announce images by their alt text; without it the image is lost to blind readers.",
    good="![Save dialog](save.png)\n",
    bad="![](save.png)\n",
)
def no_alt_text(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for link in doc.links:
        if link.is_image and doc.text[link.start + 2 : link.start + 3] == "]":
            yield Finding("Images should have alternate text (alt text)", link.line, link.column)
    if "<img" not in doc.text and "<IMG" not in doc.text:
        return
    in_code = code_lines(ctx, inner_fences=False)
    for index in body_lines(doc):
        line = doc.lines[index]
        if "<" not in line or index + 1 in in_code:
            continue
        for match in _IMG_TAG.finditer(line):
            tag = match.group()
            if not _ALT.search(tag) and not _ARIA_HIDDEN.search(tag) and not in_code_span(ctx, index, match.start()):
                yield Finding("Images should have alternate text (alt text)", index + 1, match.start() + 1)


class LinkFragmentsParams(RuleParams):
    """Params of MD051 (link-fragments)."""

    ignore_case: bool = False
    ignored_pattern: RegexText = ""


@rule(
    "MD051",
    "link-fragments",
    "markdown",
    "warning",
    "Link fragments should be valid",
    why="A link to a fragment that does not exist lands at the top of the page, not at the section.",
    good="# Install\n\nSee [install](#install).\n",
    bad="# Install\n\nSee [install](#Install).\n",
    fixable=True,
    params=LinkFragmentsParams,
)
def link_fragments(ctx: CheckContext, params: LinkFragmentsParams) -> Iterable[Finding]:
    doc = ctx.doc
    targets = [
        link
        for link in doc.links
        if not link.is_image and link.kind == "inline" and link.url.startswith("#") and len(link.url) > 1
    ]
    definition_targets = [
        definition
        for definition in doc.reference_definitions
        if definition.url.startswith("#") and len(definition.url) > 1
    ]
    if not targets and not definition_targets:
        return
    fragments = _fragments(ctx)
    ignored = re.compile(params.ignored_pattern or "^$")
    lowered = {fragment.lower(): fragment for fragment in reversed(list(fragments))}
    checks = [(link.url, link.line, link.column, link.url_start, doc.text[link.start : link.end]) for link in targets]
    checks += [
        (definition.url, definition.line, 1, None, doc.lines[definition.line - 1]) for definition in definition_targets
    ]
    for url, line, column, url_start, context in sorted(checks, key=lambda check: (check[1], check[2])):
        encoded = "#" + quote(url[1:], safe=_URI_SAFE)
        if encoded in fragments or _LINE_FRAGMENT.match(encoded) or ignored.search(url[1:]):
            continue
        mixed = lowered.get(url.lower())
        if mixed is not None:
            if params.ignore_case or mixed == url:
                continue
            fix = (
                (TextEdit(url_start, url_start + len(url), mixed),)
                if url_start is not None and doc.text[url_start : url_start + len(url)] == url
                else None
            )
            yield Finding(
                f"Link fragments should be valid [Expected: {mixed}; Actual: {url}]",
                line,
                column,
                context=context,
                fix=fix,
            )
        else:
            yield Finding(f'Link fragments should be valid [Context: "{context}"]', line, column, context=context)


def _fragments(ctx: CheckContext) -> dict[str, int]:
    """Every fragment the page defines: heading ids (with -1, -2 for repeats), custom
    `{#id}` anchors and HTML id/name attributes (markdownlint MD051's set)."""
    doc = ctx.doc
    fragments: dict[str, int] = {"#top": 0}
    for heading in doc.headings:
        source = heading_source(doc, heading)
        text = heading.text
        brace = source.rfind("{")
        if source.endswith("}") and brace >= 0:
            text = f"{text} {source[brace:]}"
        fragment = "#" + quote(anchor_of(text), safe=_URI_SAFE)
        if fragment != "#":
            count = fragments.get(fragment, 0)
            if count:
                fragments[f"{fragment}-{count}"] = 0
            fragments[fragment] = count + 1
            for match in _CUSTOM_ANCHOR.finditer(source):
                fragments.setdefault(match.group(1), 1)
    for index in body_lines(doc):
        line = doc.lines[index]
        if "<" in line and ("id" in line or "name" in line) and index + 1 not in code_lines(ctx, inner_fences=False):
            for match in _HTML_ID.finditer(line):
                fragments.setdefault(f"#{match.group(1)}", 0)
    return fragments


class ReferenceLinksImagesParams(RuleParams):
    """Params of MD052 (reference-links-images)."""

    shortcut_syntax: bool = False
    ignored_labels: tuple[str, ...] = ("x",)


@rule(
    "MD052",
    "reference-links-images",
    "markdown",
    "warning",
    "Reference links and images should use a label that is defined",
    why="A reference to an undefined label renders as literal brackets, not a link.",
    good="See [the guide][guide].\n\n[guide]: https://docs.example/guide\n",
    bad="See [the guide][guide].\n",
    params=ReferenceLinksImagesParams,
)
def reference_links_images(ctx: CheckContext, params: ReferenceLinksImagesParams) -> Iterable[Finding]:
    doc = ctx.doc
    shortcuts = params.shortcut_syntax
    if "][" not in doc.text and not (shortcuts and "]" in doc.text):
        return
    definitions = _definitions(doc)
    ignored = set(params.ignored_labels)
    patterns = (_FULL_REFERENCE, _SHORTCUT_REFERENCE) if shortcuts else (_FULL_REFERENCE,)
    tasks = {doc.position(node.start)[0] for node in doc.nodes if node.kind == "TaskListMarker"} if shortcuts else ()
    for index in body_lines(doc):
        line = doc.lines[index]
        if "]" not in line or not doc.prose_line_mask[index]:
            continue
        for pattern in patterns:
            for match in pattern.finditer(line):
                if pattern is _SHORTCUT_REFERENCE and (match.group(1).startswith("^") or index + 1 in tasks):
                    continue
                label = _normalise_label(match.group(2) or match.group(1))
                if not label or label in definitions or label in ignored or in_code_span(ctx, index, match.start()):
                    continue
                start = match.start()
                if start and line[start - 1] == "!":
                    start -= 1
                context = line[start : match.end()]
                yield Finding(
                    f'Missing link or image reference definition: "{label}"',
                    index + 1,
                    start + 1,
                    end_line=index + 1,
                    end_column=match.end(),
                    context=context,
                )


class ReferenceDefinitionsParams(RuleParams):
    """Params of MD053 (link-image-reference-definitions)."""

    ignored_definitions: tuple[str, ...] = ("//",)


@rule(
    "MD053",
    "link-image-reference-definitions",
    "markdown",
    "warning",
    "Link and image reference definitions should be needed",
    why="Unused definitions are dead weight that hides which links are real.",
    good="See [the guide][guide].\n\n[guide]: https://docs.example/guide\n",
    bad="See the guide.\n\n[guide]: https://docs.example/guide\n",
    fixable=True,
    params=ReferenceDefinitionsParams,
)
def link_image_reference_definitions(ctx: CheckContext, params: ReferenceDefinitionsParams) -> Iterable[Finding]:
    doc = ctx.doc
    if not doc.reference_definitions:
        return
    ignored = set(params.ignored_definitions)
    used = {_normalise_label(link.label) for link in doc.links if link.label}
    seen: set[str] = set()
    for definition in doc.reference_definitions:
        label = _normalise_label(definition.label)
        line = doc.lines[definition.line - 1]
        fix = (line_edit(doc, definition.line),)
        if label in seen:
            if label not in ignored:
                yield Finding(
                    f'Duplicate link or image reference definition: "{label}"', definition.line, context=line, fix=fix
                )
            continue
        seen.add(label)
        if label not in ignored and label not in used:
            yield Finding(
                f'Unused link or image reference definition: "{label}"', definition.line, context=line, fix=fix
            )


@rule(
    "MD056",
    "table-column-count",
    "markdown",
    "warning",
    "Table column count",
    why="Rows with missing or extra cells render with empty or dropped cells.",
    good="| a | b |\n|---|---|\n| 1 | 2 |\n",
    bad="| a | b |\n|---|---|\n| 1 | 2 | 3 |\n",
)
def table_column_count(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for table in doc.tables:
        expected = table.header_cells
        for line, actual in table.row_cells:
            if actual == expected or not doc.prose_line_mask[line - 1]:
                continue
            detail = (
                "Too few cells, row will be missing data"
                if actual < expected
                else "Too many cells, extra data will be missing"
            )
            yield Finding(f"Table column count [Expected: {expected}; Actual: {actual}; {detail}]", line)


@rule(
    "MDX001",
    "unclosed-code-fence",
    "markdown",
    "error",
    "Code fences and highlight shortcodes must be closed",
    why="An unclosed fence turns the rest of the page into code, hiding everything after it.",
    good="```java\nint x = 1;\n```\n",
    bad="```java\nint x = 1;\n",
    fixable=True,
)
def unclosed_code_fence(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for block in doc.code_blocks:
        if block.closed or block.kind == "indented":
            continue
        opening = doc.lines[block.start_line - 1].strip()
        closing = "{{< /highlight >}}" if block.kind == "highlight" else _closing_fence(opening)
        fix = None
        if block.end_line >= len(doc.lines) - 1:
            ending = "\r\n" if doc.text.endswith("\r\n") else "\n"
            insert = closing + ending if doc.text.endswith("\n") else ending + closing + ending
            fix = (TextEdit(len(doc.text), len(doc.text), insert),)
        what = "highlight shortcode" if block.kind == "highlight" else "code fence"
        yield Finding(
            f"Unclosed {what} opened here; add {closing!r}",
            block.start_line,
            context=opening,
            suggestion=closing,
            fix=fix,
        )


def _closing_fence(opening: str) -> str:
    stripped = opening.lstrip(" >-*+0123456789.)\t")
    character = stripped[:1] if stripped[:1] in "`~" else "`"
    return character * max(len(stripped) - len(stripped.lstrip(character)), 3)
