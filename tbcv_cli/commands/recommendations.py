"""`tbcv recommendations`: generate, list, show, review, apply and tidy recommendations."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, emit, record, table

app = typer.Typer(help="Fix recommendations for a validation's issues.", no_args_is_help=True)

COLUMNS = ["recommendation_id", "status", "rule", "line", "title"]


def _list(data):
    table(
        ({**r, "title": r.get("title") or r.get("message") or r.get("description")} for r in data["items"]),
        COLUMNS,
        empty="no recommendations",
    )


@app.command("generate")
def generate(validation_id: str, as_json: bool = JSON_OPTION) -> None:
    """Generate recommendations for a validation's issues."""
    emit(call("generate_recommendations", validation_id=validation_id), as_json, _list)


@app.command("rebuild")
def rebuild(validation_id: str, as_json: bool = JSON_OPTION) -> None:
    """Drop pending recommendations and generate them again."""
    emit(call("rebuild_recommendations", validation_id=validation_id), as_json, _list)


@app.command("list")
def list_(
    validation_id: str,
    status: str | None = typer.Option(None, "--status"),
    limit: int = typer.Option(50, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    emit(call("list_recommendations", validation_id=validation_id, status=status, limit=limit), as_json, _list)


@app.command("show")
def show(recommendation_id: str, as_json: bool = JSON_OPTION) -> None:
    emit(call("get_recommendation", recommendation_id=recommendation_id), as_json, record)


@app.command("review")
def review(
    recommendation_ids: list[str] = typer.Argument(...),
    action: str = typer.Option(..., "--action", help="approve, reject or reset"),
    notes: str | None = typer.Option(None, "--notes"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Approve, reject or reset one recommendation, or several at once."""
    if len(recommendation_ids) == 1:
        data = call("review_recommendation", recommendation_id=recommendation_ids[0], action=action, notes=notes)
        emit(data, as_json, lambda d: print(f"{d.get('recommendation_id')}: {d.get('status')}"))
    else:
        data = call("bulk_review_recommendations", recommendation_ids=recommendation_ids, action=action, notes=notes)
        emit(data, as_json, record)


@app.command("apply")
def apply(
    validation_id: str,
    recommendation_ids: list[str] = typer.Argument(..., help="Accepted recommendation ids"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Apply accepted recommendations to the document (a new document version)."""
    emit(
        call("apply_recommendations", validation_id=validation_id, recommendation_ids=recommendation_ids),
        as_json,
        record,
    )


@app.command("mark-applied")
def mark_applied(
    recommendation_ids: list[str] = typer.Argument(...),
    notes: str | None = typer.Option(None, "--notes"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record recommendations as applied outside TBCV."""
    emit(call("mark_recommendations_applied", recommendation_ids=recommendation_ids, notes=notes), as_json, record)


@app.command("delete")
def delete(recommendation_id: str, as_json: bool = JSON_OPTION) -> None:
    emit(call("delete_recommendation", recommendation_id=recommendation_id), as_json, record)
