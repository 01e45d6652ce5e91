"""What the workflow state machines' tasks do (the `workflow_step` Lambda). Not
operations: callers start, control and read workflows through chalicelib/ops/workflow.py.

Every step reads the workflow record first. An item starts only through the gate
(`WorkflowRepository.claim_start`, conditional on the state being running), so once a
pause or cancel is stored no further item starts; a paused item (or any item while
maintenance mode is on) answers `held` and the state machine waits and asks again.
Expected per-item failures (bad key, oversize, not UTF-8, deleted) are recorded as failed
items; anything else propagates, so the state machine's Retry and Catch handle it."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from chalicelib import metrics
from chalicelib.ops.catalogue import invoke
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import OperationError
from chalicelib.ops.events import Event, workflow_event
from chalicelib.ops.validation import stable_id, validate_stored
from chalicelib.ops.workflow import change_state
from chalicelib.store.records import utc_now
from chalicelib.store.workflows import WorkflowItem, WorkflowRecord

LIST_PAGE_SIZE = 100
PAGES_PER_EXECUTION = 10  # ~1,000 items: well under the 25,000-event history limit
HELD_STATES = frozenset({"pending", "paused"})


def _list(context: OperationContext, record: WorkflowRecord, event: dict) -> dict:
    """One page of the prefix's .md keys, counted into the workflow's total. After
    PAGES_PER_EXECUTION pages it names the execution that continues the work."""
    if event.get("execution_arn") and event["execution_arn"] != record.execution_arn:
        context.workflows.update(record.workflow_id, {"execution_arn": event["execution_arn"]})
    if record.state not in ("running", "paused", "pending"):
        return {"keys": [], "cursor": None, "pages": 0, "continue_as": None}
    keys, cursor = context.documents.list_keys(
        record.params["prefix"],
        page_size=LIST_PAGE_SIZE,
        continuation_token=event.get("cursor"),
    )
    keys = [k for k in keys if k.endswith(".md")]
    context.workflows.add_items(record.workflow_id, len(keys), listing_complete=cursor is None)
    pages = int(event.get("pages") or 0) + 1
    continue_as = None
    if cursor and pages >= PAGES_PER_EXECUTION:
        continue_as = f"{record.workflow_id}-{hashlib.sha256(cursor.encode()).hexdigest()[:24]}"
    return {"keys": keys, "cursor": cursor, "pages": pages, "continue_as": continue_as}


def _validate_item(context: OperationContext, record: WorkflowRecord, item: str) -> WorkflowItem:
    params = record.params
    validation = validate_stored(
        context,
        item,
        None,
        validation_id=stable_id(record.workflow_id, item),
        family=params.get("family"),
        profile=params.get("profile"),
        workflow_id=record.workflow_id,
    )
    return WorkflowItem(
        workflow_id=record.workflow_id,
        item=item,
        status="succeeded",
        validation_id=validation.validation_id,
        outcome=validation.outcome,
        result={"counts": validation.counts},
        finished_at=utc_now(),
    )


def _generate_item(context: OperationContext, record: WorkflowRecord, item: str) -> WorkflowItem:
    generated = invoke("generate_recommendations", context, {"validation_id": item})
    return WorkflowItem(
        workflow_id=record.workflow_id,
        item=item,
        status="succeeded",
        validation_id=item,
        result={"recommendations": len(generated["items"]), "created": generated["created"]},
        finished_at=utc_now(),
    )


def _enhance_item(context: OperationContext, record: WorkflowRecord, item: str) -> WorkflowItem:
    enhancement = invoke("apply_enhancement", context, {"validation_id": item})
    return WorkflowItem(
        workflow_id=record.workflow_id,
        item=item,
        status="succeeded",
        validation_id=item,
        result={"enhancement_id": enhancement["enhancement_id"]},
        finished_at=utc_now(),
    )


def _audit_item(context: OperationContext, record: WorkflowRecord, item: str) -> WorkflowItem:
    """validate → recommend → auto-approve by policy and enhance. A page whose
    enhancement is refused (e.g. by the safety gate) is still audited: the refusal is
    part of its result."""
    validated = _validate_item(context, record, item)
    generated = invoke("generate_recommendations", context, {"validation_id": validated.validation_id})
    result = {**validated.result, "recommendations": len(generated["items"])}
    try:
        auto = invoke("auto_apply", context, {"validation_id": validated.validation_id})
        result["auto_approved"] = len(auto["approved"])
        result["enhancement_id"] = (auto["enhancement"] or {}).get("enhancement_id")
    except OperationError as error:
        result["enhancement_refused"] = error.message
    return validated.model_copy(update={"result": result, "finished_at": utc_now()})


ITEM_RUNNERS: dict[str, Callable[[OperationContext, WorkflowRecord, str], WorkflowItem]] = {
    "validate_prefix": _validate_item,
    "validate_batch": _validate_item,
    "generate_recommendations": _generate_item,
    "enhance_batch": _enhance_item,
    "full_audit": _audit_item,
}


def _maintenance_on(context: OperationContext) -> bool:
    """Maintenance mode pauses workflows between items (docs/workflows.md): items wait at the gate."""
    return context.maintenance.get().enabled


def _item(context: OperationContext, record: WorkflowRecord, event: dict) -> dict:
    item = event["item"]
    existing = context.workflows.get_item(record.workflow_id, item)
    if existing is not None:  # a retried or redelivered step
        metrics.duplicate_skipped("workflow_item")
        return {"status": existing.status}
    if record.state in HELD_STATES or _maintenance_on(context):
        return {"status": "held"}
    if record.state != "running" or not context.workflows.claim_start(record.workflow_id):
        state = context.workflows.get(record.workflow_id).state
        return {"status": "held" if state in HELD_STATES else "skipped"}
    try:
        result = ITEM_RUNNERS[record.workflow_type](context, record, item)
    except OperationError as error:
        result = WorkflowItem(
            workflow_id=record.workflow_id, item=item, status="failed", error=error.message, finished_at=utc_now()
        )
    _record_and_publish(context, result)
    metrics.workflow_item_finished(record.workflow_type, result.status)
    return {"status": result.status}


def _item_failed(context: OperationContext, record: WorkflowRecord, event: dict) -> dict:
    """The Catch path: an item whose task failed after its retries."""
    cause = str(event.get("cause") or "")[:1000]
    _record_and_publish(
        context,
        WorkflowItem(
            workflow_id=record.workflow_id,
            item=event["item"],
            status="failed",
            error=f"{event.get('error') or 'error'}: {cause}".rstrip(": "),
            finished_at=utc_now(),
        ),
    )
    metrics.workflow_item_finished(record.workflow_type, "failed")
    return {"status": "failed"}


def _finish(context: OperationContext, record: WorkflowRecord, event: dict) -> dict:
    if record.state in HELD_STATES:
        return {"status": "held"}
    if record.state == "running":
        finished_at = utc_now()
        changes: dict[str, Any] = {"finished_at": finished_at}
        if "prefix" in record.params and record.total == 0:
            # creation refused an empty prefix, so objects were there: none of them Markdown
            changes["warnings"] = [*record.warnings, f"no Markdown page (*.md) under {record.params['prefix']!r}"]
        change_state(context, record, "completed", "finish_workflow", changes)
        metrics.workflow_finished(record.workflow_type, "completed", record.started_at, finished_at)
        return {"status": "completed"}
    return {"status": record.state}


def _fail(context: OperationContext, record: WorkflowRecord, event: dict) -> dict:
    """The whole-execution Catch: a running workflow becomes failed with the error (a
    paused or pending one, which may not fail, is cancelled with it)."""
    error = f"{event.get('error') or 'error'}: {str(event.get('cause') or '')[:2000]}"
    if record.state == "running":
        finished_at = utc_now()
        change_state(context, record, "failed", "fail_workflow", {"error": error, "finished_at": finished_at})
        metrics.workflow_finished(record.workflow_type, "failed", record.started_at, finished_at)
    elif record.state in HELD_STATES:
        change_state(
            context,
            record,
            "cancelled",
            "fail_workflow",
            {"error": f"execution failed: {error}", "finished_at": utc_now()},
        )
    return {"status": "failed"}


STEPS: dict[str, Callable[[OperationContext, WorkflowRecord, dict], dict]] = {
    "list": _list,
    "item": _item,
    "item_failed": _item_failed,
    "finish": _finish,
    "fail": _fail,
}


# The live event of the steps that change a workflow's state (docs/realtime.md); items
# publish their `progress` frame themselves (_record_and_publish).
STATE_EVENTS = {"finish": "state", "fail": "state", "list": "listed"}
UNCHANGED = frozenset({"held", "skipped"})
_COMMIT_LOCKS: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def _record_and_publish(context: OperationContext, item: WorkflowItem) -> None:
    """Count the item and post its progress frame under one per-workflow lock, so the
    items of a workflow finishing concurrently in this process publish `processed`
    1, 2, 3, ... in order (across Lambda instances frames can interleave; clients keep
    the highest `processed`, docs/realtime.md)."""
    with _COMMIT_LOCKS[item.workflow_id]:
        recorded = context.workflows.record_item(item)
        if recorded and context.events is not None:
            context.events.publish_all(_events(context, item.workflow_id, "progress", item.item, item.status))


def run_step(context: OperationContext, event: dict[str, Any]) -> dict:
    step = STEPS.get(event.get("step", ""))
    if step is None:
        raise ValueError(f"unknown workflow step {event.get('step')!r}")
    result = step(context, context.workflows.get(event["workflow_id"]), event)
    name = event["step"]
    if context.events is not None and name in STATE_EVENTS and result.get("status") not in UNCHANGED:
        context.events.publish_all(_events(context, event["workflow_id"], STATE_EVENTS[name]))
    return result


def _events(
    context: OperationContext, workflow_id: str, event_type: str, item: str | None = None, status: str | None = None
) -> Iterator[Event]:
    """The workflow as it now is, read back after the change was committed. A generator,
    so the read happens inside the publisher's guard (a failed read or push never fails
    the step)."""
    extra = {"item": item, "item_status": status} if item else {}
    yield workflow_event(context.workflows.get(workflow_id), event_type, **extra)
