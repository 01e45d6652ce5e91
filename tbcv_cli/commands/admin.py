"""`tbcv admin`: status, result cache, maintenance mode, checkpoints, rules and validators."""

from __future__ import annotations

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, emit, pages, record, table

app = typer.Typer(help="Administration.", no_args_is_help=True)
cache = typer.Typer(help="The validation result cache.", no_args_is_help=True)
maintenance = typer.Typer(help="Maintenance mode: writes refused, reads served.", no_args_is_help=True)
checkpoint = typer.Typer(help="Table exports to S3 and their restore.", no_args_is_help=True)
app.add_typer(cache, name="cache")
app.add_typer(maintenance, name="maintenance")
app.add_typer(checkpoint, name="checkpoint")


@app.command("status")
def status(as_json: bool = JSON_OPTION) -> None:
    """Services, latency, queue depths, bucket and watched prefix. Exit code 1 when a service is down."""
    data = call("get_system_status")

    def render(d):
        record(d, ["stage", "documents_bucket", "watched_prefix", "ruleset_version"])
        table(
            (
                {"service": name, "ok": s["ok"], "latency_ms": s["latency_ms"], "detail": s["error"] or s["detail"]}
                for name, s in d["services"].items()
            ),
            ["service", "ok", "latency_ms", "detail"],
        )
        m = d["maintenance"]
        print(f"maintenance: {'ON since ' + str(m['since']) + ' (' + m['reason'] + ')' if m['enabled'] else 'off'}")

    emit(data, as_json, render)
    if not data["ok"]:
        raise typer.Exit(1)


@cache.command("stats")
def cache_stats(as_json: bool = JSON_OPTION) -> None:
    emit(call("get_cache_stats"), as_json, record)


REASON_OPTION = typer.Option(None, "--reason", help="Why; kept in the audit event")


@cache.command("clear")
def cache_clear(reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION) -> None:
    emit(call("clear_cache", reason=reason), as_json, record)


@cache.command("cleanup")
def cache_cleanup(reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Drop entries of older ruleset versions."""
    emit(call("cleanup_cache", reason=reason), as_json, record)


@cache.command("rebuild")
def cache_rebuild(limit: int = typer.Option(50, "--limit", min=1, max=100), as_json: bool = JSON_OPTION) -> None:
    emit(call("rebuild_cache", limit=limit), as_json, record)


@maintenance.command("on")
def maintenance_on(
    reason: str = typer.Argument(..., help="Shown to every refused caller"), as_json: bool = JSON_OPTION
) -> None:
    emit(call("enable_maintenance_mode", reason=reason), as_json, record)


@maintenance.command("off")
def maintenance_off(reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION) -> None:
    emit(call("disable_maintenance_mode", reason=reason), as_json, record)


@checkpoint.command("create")
def checkpoint_create(notes: str = typer.Option("", "--notes"), as_json: bool = JSON_OPTION) -> None:
    emit(call("create_checkpoint", notes=notes), as_json, record)


@checkpoint.command("restore")
def checkpoint_restore(
    checkpoint_id: str, reason: str = typer.Option(..., "--reason"), as_json: bool = JSON_OPTION
) -> None:
    emit(call("restore_checkpoint", checkpoint_id=checkpoint_id, reason=reason), as_json, record)


@app.command("reload-rules")
def reload_rules(reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION) -> None:
    emit(call("reload_rules", reason=reason), as_json, record)


@app.command("validators")
def validators(category: str | None = typer.Option(None, "--category"), as_json: bool = JSON_OPTION) -> None:
    """Every rule the engine runs."""
    data = {"items": pages("list_validators", category=category, limit=100), "next_cursor": None}
    emit(data, as_json, lambda d: table(d["items"], ["id", "alias", "category", "severity", "fixable"]))
