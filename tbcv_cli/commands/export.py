"""`tbcv export`: a validation, its recommendations or a workflow as json/csv/sarif, to
stdout or a file (large exports are fetched from their pre-signed URL)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tbcv_cli.commands._common import call, fail

app = typer.Typer(help="Exports (JSON with a schema version, CSV, SARIF).", no_args_is_help=True)

OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout")


def _write(export: dict, output: Path | None) -> None:
    if export["content"] is not None:
        text = export["content"]
    else:
        import urllib.request

        from tbcv_cli.client import ClientError, http_url

        try:
            url = http_url(export["url"], "the export's download URL")
        except ClientError as error:
            fail(str(error), 2)
        try:
            with urllib.request.urlopen(url, timeout=120) as response:  # nosec B310  # http_url allowed http(s) only
                text = response.read().decode()
        except OSError as error:
            fail(f"cannot download the export from its URL: {error}", 2)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {export['format']} export ({export['size']} bytes) to {output}", file=sys.stderr)


@app.command("validation")
def validation(
    validation_id: str,
    fmt: str = typer.Option("json", "--format", help="json, csv or sarif"),
    output: Path | None = OUTPUT,
) -> None:
    _write(call("export_validation", validation_id=validation_id, format=fmt), output)


@app.command("recommendations")
def recommendations(
    validation_id: str, fmt: str = typer.Option("json", "--format", help="json or csv"), output: Path | None = OUTPUT
) -> None:
    _write(call("export_recommendations", validation_id=validation_id, format=fmt), output)


@app.command("workflow")
def workflow(
    workflow_id: str, fmt: str = typer.Option("json", "--format", help="json or csv"), output: Path | None = OUTPUT
) -> None:
    _write(call("export_workflow", workflow_id=workflow_id, format=fmt), output)
