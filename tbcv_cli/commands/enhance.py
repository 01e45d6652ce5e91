"""`tbcv enhance`: preview and apply approved recommendations, roll back, history."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, emit, record, table

app = typer.Typer(help="Enhancements: approved recommendations applied as new document versions.", no_args_is_help=True)

IDS = typer.Option(None, "--recommendation", "-r", help="Only these recommendation ids (repeatable)")


@app.command("preview")
def preview(validation_id: str, recommendation_ids: list[str] | None = IDS, as_json: bool = JSON_OPTION) -> None:
    """Show what applying would change, without writing anything."""
    data = call("preview_enhancement", validation_id=validation_id, recommendation_ids=recommendation_ids or None)

    def render(d):
        if d.get("diff"):
            print(d["diff"])
        record({k: v for k, v in d.items() if k not in ("diff", "text", "content", "enhanced_text")})

    emit(data, as_json, render)


@app.command("apply")
def apply(validation_id: str, recommendation_ids: list[str] | None = IDS, as_json: bool = JSON_OPTION) -> None:
    """Apply the approved recommendations as a new version of the document."""
    data = call("apply_enhancement", validation_id=validation_id, recommendation_ids=recommendation_ids or None)
    emit(data, as_json, record)


@app.command("rollback")
def rollback(enhancement_id: str, reason: str = typer.Option(..., "--reason"), as_json: bool = JSON_OPTION) -> None:
    """Restore the document version the enhancement started from."""
    emit(call("rollback_enhancement", enhancement_id=enhancement_id, reason=reason), as_json, record)


@app.command("history")
def history(
    validation_id: str | None = typer.Argument(None, help="Only enhancements of this validation"),
    limit: int = typer.Option(20, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    data = call("list_enhancements", validation_id=validation_id, limit=limit)
    emit(
        data,
        as_json,
        lambda d: table(
            d["items"], ["enhancement_id", "validation_id", "status", "created_at"], empty="no enhancements"
        ),
    )
