"""Live events (docs/realtime.md): which topics a committed change is pushed to, and the
frames' shape. Pure: `invoke` and the workflow steps hand the events to the context's
publisher (`context.events`, chalicelib/realtime.py), which posts them after the change
is committed and never lets a failed push fail the operation.

Topics: `workflow:<id>` (snapshot on subscribe, one `progress` frame per finished item,
`state` frames on state changes; the last one of a finished workflow has state
completed, failed or cancelled), `validations` (every validation change) and
`validation:<id>` (the changes of one validation)."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.ops.workflow import workflow_out
from chalicelib.store.workflows import WorkflowRecord

TOPIC_PATTERN = re.compile(r"^(validations|validation:[0-9a-f]{32}|workflow:[A-Za-z0-9_-]{1,80})$")
FINAL_WORKFLOW_STATES = frozenset({"completed", "failed", "cancelled"})

# The validation event type of every operation that changes validations.
VALIDATION_EVENTS: dict[str, str] = {
    "validate_content": "created",
    "validate_file": "created",
    "revalidate": "created",
    "update_validation": "updated",
    "delete_validation": "deleted",
    "approve": "reviewed",
    "reject": "reviewed",
    "bulk_approve": "reviewed",
    "bulk_reject": "reviewed",
    "apply_enhancement": "enhanced",
    "auto_apply": "enhanced",
    "rollback_enhancement": "rolled_back",
    "generate_recommendations": "recommendations",
    "rebuild_recommendations": "recommendations",
    "apply_recommendations": "recommendations",
    "review_recommendation": "recommendations",
    "bulk_review_recommendations": "recommendations",
    "mark_recommendations_applied": "recommendations",
    "delete_recommendation": "recommendations",
}
# Operations whose result is a workflow (or names one) whose state they changed.
WORKFLOW_OPERATIONS = frozenset({"create_workflow", "validate_folder", "control_workflow", "delete_workflow"})

Event = tuple[str, dict[str, Any]]


def _validation_ids(arguments: dict[str, Any], result: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for source in (result, arguments):
        value = source.get("validation_id")
        if isinstance(value, str):
            ids.append(value)
        values = source.get("validation_ids")
        if isinstance(values, list):
            ids.extend(v for v in values if isinstance(v, str))
    for item in result.get("items") or result.get("results") or []:
        if isinstance(item, dict) and isinstance(item.get("validation_id"), str):
            ids.append(item["validation_id"])
    return list(dict.fromkeys(ids))


def workflow_frame(workflow: dict[str, Any], event_type: str, **extra: Any) -> dict[str, Any]:
    """One workflow frame from a workflow's public view (get_workflow's output)."""
    keys = (
        "workflow_id",
        "workflow_type",
        "state",
        "done",
        "failed",
        "processed",
        "total",
        "progress_percent",
        "eta_seconds",
        "listing_complete",
        "error",
        "updated_at",
    )
    return {
        "type": event_type,
        **{key: workflow.get(key) for key in keys},
        "final": workflow.get("state") in FINAL_WORKFLOW_STATES,
        **extra,
    }


def workflow_event(record: WorkflowRecord, event_type: str, **extra: Any) -> Event:
    return f"workflow:{record.workflow_id}", workflow_frame(
        workflow_out(record).model_dump(mode="json"), event_type, **extra
    )


def operation_events(name: str, arguments: dict[str, Any], result: dict[str, Any]) -> list[Event]:
    """The events of one committed operation (none for reads)."""
    events: list[Event] = []
    validation_event = VALIDATION_EVENTS.get(name)
    if validation_event:
        for validation_id in _validation_ids(arguments, result):
            frame = {"type": validation_event, "validation_id": validation_id, "operation": name}
            for key in ("review_status", "outcome", "enhanced", "version"):
                if key in result and result.get("validation_id") == validation_id:
                    frame[key] = result[key]
            events.append((f"validation:{validation_id}", frame))
            events.append(("validations", frame))
    if name in WORKFLOW_OPERATIONS and isinstance(result.get("workflow_id"), str):
        topic = f"workflow:{result['workflow_id']}"
        if name == "delete_workflow":
            events.append((topic, {"type": "deleted", "workflow_id": result["workflow_id"], "final": True}))
        else:
            events.append((topic, workflow_frame(result, "state")))
    return events
