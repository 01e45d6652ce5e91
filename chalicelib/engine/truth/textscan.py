"""Fast scanning helpers shared by detection and the truth rules.

A regex that must be tried at every position of a page costs ~0.1 ms in Python, more
than the truth checks' whole budget, so scans here start from C-speed searches instead:
`str.find` for literal names, a search for `.` for dotted product names, and regexes
only where they begin with a character class (which `re` scans quickly). Matches are
mapped back to lines with the document's line index and kept only on prose lines.
"""
from __future__ import annotations

import string
from typing import Iterable, Iterator

from chalicelib.engine.document import ParsedDocument

_SEPARATORS = str.maketrans({char: " " for char in string.punctuation.replace("_", "")})


def word_set(lowered: str) -> frozenset[str]:
    """The distinct words of a (lower-cased) text: a C-speed pre-filter for literal searches."""
    return frozenset(lowered.translate(_SEPARATORS).split())


def words_of(phrase: str) -> tuple[str, ...]:
    """The words a phrase must all have on the page before it is searched for."""
    return tuple(phrase.translate(_SEPARATORS).split())

def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def on_prose_line(doc: ParsedDocument, offset: int) -> tuple[int, int] | None:
    """(line, column) of an offset when it lies on a prose line, else None."""
    line, column = doc.position(offset)
    mask = doc.prose_line_mask
    return (line, column) if line <= len(mask) and mask[line - 1] else None


def find_words(lowered: str, present: frozenset[str], words: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(offset, word) for each whole-word occurrence of the lower-cased literal words; words
    whose parts are not all in `present` (the page's word_set) are not searched for. A
    longer word wins over a shorter one starting at the same offset."""
    taken: set[int] = set()
    for word in sorted(words, key=len, reverse=True):
        if not all(part in present for part in words_of(word)):
            continue
        start = lowered.find(word)
        while start >= 0:
            end = start + len(word)
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if start not in taken and not _is_word_char(before) and before != "." \
                    and not _is_word_char(after) and after != "-":
                taken.add(start)
                yield start, word
            start = lowered.find(word, end)


def dotted_names(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, left, right) for every `Left.Right` pair of letter runs, e.g. `Aspose.Words`
    (left 4-8 letters, right 2-12 letters/digits, not part of a longer dotted path)."""
    start = text.find(".")
    length = len(text)
    while start >= 0:
        if start + 1 >= length or not text[start + 1].isalpha():
            start = text.find(".", start + 1)
            continue
        left_start = start
        while left_start > 0 and start - left_start <= 8 and text[left_start - 1].isalpha():
            left_start -= 1
        right_end = start + 1
        while right_end < length and text[right_end].isalnum():
            right_end += 1
        left, right = text[left_start:start], text[start + 1:right_end]
        before = text[left_start - 1] if left_start else " "
        after = text[right_end] if right_end < length else " "
        if 4 <= len(left) <= 8 and 2 <= len(right) <= 12 and not (_is_word_char(before) or before in "./@-") \
                and not (_is_word_char(after) or after == "-") \
                and not (after == "." and right_end + 1 < length and _is_word_char(text[right_end + 1])):
            yield left_start, left, right
        start = text.find(".", start + 1)
