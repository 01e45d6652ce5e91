"""`tbcv docs`: put local pages into the documents bucket, get a stored version back."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, console, emit, fail, table

app = typer.Typer(help="Pages in the documents bucket.", no_args_is_help=True)


def _key(prefix: str, relative: str) -> str:
    return f"{prefix.rstrip('/')}/{relative}" if prefix else relative


@app.command("put")
def put(
    folder: Path = typer.Argument(..., help="A local folder; every *.md file below it is uploaded"),
    prefix: str = typer.Option(..., "--prefix", help="Key prefix under the watched prefix, e.g. docs/en/"),
    family: str | None = typer.Option(None, "--family", help="Stored as tbcv-family metadata"),
    profile: str | None = typer.Option(None, "--profile", help="Stored as tbcv-profile metadata"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Upload every *.md under FOLDER as PREFIX/<relative path>. The upload pipeline then
    validates each page (see `tbcv history KEY`); `tbcv validate folder PREFIX --prefix`
    validates them as one workflow. Stops at the first page the service refuses."""
    if not folder.is_dir():
        fail(f"{folder} is not a folder", 2)
    pages = sorted(p for p in folder.rglob("*.md") if p.is_file())
    if not pages:
        fail(f"no *.md file under {folder}", 2)
    stored = []
    from rich.progress import Progress

    with Progress(console=console(), transient=True) as progress:
        task = progress.add_task(f"uploading {folder}", total=len(pages))
        for page in pages:
            try:
                content = page.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                fail(f"cannot read {page}: {error}", 2)
            key = _key(prefix, page.relative_to(folder).as_posix())
            result = call("put_document", key=key, content=content, family=family, profile=profile)
            stored.append({k: result[k] for k in ("key", "version_id", "size")})
            progress.advance(task)
    emit({"items": stored}, as_json, lambda d: table(d["items"], ["key", "version_id", "size"]))


@app.command("get")
def get(
    key: str = typer.Argument(..., help="S3 key, e.g. docs/en/index.md"),
    version: str | None = typer.Option(None, "--version", help="Version id; the latest when omitted"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the page here instead of stdout"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print one version of a page (its text; with --json also its version and metadata)."""
    result = call("get_document", key=key, version_id=version)
    if as_json:
        emit(result, True, print)
    elif output is None:
        sys.stdout.write(result["content"])
    else:
        output.write_text(result["content"], encoding="utf-8")
        print(
            f"wrote {result['key']} version {result['version_id']} ({result['size']} bytes) to {output}",
            file=sys.stderr,
        )
