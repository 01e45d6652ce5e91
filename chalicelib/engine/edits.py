"""Applying TextEdits to a document: used by `tbcv check --fix` and by the review lifecycle.

Edits are 0-based code-point ranges of one exact document text. They are applied from the end
of the text backwards so earlier offsets stay valid. Two edits conflict when their ranges overlap,
when one inserts strictly inside the other's range, or when both insert at the same offset (their
order would be a guess); an insertion at a range's start or end is unambiguous and allowed.
Identical edits are the same change and are applied once.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence

from chalicelib.engine.model import TextEdit


class EditError(ValueError):
    """An edit that cannot be applied to this text."""


class EditOutOfRange(EditError):
    def __init__(self, edit: TextEdit, length: int) -> None:
        super().__init__(f"edit {_describe(edit)} is outside the document (0..{length} code points)")
        self.edit = edit


class EditConflict(EditError):
    def __init__(self, first: TextEdit, second: TextEdit) -> None:
        super().__init__(f"edit {_describe(first)} conflicts with edit {_describe(second)}")
        self.first = first
        self.second = second


def _describe(edit: TextEdit) -> str:
    return f"[{edit.start}:{edit.end}] -> {edit.replacement!r}"


def _conflicts(earlier: TextEdit, later: TextEdit) -> bool:
    """`earlier` sorts before `later` by (start, end)."""
    if earlier.end > later.start:
        return True
    return earlier.start == earlier.end == later.start == later.end


def _ordered(edits: Iterable[TextEdit], length: int) -> list[TextEdit]:
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement))
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= length:
            raise EditOutOfRange(edit, length)
    return ordered


def select_non_conflicting(
    text: str, groups: Iterable[Sequence[TextEdit]]
) -> tuple[list[Sequence[TextEdit]], list[Sequence[TextEdit]]]:
    """Split groups of edits (each group one fix, applied whole or not at all) into
    (applicable, rejected): groups are taken in the order given and a group is rejected when one
    of its edits conflicts with an edit already taken or with another of its own. Raises
    EditOutOfRange for an edit outside the text."""
    taken: list[tuple[int, int, str]] = []  # sorted (start, end, replacement) of taken edits
    taken_set: set[TextEdit] = set()
    kept: list[Sequence[TextEdit]] = []
    rejected: list[Sequence[TextEdit]] = []
    for group in groups:
        ordered = _ordered(group, len(text))
        fresh = [edit for edit in ordered if edit not in taken_set]
        if any(_conflicts(a, b) for a, b in zip(ordered, ordered[1:], strict=False)) or any(
            _conflicts_with_taken(taken, edit) for edit in fresh
        ):
            rejected.append(group)
            continue
        for edit in fresh:
            insort(taken, (edit.start, edit.end, edit.replacement))
            taken_set.add(edit)
        kept.append(group)
    return kept, rejected


def _conflicts_with_taken(taken: list[tuple[int, int, str]], edit: TextEdit) -> bool:
    """Taken edits never conflict with each other, so only the neighbours of `edit` in sort
    order can conflict with it."""
    index = bisect_right(taken, (edit.start, edit.end, edit.replacement))
    if index and _conflicts(TextEdit(*taken[index - 1]), edit):
        return True
    return index < len(taken) and _conflicts(edit, TextEdit(*taken[index]))


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Return `text` with every edit applied; refuses overlapping or out-of-range edits."""
    ordered = _ordered(edits, len(text))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if _conflicts(earlier, later):
            raise EditConflict(earlier, later)
    pieces: list[str] = []
    cursor = len(text)
    for edit in reversed(ordered):
        pieces.append(text[edit.end : cursor])
        pieces.append(edit.replacement)
        cursor = edit.start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))
