"""Workflow operations (docs/workflows.md): create, read, list, control, report, summary, delete;
plus `validate_folder` and `revalidate` of the validation category, which start or
repeat validation work.

A workflow is a Step Functions execution plus a record here. The record's state follows
the table in chalicelib/ops/transitions.py; the execution's tasks
(chalicelib/ops/workflow_steps.py) check it before each item, so pause, resume and cancel
take effect between items."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import uuid4

from pydantic import AfterValidator, BaseModel, Field, ValidationError, field_validator

from chalicelib.ops.catalogue import field_of, operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import Conflict, InvalidInput, Unavailable
from chalicelib.ops.fields import Cursor, DocumentPath, Family, Limit, OperationInput, Profile, ValidationId
from chalicelib.ops.transitions import check_transition
from chalicelib.ops.validation import GetValidationIn, ValidationIdIn, ValidationOut, get_validation, validate_stored
from chalicelib.store.errors import ItemNotFound
from chalicelib.store.records import AuditEvent, Page, utc_now
from chalicelib.store.workflows import StateChanged, WorkflowRecord

WorkflowId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="Workflow id (32 hex characters)")]
WorkflowState = Literal["pending", "running", "paused", "completed", "failed", "cancelled"]
ACTIVE_STATES = frozenset({"pending", "running", "paused"})
MAX_BATCH_KEYS = 1000
MAX_BATCH_KEY_CHARS = 200_000  # keeps the execution input well under Step Functions' 256 KiB
# A running workflow's record changes with every item; one unchanged this long is asked
# whether its execution still runs (longer than an execution's hand-off to its successor).
RECONCILE_AFTER_SECONDS = 60


# ---- parameters of each workflow type ----------------------------------------------


def _distinct_keys(keys: list[str]) -> list[str]:
    if sum(len(k) for k in keys) > MAX_BATCH_KEY_CHARS:
        raise ValueError(f"the keys together may have at most {MAX_BATCH_KEY_CHARS} characters")
    return list(dict.fromkeys(keys))


Prefix = Annotated[DocumentPath, Field(description="S3 prefix under the watched prefix, e.g. docs/en/java/")]
Keys = Annotated[
    list[DocumentPath],
    Field(min_length=1, max_length=MAX_BATCH_KEYS, description="S3 keys under the watched prefix"),
    AfterValidator(_distinct_keys),
]
ValidationIds = Annotated[
    list[ValidationId],
    Field(min_length=1, max_length=MAX_BATCH_KEYS),
    AfterValidator(lambda ids: list(dict.fromkeys(ids))),
]


class ValidatePrefixParams(OperationInput):
    prefix: Prefix
    family: Family | None = None
    profile: Profile | None = None


class ValidateBatchParams(OperationInput):
    keys: Keys
    family: Family | None = None
    profile: Profile | None = None


class ValidationBatchParams(OperationInput):
    validation_ids: ValidationIds


class FullAuditParams(ValidatePrefixParams):
    """validate → recommend → auto-approve by policy (config/auto_apply.yaml) → enhance."""


WORKFLOW_TYPES: dict[str, type[OperationInput]] = {
    "validate_prefix": ValidatePrefixParams,
    "validate_batch": ValidateBatchParams,
    "generate_recommendations": ValidationBatchParams,
    "enhance_batch": ValidationBatchParams,
    "full_audit": FullAuditParams,
}
WorkflowType = Literal["validate_prefix", "validate_batch", "generate_recommendations", "enhance_batch", "full_audit"]


class WorkflowParams(OperationInput):
    """Every type's parameters; which are required depends on the type (checked on create)."""

    prefix: Prefix | None = Field(default=None, description="validate_prefix, full_audit: S3 prefix")
    keys: Keys | None = Field(default=None, description="validate_batch: S3 keys")
    validation_ids: ValidationIds | None = Field(default=None, description="generate_recommendations, enhance_batch")
    family: Family | None = None
    profile: Profile | None = None


# ---- inputs and outputs --------------------------------------------------------------


class CreateWorkflowIn(OperationInput):
    workflow_type: WorkflowType
    params: WorkflowParams = Field(
        default_factory=WorkflowParams,
        description="validate_prefix and full_audit: prefix, family?, profile?; "
        "validate_batch: keys, family?, profile?; "
        "generate_recommendations and enhance_batch: validation_ids",
    )


class WorkflowIdIn(OperationInput):
    workflow_id: WorkflowId


class ListWorkflowsIn(OperationInput):
    limit: Limit = 20
    cursor: Cursor | None = None
    state: WorkflowState | None = None
    workflow_type: WorkflowType | None = None
    created_from: str | None = Field(
        default=None, max_length=40, description="ISO-8601 UTC time; workflows created at or after it"
    )
    created_to: str | None = Field(
        default=None, max_length=40, description="ISO-8601 UTC time; workflows created at or before it"
    )

    @field_validator("created_from", "created_to")
    @classmethod
    def _iso_time(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be an ISO-8601 time, e.g. 2026-11-25T10:00:00Z") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ControlWorkflowIn(OperationInput):
    workflow_id: WorkflowId
    action: Literal["pause", "resume", "cancel"]
    reason: str | None = Field(default=None, max_length=1000)


class WorkflowReportIn(OperationInput):
    workflow_id: WorkflowId
    limit: Limit = 100
    cursor: Cursor | None = None
    status: Literal["succeeded", "failed"] | None = Field(default=None, description="Only items with this result")


class DeleteWorkflowIn(OperationInput):
    workflow_id: WorkflowId
    force: bool = Field(default=False, description="Cancel a workflow that is still active, then delete it")


class BulkDeleteWorkflowsIn(OperationInput):
    workflow_ids: list[WorkflowId] = Field(min_length=1, max_length=100)
    force: bool = False


class ValidateFolderIn(OperationInput):
    prefix: Prefix
    family: Family | None = None
    profile: Profile | None = None


class WorkflowOut(BaseModel):
    workflow_id: str
    workflow_type: str
    params: dict[str, Any]
    state: str
    total: int = Field(description="Items known so far (final once listing_complete)")
    done: int = Field(description="Items that succeeded")
    failed: int = Field(description="Items that failed (recorded, not fatal)")
    started: int = Field(description="Items let through the pause gate; none while paused or cancelled")
    processed: int
    progress_percent: float
    eta_seconds: float | None = Field(description="Estimated seconds left while running; null when unknown")
    listing_complete: bool
    execution_arn: str | None
    error: str | None
    warnings: list[str] = Field(
        description="What the user should know about a finished workflow, e.g. a prefix without any Markdown page"
    )
    created_by: str
    created_at: str
    updated_at: str
    started_at: str | None
    finished_at: str | None


class WorkflowPage(Page[WorkflowOut]):
    pass


class WorkflowItemOut(BaseModel):
    item: str = Field(description="The S3 key (or id) the item worked on")
    status: str
    validation_id: str | None
    outcome: str | None
    result: dict[str, Any] = Field(description="What the item produced, e.g. counts, enhancement_id")
    error: str | None
    finished_at: str


class WorkflowReport(BaseModel):
    workflow: WorkflowOut
    items: list[WorkflowItemOut]
    next_cursor: str | None


class WorkflowSummary(BaseModel):
    workflow_id: str
    workflow_type: str
    state: str
    total: int
    done: int
    failed: int
    progress_percent: float
    eta_seconds: float | None
    duration_seconds: float | None
    outcomes: dict[str, int] = Field(description="Validation outcomes of the succeeded items: pass, warning, fail")
    errors: dict[str, int] = Field(description="Failed items by error message")


class DeletedWorkflowOut(BaseModel):
    workflow_id: str
    deleted: bool


class BulkDeleteOut(BaseModel):
    deleted: list[str]
    failed: list[dict[str, str]]


# ---- shaping --------------------------------------------------------------------------


def _seconds(start: str, end: str | None = None) -> float:
    parse = lambda value: datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    return ((parse(end) if end else datetime.now(UTC).replace(tzinfo=None)) - parse(start)).total_seconds()


def _progress(record: WorkflowRecord) -> tuple[int, float, float | None]:
    processed = record.done + record.failed
    if record.state == "completed":
        return processed, 100.0, None
    percent = round(100.0 * processed / record.total, 1) if record.total else 0.0
    eta = None
    if record.state == "running" and record.listing_complete and processed and record.started_at:
        eta = round(_seconds(record.started_at) / processed * (record.total - processed), 1)
    return processed, percent, eta


def workflow_out(record: WorkflowRecord) -> WorkflowOut:
    processed, percent, eta = _progress(record)
    return WorkflowOut(**record.model_dump(), processed=processed, progress_percent=percent, eta_seconds=eta)


def _event(
    context: OperationContext,
    operation_name: str,
    workflow_id: str,
    before: str | None,
    after: str | None,
    **extra: Any,
) -> AuditEvent:
    return AuditEvent.new(
        actor=context.principal,
        operation=operation_name,
        target_type="workflow",
        target_id=workflow_id,
        before={"state": before} if before else None,
        after={"state": after, **extra} if after else None,
    )


def change_state(
    context: OperationContext,
    record: WorkflowRecord,
    target: str,
    operation_name: str,
    changes: dict[str, Any] | None = None,
    **extra: Any,
) -> WorkflowRecord:
    """The one way a workflow's state changes: checked against the transition table,
    written only if nobody changed it meanwhile (else 409 naming the current state)."""
    check_transition("workflow", record.state, target, item_id=record.workflow_id)
    try:
        return context.workflows.transition(
            record.workflow_id,
            record.state,
            target,
            _event(context, operation_name, record.workflow_id, record.state, target, **extra),
            changes,
        )
    except StateChanged as changed:
        check_transition("workflow", changed.current, target, item_id=record.workflow_id)
        raise Conflict(
            f"workflow {record.workflow_id!r} changed to {changed.current} meanwhile; read it again and retry",
            field="workflow_id",
        ) from None


def stop_execution(context: OperationContext, record: WorkflowRecord, cause: str) -> WorkflowRecord:
    """Stop the execution of a workflow that was just cancelled, so no task of it runs any
    more. If Step Functions cannot be reached the cancel still holds (each remaining item
    is skipped at the gate) and the workflow says so in its warnings."""
    if not record.execution_arn:
        return record
    try:
        context.executions.stop(record.execution_arn, cause)
    except Exception as error:  # noqa: BLE001 - any failure leaves the gate to skip the items
        warning = f"the execution could not be stopped ({error}); its remaining items are skipped"
        context.workflows.update(record.workflow_id, {"warnings": [*record.warnings, warning]})
        return context.workflows.get(record.workflow_id)
    return record


def reconcile(context: OperationContext, record: WorkflowRecord) -> WorkflowRecord:
    """A workflow whose execution ended without reaching its finish or Catch step (killed,
    timed out, stopped outside TBCV, or lost when the local stack restarted) would stay
    running or paused forever. When its record has not changed for
    RECONCILE_AFTER_SECONDS, ask Step Functions: if the execution no longer runs, a
    running workflow becomes failed and a paused one cancelled, with the reason. Called
    by get_workflow and list_workflows, so whoever looks sees the truth."""
    if (
        record.state not in ("running", "paused")
        or not record.execution_arn
        or _seconds(record.updated_at) < RECONCILE_AFTER_SECONDS
    ):
        return record
    status = context.executions.status(record.execution_arn)
    if status == "RUNNING":
        return record
    target = "failed" if record.state == "running" else "cancelled"
    error = f"the execution ended ({status}) without finishing the workflow"
    try:
        return change_state(
            context, record, target, "reconcile_workflow", {"error": error, "finished_at": utc_now()}, reason=error
        )
    except Conflict:  # it changed meanwhile (e.g. its finish step ran): that is the truth
        return context.workflows.get(record.workflow_id)


def _type_params(workflow_type: str, params: dict[str, Any], context: OperationContext) -> dict[str, Any]:
    try:
        parsed = WORKFLOW_TYPES[workflow_type].model_validate(params)
    except ValidationError as error:
        field, message = field_of(error)
        raise InvalidInput(f"params.{message}", field=f"params.{field}") from None
    watched = context.settings.watched_prefix
    paths = (
        [parsed.prefix]
        if isinstance(parsed, ValidatePrefixParams)
        else parsed.keys
        if isinstance(parsed, ValidateBatchParams)
        else []
    )
    outside = [p for p in paths if not p.startswith(watched)]
    if outside:
        raise InvalidInput(
            f"{outside[0]!r} is not under the watched prefix {watched!r}",
            field="params.prefix" if isinstance(parsed, ValidatePrefixParams) else "params.keys",
        )
    if isinstance(parsed, ValidatePrefixParams) and not context.documents.list_keys(parsed.prefix, page_size=1)[0]:
        raise InvalidInput(
            f"no object under the prefix {parsed.prefix!r} in the documents bucket (put pages there first, "
            "e.g. tbcv docs put DIR --prefix PREFIX)",
            field="params.prefix",
        )
    return parsed.model_dump(exclude_none=True)


def start_workflow(context: OperationContext, workflow_type: str, params: dict[str, Any]) -> WorkflowRecord:
    """Store the workflow (pending), mark it running, start its execution. If the
    execution cannot start, the workflow is marked failed with the reason (503)."""
    params = _type_params(workflow_type, params, context)
    now = utc_now()
    workflow_id = uuid4().hex
    batch = params.get("keys", params.get("validation_ids"))
    record = WorkflowRecord(
        workflow_id=workflow_id,
        workflow_type=workflow_type,
        params=params,
        state="pending",
        total=len(batch) if batch else 0,
        listing_complete=batch is not None,
        created_by=context.principal,
        created_at=now,
        updated_at=now,
    )
    context.workflows.create(
        record, _event(context, "create_workflow", workflow_id, None, "pending", workflow_type=workflow_type)
    )
    record = change_state(context, record, "running", "start_workflow", {"started_at": utc_now()})
    payload: dict[str, Any] = {
        "workflow_id": workflow_id,
        "principal": context.principal,
        "cursor": None,
        "pages": 0,
        "gate_wait_seconds": context.settings.workflow_gate_seconds,
    }
    if batch is not None:
        payload["items"] = batch
    try:
        execution_arn = context.executions.start(workflow_type, workflow_id, payload)
    except Exception as error:
        change_state(
            context,
            record,
            "failed",
            "start_workflow",
            {"error": f"the execution did not start: {error}", "finished_at": utc_now()},
        )
        raise Unavailable(
            f"workflow {workflow_id} could not start its execution: {error}", field="workflow_type"
        ) from None
    context.workflows.update(workflow_id, {"execution_arn": execution_arn})
    return context.workflows.get(workflow_id)


# ---- operations -----------------------------------------------------------------------


@operation(
    "create_workflow",
    category="workflow",
    title="Start a workflow",
    method="POST",
    path="/v1/workflows",
    success_status=201,
)
def create_workflow(context: OperationContext, params: CreateWorkflowIn) -> WorkflowOut:
    """Start a bulk workflow (a Step Functions execution). validate_prefix validates every
    .md under a prefix, in pages; validate_batch validates a list of keys;
    generate_recommendations and enhance_batch work on a list of validations (enhance_batch
    applies their approved recommendations); full_audit validates a prefix, recommends,
    auto-approves by policy and enhances. Per-item failures are recorded and do not stop
    the workflow; follow it with get_workflow."""
    return workflow_out(start_workflow(context, params.workflow_type, params.params.model_dump(exclude_none=True)))


@operation(
    "validate_folder",
    category="validation",
    title="Validate every page under a prefix",
    method="POST",
    path="/v1/validations/folder",
    success_status=201,
)
def validate_folder(context: OperationContext, params: ValidateFolderIn) -> WorkflowOut:
    """Validate every .md object under an S3 prefix as a validate_prefix workflow; returns
    the workflow, whose report lists each page's validation."""
    return workflow_out(start_workflow(context, "validate_prefix", params.model_dump(exclude_none=True)))


@operation(
    "revalidate",
    category="validation",
    title="Validate a document again",
    method="POST",
    path="/v1/validations/{validation_id}/revalidate",
    success_status=201,
)
def revalidate(context: OperationContext, params: ValidationIdIn) -> ValidationOut:
    """Validate the current version of a validation's document again with the current
    rules and the same family and profile; the new validation names the old one as its
    parent."""
    parent = context.validations.get(params.validation_id)
    record = validate_stored(
        context,
        parent.document.key,
        None,
        validation_id=uuid4().hex,
        family=parent.family,
        profile=parent.profile,
        parent_validation_id=parent.validation_id,
    )
    return get_validation(context, GetValidationIn(validation_id=record.validation_id))


@operation(
    "get_workflow",
    category="workflow",
    title="Get a workflow",
    method="GET",
    path="/v1/workflows/{workflow_id}",
    read_only=True,
    idempotent=True,
)
def get_workflow(context: OperationContext, params: WorkflowIdIn) -> WorkflowOut:
    """A workflow's state, counts, progress percent and ETA. A running or paused workflow
    whose execution ended without a result is marked failed (cancelled when paused) here."""
    return workflow_out(reconcile(context, context.workflows.get(params.workflow_id)))


@operation(
    "list_workflows",
    category="workflow",
    title="List workflows",
    method="GET",
    path="/v1/workflows",
    read_only=True,
    idempotent=True,
)
def list_workflows(context: OperationContext, params: ListWorkflowsIn) -> WorkflowPage:
    """List workflows newest first, optionally by state, type and creation time range;
    page with `cursor` (a page may be short when filters apply). Workflows whose execution
    ended without a result are reconciled as get_workflow does."""
    if params.created_from and params.created_to and params.created_from > params.created_to:
        raise InvalidInput("created_from is after created_to", field="created_from")
    page = context.workflows.list(
        limit=params.limit,
        cursor=params.cursor,
        state=params.state,
        workflow_type=params.workflow_type,
        created_from=params.created_from,
        created_to=params.created_to,
    )
    return WorkflowPage(items=[workflow_out(reconcile(context, r)) for r in page.items], next_cursor=page.next_cursor)


@operation(
    "control_workflow",
    category="workflow",
    title="Pause, resume or cancel a workflow",
    method="POST",
    path="/v1/workflows/{workflow_id}/control",
)
def control_workflow(context: OperationContext, params: ControlWorkflowIn) -> WorkflowOut:
    """pause (running → paused: no further item starts), resume (paused → running) or
    cancel (→ cancelled: the execution is stopped, no further item starts; the report
    keeps what was done)."""
    record = context.workflows.get(params.workflow_id)
    target = {"pause": "paused", "resume": "running", "cancel": "cancelled"}[params.action]
    changes = {"finished_at": utc_now()} if target == "cancelled" else None
    if changes is not None and params.reason:  # cancelled
        changes["error"] = f"cancelled: {params.reason}"
    record = change_state(
        context, record, target, "control_workflow", changes, action=params.action, reason=params.reason
    )
    if target == "cancelled":
        record = stop_execution(
            context, record, f"cancelled by {context.principal}: {params.reason or 'no reason given'}"
        )
    return workflow_out(record)


@operation(
    "get_workflow_report",
    category="workflow",
    title="Get a workflow's per-item report",
    method="GET",
    path="/v1/workflows/{workflow_id}/report",
    read_only=True,
    idempotent=True,
)
def get_workflow_report(context: OperationContext, params: WorkflowReportIn) -> WorkflowReport:
    """The workflow and its per-item results (key, status, validation id, outcome, error),
    paged with `cursor`; available while it runs."""
    record = context.workflows.get(params.workflow_id)
    page = context.workflows.items(params.workflow_id, limit=params.limit, cursor=params.cursor, status=params.status)
    return WorkflowReport(
        workflow=workflow_out(record),
        next_cursor=page.next_cursor,
        items=[WorkflowItemOut(**i.model_dump(include=set(WorkflowItemOut.model_fields))) for i in page.items],
    )


@operation(
    "get_workflow_summary",
    category="workflow",
    title="Summarise a workflow",
    method="GET",
    path="/v1/workflows/{workflow_id}/summary",
    read_only=True,
    idempotent=True,
)
def get_workflow_summary(context: OperationContext, params: WorkflowIdIn) -> WorkflowSummary:
    """Counts, progress, duration, validation outcomes and failures by reason."""
    record = context.workflows.get(params.workflow_id)
    outcomes = {"pass": 0, "warning": 0, "fail": 0}
    errors: dict[str, int] = {}
    cursor = None
    while True:
        page = context.workflows.items(params.workflow_id, limit=100, cursor=cursor)
        for item in page.items:
            if item.status == "succeeded" and item.outcome:
                outcomes[item.outcome] = outcomes.get(item.outcome, 0) + 1
            elif item.status == "failed":
                errors[item.error or "unknown"] = errors.get(item.error or "unknown", 0) + 1
        cursor = page.next_cursor
        if not cursor:
            break
    _, percent, eta = _progress(record)
    duration = _seconds(record.started_at, record.finished_at) if record.started_at else None
    return WorkflowSummary(
        workflow_id=record.workflow_id,
        workflow_type=record.workflow_type,
        state=record.state,
        total=record.total,
        done=record.done,
        failed=record.failed,
        progress_percent=percent,
        eta_seconds=eta,
        duration_seconds=round(duration, 3) if duration is not None else None,
        outcomes=outcomes,
        errors=errors,
    )


def _delete(context: OperationContext, workflow_id: str, force: bool) -> None:
    record = context.workflows.get(workflow_id)
    if record.state in ACTIVE_STATES:
        if not force:
            raise Conflict(
                f"workflow {workflow_id!r} is {record.state}; cancel it first or delete with force", field="workflow_id"
            )
        record = change_state(
            context, record, "cancelled", "delete_workflow", {"finished_at": utc_now()}, reason="deleted with force"
        )
        stop_execution(context, record, f"deleted with force by {context.principal}")
    context.workflows.delete(workflow_id, _event(context, "delete_workflow", workflow_id, record.state, None))


@operation(
    "delete_workflow",
    category="workflow",
    title="Delete a workflow",
    method="DELETE",
    path="/v1/workflows/{workflow_id}",
    destructive=True,
    idempotent=True,
)
def delete_workflow(context: OperationContext, params: DeleteWorkflowIn) -> DeletedWorkflowOut:
    """Delete a finished workflow and its item results (the validations stay). An active
    workflow is refused (409) unless `force`, which cancels it first."""
    _delete(context, params.workflow_id, params.force)
    return DeletedWorkflowOut(workflow_id=params.workflow_id, deleted=True)


@operation(
    "bulk_delete_workflows",
    category="workflow",
    title="Delete several workflows",
    method="POST",
    path="/v1/workflows/bulk-delete",
    destructive=True,
    idempotent=True,
)
def bulk_delete_workflows(context: OperationContext, params: BulkDeleteWorkflowsIn) -> BulkDeleteOut:
    """Delete each listed workflow as delete_workflow would; the ones that cannot be
    deleted are listed with the reason, the others are deleted."""
    deleted, failed = [], []
    for workflow_id in dict.fromkeys(params.workflow_ids):
        try:
            _delete(context, workflow_id, params.force)
            deleted.append(workflow_id)
        except ItemNotFound as error:
            failed.append({"workflow_id": workflow_id, "code": "not_found", "message": str(error)})
        except Conflict as error:
            failed.append({"workflow_id": workflow_id, "code": error.code, "message": error.message})
    return BulkDeleteOut(deleted=deleted, failed=failed)
