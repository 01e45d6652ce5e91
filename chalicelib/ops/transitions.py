"""The allowed status transitions (docs/review.md), in one place. Everything that changes a
status asks `check_transition` first; anything else is a 409 naming the current state."""

from __future__ import annotations

from chalicelib.ops.errors import Conflict

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "validation": {
        "pending": frozenset({"approved", "rejected"}),
        "approved": frozenset({"rejected"}),
        "rejected": frozenset({"approved"}),
    },
    "recommendation": {
        "pending": frozenset({"approved", "rejected"}),
        "approved": frozenset({"rejected", "applied"}),
        "rejected": frozenset({"approved", "pending"}),
        "applied": frozenset({"approved"}),  # only by rolling back its enhancement
    },
    "workflow": {
        "pending": frozenset({"running", "cancelled"}),
        "running": frozenset({"paused", "completed", "failed", "cancelled"}),
        "paused": frozenset({"running", "cancelled"}),
    },
}

# Transitions that only one operation may make (the rest of the table is open to reviews).
RESERVED: dict[str, dict[tuple[str, str], str]] = {
    "recommendation": {("approved", "applied"): "apply", ("applied", "approved"): "rollback"},
}


def allowed(entity: str, current: str, target: str) -> bool:
    return target in TRANSITIONS[entity].get(current, frozenset())


def check_transition(
    entity: str, current: str, target: str, *, via: str = "review", item_id: str | None = None
) -> None:
    """Raise Conflict unless `entity` may go from `current` to `target` through `via`."""
    reserved_for = RESERVED.get(entity, {}).get((current, target))
    if allowed(entity, current, target) and reserved_for in (None, via):
        return
    subject = f"{entity} {item_id!r}" if item_id else entity
    if reserved_for and reserved_for != via:
        reason = f"only {reserved_for} moves a {entity} from {current} to {target}"
    else:
        targets = sorted(
            t for t in TRANSITIONS[entity].get(current, ()) if RESERVED.get(entity, {}).get((current, t), via) == via
        )
        reason = f"from {current} it can go to {', '.join(targets) or 'nothing'}"
    raise Conflict(
        f"{subject} is {current}; cannot become {target} ({reason})", field=f"{entity}_id" if item_id else "status"
    )
