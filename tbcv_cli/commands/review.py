"""`tbcv approve` / `tbcv reject`: one validation, or several with --bulk."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, emit, fail


def _summary(data: dict) -> None:
    items = data["items"] if isinstance(data.get("items"), list) else [data]
    for item in items:
        print(" ".join(str(item.get(k)) for k in ("validation_id", "review_status", "status", "error") if item.get(k)))


def approve(
    validation_ids: list[str] = typer.Argument(..., help="Validation id(s)"),
    bulk: bool = typer.Option(False, "--bulk", help="Approve every id given in one operation"),
    notes: str | None = typer.Option(None, "--notes"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Approve a validation (or many with --bulk)."""
    if bulk:
        data = call("bulk_approve", validation_ids=validation_ids, notes=notes)
    elif len(validation_ids) > 1:
        fail("several ids need --bulk", 2)
    else:
        data = call("approve", validation_id=validation_ids[0], notes=notes)
    emit(data, as_json, _summary)


def reject(
    validation_ids: list[str] = typer.Argument(..., help="Validation id(s)"),
    reason: str = typer.Option(..., "--reason", help="Why; kept in the audit log"),
    bulk: bool = typer.Option(False, "--bulk", help="Reject every id given in one operation"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Reject a validation (or many with --bulk)."""
    if bulk:
        data = call("bulk_reject", validation_ids=validation_ids, reason=reason)
    elif len(validation_ids) > 1:
        fail("several ids need --bulk", 2)
    else:
        data = call("reject", validation_id=validation_ids[0], reason=reason)
    emit(data, as_json, _summary)
