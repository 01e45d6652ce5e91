"""Hugo shortcodes: find them, pair `highlight` blocks, and mask them for the Markdown parse.

Real pages write code as `{{< highlight java >}}…{{< /highlight >}}`, reference gists with
`{{< gist … >}}`, wrap Markdown in containers (`{{% alert %}}…{{% /alert %}}`, `tabs`/`tab`)
and drop inline shortcodes (`{{< emoticons/tick >}}`) into prose. A CommonMark parser
knows none of this, so before parsing every shortcode is replaced by text of the same
length that means the same thing to the parser: highlight blocks become tilde fences
(code), every other shortcode an HTML comment (no text, no finding). Line structure and
code-point offsets are unchanged, so positions found in the masked text are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.engine.document import Shortcode

# The arguments end at the first `>}}`/`%}}` and cannot run into the next `{{` (possessively:
# a page of unclosed openers is scanned once, not once per opener).
_SHORTCODE = re.compile(
    r"\{\{([<%])[ \t]*(/)?[ \t]*([A-Za-z_][\w./-]*)((?:[^{>%]|\{(?!\{)|[>%](?!\}\})){0,2000}+)[>%]\}\}"
)
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
HIGHLIGHT = "highlight"
GIST = "gist"


@dataclass(slots=True)
class HighlightBlock:
    """A `highlight` shortcode pair; `closing` is None when the block is never closed."""

    opening: Shortcode
    closing: Shortcode | None
    language: str | None
    language_start: int | None  # offset of the language argument in the page
    language_end: int | None


def find_shortcodes(text: str, start: int, line_starts: list[int]) -> tuple[list[Shortcode], list[HighlightBlock]]:
    """Shortcodes from `start` on (after the front matter), in order, and the highlight
    blocks among them. Shortcodes inside a highlight block are code, not shortcodes."""
    if "{{" not in text:
        return [], []
    shortcodes: list[Shortcode] = []
    blocks: list[HighlightBlock] = []
    open_block: HighlightBlock | None = None
    line_index = 0
    last = len(line_starts) - 1
    for match in _SHORTCODE.finditer(text, start):
        offset = match.start()
        while line_index < last and line_starts[line_index + 1] <= offset:
            line_index += 1
        name = match.group(3)
        closing = match.group(2) is not None
        shortcode = Shortcode(
            name=name,
            args=match.group(4).strip(),
            line=line_index + 1,
            column=offset - line_starts[line_index] + 1,
            start=offset,
            end=match.end(),
            delimiter="<" if match.group(1) == "<" else "%",  # the pattern allows no other
            closing=closing,
        )
        if open_block is not None:
            if name == HIGHLIGHT and closing:
                open_block.closing = shortcode
                shortcodes.append(shortcode)
                open_block = None
            continue
        shortcodes.append(shortcode)
        if name == HIGHLIGHT and not closing:
            open_block = _highlight_block(shortcode, match)
            blocks.append(open_block)
    return shortcodes, blocks


def _highlight_block(opening: Shortcode, match: re.Match[str]) -> HighlightBlock:
    args = match.group(4)
    stripped = args.lstrip()
    if not stripped or stripped[0] in "\"'":
        return HighlightBlock(opening, None, None, None, None)
    language = stripped.split(None, 1)[0]
    language_start = match.start(4) + len(args) - len(stripped)
    return HighlightBlock(opening, None, language.lower(), language_start, language_start + len(language))


def mask(text: str, shortcodes: list[Shortcode], blocks: list[HighlightBlock]) -> str:
    """The page with every shortcode replaced by same-length Markdown of the same meaning."""
    if not shortcodes:
        return text
    replacements: dict[int, tuple[int, str]] = {}  # start -> (end, replacement)
    for block in blocks:
        opening, closing = block.opening, block.closing
        if closing is not None and not (_alone_on_line(text, opening) and _alone_on_line(text, closing)):
            # Mid-line (a table cell, one-line code): Hugo puts one placeholder there, so hide it all.
            replacements[opening.start] = (closing.end, _comment(text[opening.start : closing.end]))
            continue
        replacements[opening.start] = (
            opening.end,
            _fence(text[opening.start : opening.end], "~~~" + (block.language or "")),
        )
        if closing is not None:
            source = text[closing.start : closing.end]
            replacements[closing.start] = (closing.end, _fence(source, "~" * len(source)))
    pieces: list[str] = []
    position = 0
    for shortcode in shortcodes:
        if shortcode.start < position:
            continue
        pieces.append(text[position : shortcode.start])
        end, replacement = replacements.get(shortcode.start) or (
            shortcode.end,
            _comment(text[shortcode.start : shortcode.end]),
        )
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _alone_on_line(text: str, shortcode: Shortcode) -> bool:
    """Only whitespace before and after the shortcode on its line(s)."""
    line_start = text.rfind("\n", 0, shortcode.start) + 1
    line_end = text.find("\n", shortcode.end)
    return (
        not text[line_start : shortcode.start].strip()
        and not text[shortcode.end : line_end if line_end >= 0 else None].strip()
    )


def _fence(source: str, head: str) -> str:
    """`head` followed by dots, of the source's length and keeping its line breaks.
    The opening fence has three tildes, the closing one the whole (longer) shortcode."""
    first_line = len(source.split("\n", 1)[0].rstrip("\r"))
    head = head[: max(first_line, 3)]
    return head + _NOT_LINE_BREAK.sub(".", source[len(head) :])


def _comment(source: str) -> str:
    """`<!--...-->` of the source's length, keeping its line breaks. Dots, not spaces, fill
    it so no line of it is blank or ends in spaces."""
    inner = source[4:-3]
    inner = _NOT_LINE_BREAK.sub(".", inner) if "\n" in inner or "\r" in inner else "." * len(inner)
    return "<!--" + inner + "-->"
