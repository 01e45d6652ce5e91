"""`tbcv stats`, `tbcv audit`, `tbcv history`: figures, the audit log and a document's history."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, counts, emit, record, table


def stats(since: str | None = typer.Option(None, "--since", help="YYYY-MM-DD"), as_json: bool = JSON_OPTION) -> None:
    """Validations by outcome, review status and family; issues; calls per operation."""
    data = call("get_stats", since=since)

    def render(d):
        record(d, ["validations", "documents", "by_outcome", "by_review_status", "by_family", "issues"])
        table(({"operation": k, "calls": v} for k, v in sorted(d["operations"].items())), ["operation", "calls"])

    emit(data, as_json, render)


def audit(
    actor: str | None = typer.Option(None, "--actor"),
    target: str | None = typer.Option(None, "--target"),
    operation: str | None = typer.Option(None, "--operation"),
    since: str | None = typer.Option(None, "--since"),
    limit: int = typer.Option(50, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    """State changes, newest first."""
    data = call("get_audit_log", actor=actor, target_id=target, operation=operation, since=since, limit=limit)
    emit(
        data,
        as_json,
        lambda d: table(
            d["items"], ["created_at", "actor", "operation", "target_type", "target_id"], empty="no audit events"
        ),
    )


def history(
    key: str = typer.Argument(..., help="Document key, e.g. docs/en/index.md"),
    limit: int = typer.Option(20, "--limit", min=1, max=100),
    as_json: bool = JSON_OPTION,
) -> None:
    """A document's validations, newest first, with the trend."""
    data = call("get_validation_history", key=key, limit=limit)

    def render(d):
        print(f"{d['path']} ({d['key']})" if d["path"] != d["key"] else d["key"])
        table(
            ({**i, "issues": counts(i)} for i in d["items"]),
            ["created_at", "validation_id", "outcome", "issues", "review_status"],
            empty="never validated",
        )
        print(f"trend: {d['trend']} (errors {d['errors_change']:+d}, warnings {d['warnings_change']:+d})")

    emit(data, as_json, render)
