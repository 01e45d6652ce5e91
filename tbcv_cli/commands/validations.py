"""`tbcv validations`: list, show, update notes, delete and revalidate stored validations."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, counts, emit, fail, pages, record, table

app = typer.Typer(help="Stored validations.", no_args_is_help=True)

SUMMARY = ["validation_id", "outcome", "issues", "review_status", "path", "created_at"]


def _rows(items):
    return ({**i, "issues": counts(i), "path": i["document"]["path"]} for i in items)


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status", help="pending, approved or rejected"),
    key: str | None = typer.Option(None, "--key", help="Only this document key"),
    limit: int = typer.Option(20, "--limit", min=1, max=100),
    all_pages: bool = typer.Option(False, "--all"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Newest first."""
    if all_pages:
        data = {"items": pages("list_validations", review_status=status, key=key, limit=100), "next_cursor": None}
    else:
        data = call("list_validations", review_status=status, key=key, limit=limit)
    emit(data, as_json, lambda d: table(_rows(d["items"]), SUMMARY, empty="no validations"))


@app.command("show")
def show(validation_id: str, as_json: bool = JSON_OPTION) -> None:
    data = call("get_validation", validation_id=validation_id)

    def render(d):
        record(
            {**d, "issues": counts(d), "path": d["document"]["path"], "key": d["document"]["key"]},
            [
                "validation_id",
                "path",
                "key",
                "outcome",
                "issues",
                "review_status",
                "family",
                "profile",
                "notes",
                "created_by",
                "created_at",
            ],
        )
        table(
            ({**i, "where": f"{i['line']}:{i['column']}"} for i in d["issues"]),
            ["where", "rule", "severity", "message"],
            empty="no issues",
        )

    emit(data, as_json, render)


@app.command("update")
def update(validation_id: str, notes: str = typer.Option(..., "--notes"), as_json: bool = JSON_OPTION) -> None:
    """Replace the reviewer notes."""
    data = call("update_validation", validation_id=validation_id, notes=notes)
    emit(data, as_json, lambda d: print(f"updated {d['validation_id']} (version {d['version']})"))


@app.command("delete")
def delete(
    validation_id: str, yes: bool = typer.Option(False, "--yes", help="Do not ask"), as_json: bool = JSON_OPTION
) -> None:
    if not yes and not typer.confirm(f"Delete validation {validation_id}?"):
        fail("not deleted", 1)
    data = call("delete_validation", validation_id=validation_id)
    emit(data, as_json, lambda d: print(f"deleted {d['validation_id']}"))


@app.command("revalidate")
def revalidate(validation_id: str, as_json: bool = JSON_OPTION) -> None:
    """Validate the same document again under the current rules (a new validation)."""
    data = call("revalidate", validation_id=validation_id)
    emit(data, as_json, lambda d: print(f"{d['validation_id']}: {d['outcome']} ({counts(d)})"))
    if data["outcome"] == "fail":
        raise typer.Exit(1)
