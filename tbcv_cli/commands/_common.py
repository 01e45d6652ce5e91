"""What every remote command shares: calling a tool with CLI exit codes (1 when the
operation refused or failed, 2 when the endpoint cannot be used), `--json` output, and
rich tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import typer

JSON_OPTION = typer.Option(False, "--json", help="Print the operation's JSON result (for scripts)")


def fail(message: str, code: int) -> None:
    print(f"tbcv: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def call(tool: str, **arguments: Any) -> dict[str, Any]:
    from tbcv_cli.client import ClientError, McpClient, ToolError  # urllib: only for remote commands

    try:
        return McpClient.from_environment().call(tool, arguments)
    except ClientError as error:
        fail(str(error), 2)
    except ToolError as error:
        fail(str(error), 1)
    raise AssertionError("unreachable")


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print(json.dumps(data, indent=2))
    else:
        render(data)


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def table(
    rows: Iterable[dict[str, Any]], columns: list[str], title: str | None = None, empty: str = "nothing to show"
) -> None:
    from rich.table import Table

    rows = list(rows)
    if not rows:
        console().print(empty)
        return
    grid = Table(title=title, show_lines=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*(_cell(row.get(column)) for column in columns))
    console().print(grid)


def record(data: dict[str, Any], fields: list[str] | None = None, title: str | None = None) -> None:
    from rich.table import Table

    grid = Table(title=title, show_header=False, box=None)
    grid.add_column(style="bold")
    grid.add_column()
    for name in fields or list(data):
        grid.add_row(name, _cell(data.get(name)))
    console().print(grid)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)


def counts(item: dict[str, Any]) -> str:
    c = item.get("counts") or {}
    return f"{c.get('error', 0)}E {c.get('warning', 0)}W {c.get('info', 0)}I"


def pages(tool: str, **arguments: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list operation."""
    items, cursor = [], None
    while True:
        page = call(tool, **arguments, cursor=cursor)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items
