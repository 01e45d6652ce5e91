"""`tbcv workflows`: create, follow, control, report and delete batch workflows."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, console, emit, fail, record, table

app = typer.Typer(help="Batch workflows (Step Functions).", no_args_is_help=True)

FINAL = {"completed", "failed", "cancelled"}
FIELDS = [
    "workflow_id",
    "workflow_type",
    "state",
    "total",
    "done",
    "failed",
    "progress_percent",
    "created_at",
    "finished_at",
    "error",
]


def show_workflow(workflow: dict) -> None:
    """The workflow's fields, then its warnings (e.g. a prefix without Markdown pages)."""
    record(workflow, FIELDS)
    for warning in workflow.get("warnings") or []:
        console().print(f"[yellow]warning:[/yellow] {warning}")


def _updates(workflow_id: str, poll_seconds: float) -> Iterator[dict]:
    """The workflow's states until it is final: live frames over the WebSocket API
    (docs/realtime.md), or, when that is unavailable, polling get_workflow."""
    from tbcv_cli.client import find_token
    from tbcv_cli.live import Refused, Unavailable, watch_workflow, ws_url_from_environment

    try:
        yield from watch_workflow(ws_url_from_environment(), find_token(), workflow_id, max_attempts=2)
        return
    except (Refused, Unavailable) as error:
        print(f"tbcv: live events unavailable ({error}); polling instead", file=sys.stderr)
    while True:
        workflow = call("get_workflow", workflow_id=workflow_id)
        yield workflow
        if workflow["state"] in FINAL:
            return
        time.sleep(poll_seconds)


def follow(workflow_id: str, as_json: bool, poll_seconds: float = 0.5) -> dict:
    """Live progress until the workflow is done; exit 1 unless it completed without failures."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[state]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(), transient=as_json) as progress:
        task = progress.add_task(f"workflow {workflow_id}", total=None, state="pending")
        for update in _updates(workflow_id, poll_seconds):
            progress.update(
                task,
                total=update.get("total") or None,
                completed=(update.get("done") or 0) + (update.get("failed") or 0),
                state=update.get("state") or "",
            )
    workflow = call("get_workflow", workflow_id=workflow_id)  # the full record, as `show` prints it
    emit(workflow, as_json, show_workflow)
    if workflow["state"] != "completed" or workflow.get("failed"):
        raise typer.Exit(1)
    return workflow


def _params(pairs: list[str]) -> dict:
    params: dict = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--param takes NAME=VALUE, got {pair!r}", 2)
        if name in ("keys", "validation_ids"):
            params.setdefault(name, []).append(value)
        else:
            params[name] = value
    return params


@app.command("create")
def create(
    workflow_type: str = typer.Argument(..., help="e.g. validate_prefix, validate_batch"),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE (repeat keys=... for lists)"),
    wait: bool = typer.Option(False, "--wait", help="Follow the workflow until it is done"),
    as_json: bool = JSON_OPTION,
) -> None:
    workflow = call("create_workflow", workflow_type=workflow_type, params=_params(param))
    if wait:
        follow(workflow["workflow_id"], as_json)
    else:
        emit(workflow, as_json, show_workflow)


@app.command("list")
def list_(
    state: str | None = typer.Option(None, "--state"),
    workflow_type: str | None = typer.Option(None, "--type"),
    limit: int = typer.Option(20, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    data = call("list_workflows", state=state, workflow_type=workflow_type, limit=limit)
    emit(
        data,
        as_json,
        lambda d: table(
            d["items"],
            ["workflow_id", "workflow_type", "state", "done", "failed", "total", "created_at"],
            empty="no workflows",
        ),
    )


@app.command("show")
def show(
    workflow_id: str,
    wait: bool = typer.Option(False, "--follow", help="Live progress until done"),
    as_json: bool = JSON_OPTION,
) -> None:
    if wait:
        follow(workflow_id, as_json)
    else:
        emit(call("get_workflow", workflow_id=workflow_id), as_json, show_workflow)


@app.command("watch")
def watch(workflow_id: str, as_json: bool = JSON_OPTION) -> None:
    """Live progress until the workflow is done (WebSocket events at TBCV_WS_URL, default
    ws://127.0.0.1:8001; polling when they are unavailable). Exit 1 unless it completed
    without failures."""
    follow(workflow_id, as_json)


@app.command("control")
def control(
    workflow_id: str,
    action: str = typer.Argument(..., help="pause, resume or cancel"),
    reason: str | None = typer.Option(None, "--reason"),
    as_json: bool = JSON_OPTION,
) -> None:
    data = call("control_workflow", workflow_id=workflow_id, action=action, reason=reason)
    emit(data, as_json, lambda w: print(f"{w['workflow_id']}: {w['state']}"))


@app.command("report")
def report(
    workflow_id: str,
    status: str | None = typer.Option(None, "--status", help="succeeded or failed"),
    limit: int = typer.Option(100, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    data = call("get_workflow_report", workflow_id=workflow_id, status=status, limit=limit)

    def render(d):
        show_workflow(d["workflow"])
        columns = sorted({k for item in d["items"] for k in item if not isinstance(item[k], (dict, list))})
        table(d["items"], columns, empty="no items")

    emit(data, as_json, render)


@app.command("delete")
def delete(
    workflow_ids: list[str] = typer.Argument(...),
    force: bool = typer.Option(False, "--force"),
    as_json: bool = JSON_OPTION,
) -> None:
    if len(workflow_ids) == 1:
        data = call("delete_workflow", workflow_id=workflow_ids[0], force=force)
    else:
        data = call("bulk_delete_workflows", workflow_ids=workflow_ids, force=force)
    emit(data, as_json, record)
