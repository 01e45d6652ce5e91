"""apply_edits: exact code-point edits applied from the end, conflicts and bad ranges refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.engine.edits import EditConflict, EditOutOfRange, apply_edits, select_non_conflicting
from chalicelib.engine.model import TextEdit


def test_replacements_at_several_places_are_all_applied():
    text = "alpha beta gamma"
    edits = [TextEdit(0, 5, "ALPHA"), TextEdit(11, 16, "G")]
    assert apply_edits(text, edits) == "ALPHA beta G"


def test_edit_order_in_the_input_does_not_matter():
    text = "one two three"
    edits = [TextEdit(8, 13, "3"), TextEdit(0, 3, "1")]
    assert apply_edits(text, edits) == apply_edits(text, list(reversed(edits))) == "1 two 3"


def test_offsets_count_code_points_not_bytes():
    text = "héllo 🙂 world"
    assert apply_edits(text, [TextEdit(8, 13, "there")]) == "héllo 🙂 there"


def test_insertion_at_the_start_of_a_replaced_range_goes_before_it():
    assert apply_edits("abc", [TextEdit(1, 2, "B"), TextEdit(1, 1, "+")]) == "a+Bc"


def test_insertion_at_the_end_of_a_replaced_range_goes_after_it():
    assert apply_edits("abc", [TextEdit(1, 2, "B"), TextEdit(2, 2, "+")]) == "aB+c"


def test_identical_edits_are_applied_once():
    assert apply_edits("abc", [TextEdit(0, 1, "X"), TextEdit(0, 1, "X")]) == "Xbc"


def test_overlapping_edits_are_refused_naming_both():
    first, second = TextEdit(0, 4, "x"), TextEdit(2, 6, "y")
    with pytest.raises(EditConflict) as raised:
        apply_edits("abcdefgh", [second, first])
    assert raised.value.first == first and raised.value.second == second
    assert "[0:4]" in str(raised.value) and "[2:6]" in str(raised.value)


def test_two_insertions_at_the_same_offset_conflict():
    with pytest.raises(EditConflict):
        apply_edits("abc", [TextEdit(1, 1, "x"), TextEdit(1, 1, "y")])


def test_insertion_inside_a_replaced_range_conflicts():
    with pytest.raises(EditConflict):
        apply_edits("abcdef", [TextEdit(1, 4, "X"), TextEdit(2, 2, "y")])


def test_edit_beyond_the_end_is_refused_with_the_document_length():
    with pytest.raises(EditOutOfRange, match=r"0\.\.3"):
        apply_edits("abc", [TextEdit(2, 5, "x")])


def test_reversed_range_is_refused():
    with pytest.raises(EditOutOfRange):
        apply_edits("abc", [TextEdit(2, 1, "x")])


def test_select_non_conflicting_keeps_the_first_of_two_conflicting_fixes():
    first, second, third = (TextEdit(0, 3, "x"),), (TextEdit(2, 5, "y"),), (TextEdit(5, 6, "z"),)
    kept, rejected = select_non_conflicting("abcdef", [first, second, third])
    assert kept == [first, third]
    assert rejected == [second]


def test_select_non_conflicting_takes_or_rejects_a_fix_as_a_whole():
    one = (TextEdit(0, 1, "x"),)
    two_part = (TextEdit(3, 4, "y"), TextEdit(0, 2, "z"))  # its second edit conflicts with `one`
    kept, rejected = select_non_conflicting("abcdef", [one, two_part])
    assert kept == [one] and rejected == [two_part]


def test_select_non_conflicting_accepts_the_same_edit_from_two_fixes():
    same = TextEdit(2, 2, "!")
    kept, rejected = select_non_conflicting("abc", [(same,), (same,)])
    assert len(kept) == 2 and not rejected


@st.composite
def text_and_disjoint_edits(draw):
    text = draw(st.text(max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    edits = []
    last_end = -1
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start == last_end and start == end:
            continue  # a second insertion at the same offset would be ambiguous
        if start < last_end:
            continue
        edits.append(TextEdit(start, end, draw(st.text(max_size=5))))
        last_end = end
    return text, draw(st.permutations(edits))


@given(text_and_disjoint_edits())
def test_applying_disjoint_edits_at_once_equals_applying_them_one_by_one(case):
    text, edits = case
    expected = text
    shift_points: list[tuple[int, int]] = []  # (original offset, length change) of applied edits
    for edit in edits:
        # An edit's offsets move by the length change of every edit applied before it that lies
        # at or before its start (insertions at the same offset as a replaced range's start go first).
        delta = sum(change for at, change in shift_points if at <= edit.start)
        expected = apply_edits(expected, [TextEdit(edit.start + delta, edit.end + delta, edit.replacement)])
        shift_points.append((edit.end, len(edit.replacement) - (edit.end - edit.start)))
    assert apply_edits(text, edits) == expected
