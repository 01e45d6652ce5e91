"""Fast scanning helpers shared by detection and the truth rules.

A regex tried at every position of a page costs ~0.1 ms in Python, more than the truth
checks' whole budget, so prose is scanned differently:

- `ProseText` joins a page's prose lines once (code, front matter and shortcodes left
  out) and maps offsets in it back to document lines, columns and offsets;
- literal names are found with `str.find`, and only searched for when all their words
  occur on the page (`word_set`, a C-speed bytes translate/split);
- dotted product names (`Aspose.Words`) start from a search for `.`.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, compress

from chalicelib.engine.document import ParsedDocument

_SEPARATORS = bytes.maketrans(string.punctuation.replace("_", "").encode(), b" " * (len(string.punctuation) - 1))
_RIGHT = re.compile(r"[A-Za-z0-9]{2,12}(?![\w-])")
_LEFT = re.compile(r"(?<![\w./@-])[A-Za-z]{4,8}$")


def lower_same_length(text: str) -> str:
    """`text.lower()`, except characters whose lower case is longer (`İ`) stay as they are,
    so offsets in the result are offsets in `text`."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


def word_set(lowered: str) -> frozenset[bytes]:
    """The distinct words of a lower-cased text (as UTF-8 bytes), a pre-filter for searches."""
    return frozenset(lowered.encode("utf-8", "surrogatepass").translate(_SEPARATORS).split())


def words_of(phrase: str) -> tuple[bytes, ...]:
    """The words a phrase needs on the page before it is worth searching for."""
    return tuple(phrase.encode("utf-8").translate(_SEPARATORS).split())


@dataclass(frozen=True, slots=True)
class Phrase:
    """A lower-cased literal to search for, with its words for the pre-filter."""

    text: str
    words: frozenset[bytes]


def phrases(texts: Iterable[str]) -> tuple[Phrase, ...]:
    """Search order: longest first, so a longer name wins over its prefix."""
    return tuple(Phrase(text, frozenset(words_of(text))) for text in sorted(set(texts), key=lambda t: (-len(t), t)))


_QUANTIFIERS = frozenset("?*+{")


def leading_literal(pattern: str) -> str:
    """The literal text every match of a regex starts with (after an optional `\\b`), used
    as a C-speed `in` pre-check before running the regex; "" when there is none."""
    index = 2 if pattern.startswith("\\b") else 0
    literal: list[str] = []
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and not pattern[index + 1].isalnum():
            literal.append(pattern[index + 1])
            index += 2
        elif char.isalnum() or char in " _-:;,'\"=<>/@#%&!~`":
            literal.append(char)
            index += 1
        else:
            break
        if index < len(pattern) and pattern[index] in _QUANTIFIERS:
            literal.pop()
            break
    return "".join(literal)


class ProseText:
    """The prose lines of a page joined by newlines, with the way back to the document."""

    def __init__(self, doc: ParsedDocument) -> None:
        mask = doc.prose_line_mask
        self.doc = doc
        self.lines = list(compress(range(1, len(doc.lines) + 1), mask))
        prose_lines = list(compress(doc.lines, mask))
        self.starts = list(accumulate(map(len, prose_lines), lambda offset, length: offset + length + 1, initial=0))
        self.text = "\n".join(prose_lines)
        self.lowered = lower_same_length(self.text)
        self.words = word_set(self.lowered)

    def locate(self, offset: int) -> tuple[int, int, int]:
        """(line, column, document offset) of an offset in the prose text."""
        index = bisect_right(self.starts, offset) - 1
        column = offset - self.starts[index]
        line = self.lines[index]
        return line, column + 1, self.doc.line_starts[line - 1] + column


def find_phrases(prose: ProseText, wanted: Iterable[Phrase]) -> Iterator[tuple[int, str]]:
    """(prose offset, phrase) for each whole-word occurrence of the phrases in the prose;
    a phrase already covering an offset keeps it."""
    lowered, present = prose.lowered, prose.words
    taken: set[int] = set()
    for phrase in wanted:
        if not phrase.words <= present:
            continue
        word = phrase.text
        start = lowered.find(word)
        while start >= 0:
            end = start + len(word)
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if (
                start not in taken
                and not (before.isalnum() or before in "._")
                and not (after.isalnum() or after in "_-")
            ):
                taken.add(start)
                yield start, word
            start = lowered.find(word, end)


def dotted_names(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, left, right) for each `Left.Right` pair such as `Aspose.Words`: left 4-8
    letters, right 2-12 letters or digits, not part of a longer dotted path or a word."""
    start = text.find(".")
    while start >= 0:
        right = _RIGHT.match(text, start + 1)
        if right is not None and text[start + 1].isalpha():
            end = right.end()
            longer_path = end + 1 < len(text) and text[end] == "." and (text[end + 1].isalnum() or text[end + 1] == "_")
            left = None if longer_path else _LEFT.search(text, max(0, start - 9), start)
            if left is not None:
                yield left.start(), left.group(), right.group()
        start = text.find(".", start + 1)
