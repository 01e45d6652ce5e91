"""SPEC §2's transition table, cell by cell: every allowed move passes, every other
raises a conflict naming the current state."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.ops.errors import Conflict
from chalicelib.ops.transitions import check_transition

STATES = {
    "validation": ["pending", "approved", "rejected"],
    "recommendation": ["pending", "approved", "rejected", "applied"],
    "workflow": ["pending", "running", "paused", "completed", "failed", "cancelled"],
}
# (entity, from, to, via) that SPEC §2 allows; moves that only apply/rollback may make
# are refused to every other caller, and the other moves do not depend on the caller.
ALLOWED_TO_ANY = {
    ("validation", "pending", "approved", "review"),
    ("validation", "pending", "rejected", "review"),
    ("validation", "approved", "rejected", "review"),
    ("validation", "rejected", "approved", "review"),
    ("recommendation", "pending", "approved", "review"),
    ("recommendation", "pending", "rejected", "review"),
    ("recommendation", "approved", "rejected", "review"),
    ("recommendation", "approved", "applied", "apply"),
    ("recommendation", "rejected", "approved", "review"),
    ("recommendation", "rejected", "pending", "review"),
    ("recommendation", "applied", "approved", "rollback"),
    ("workflow", "pending", "running", "review"),
    ("workflow", "pending", "cancelled", "review"),
    ("workflow", "running", "paused", "review"),
    ("workflow", "running", "completed", "review"),
    ("workflow", "running", "failed", "review"),
    ("workflow", "running", "cancelled", "review"),
    ("workflow", "paused", "running", "review"),
    ("workflow", "paused", "cancelled", "review"),
}
RESERVED = {("recommendation", "approved", "applied"): "apply", ("recommendation", "applied", "approved"): "rollback"}


def allowed(entity, current, target, via):
    reserved = RESERVED.get((entity, current, target))
    if reserved:
        return via == reserved
    return any(cell[:3] == (entity, current, target) for cell in ALLOWED_TO_ANY)


CELLS = [
    (entity, current, target, via)
    for entity, states in STATES.items()
    for current, target in itertools.product(states, states)
    for via in ("review", "apply", "rollback")
]


@pytest.mark.parametrize("entity,current,target,via", CELLS)
def test_transition_cell(entity, current, target, via):
    if allowed(entity, current, target, via):
        check_transition(entity, current, target, via=via)
    else:
        with pytest.raises(Conflict) as refused:
            check_transition(entity, current, target, via=via, item_id="x1")
        assert f"is {current}" in refused.value.message
        assert refused.value.status == 409


def test_the_refusal_lists_where_the_item_can_go():
    with pytest.raises(Conflict) as refused:
        check_transition("recommendation", "rejected", "applied", item_id="r1")
    assert "approved, pending" in refused.value.message


def test_applied_goes_back_to_approved_only_by_rollback():
    with pytest.raises(Conflict) as refused:
        check_transition("recommendation", "applied", "approved", via="review")
    assert "only rollback" in refused.value.message
