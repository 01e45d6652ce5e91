"""`tbcv validate`: pages in S3, local files, local folders (with a progress bar) and S3
prefixes (a validate_folder workflow followed to completion)."""

from __future__ import annotations

from pathlib import Path

import typer

from tbcv_cli.commands._common import JSON_OPTION, call, console, counts, emit, fail, record, table
from tbcv_cli.commands.workflows import follow

app = typer.Typer(help="Validate pages through the API (results are stored as validations).", no_args_is_help=True)

FAMILY = typer.Option(None, "--family", help="Product family, e.g. words")
PROFILE = typer.Option(None, "--profile", help="default, strict or relaxed")


def _show_validation(result: dict) -> None:
    record(
        {**result, "counts": counts(result)},
        ["validation_id", "outcome", "counts", "family", "profile", "review_status"],
        title=result["document"]["path"],
    )
    table(
        ({**i, "where": f"{i['line']}:{i['column']}"} for i in result.get("issues", [])),
        ["where", "rule", "severity", "message"],
        empty="no issues",
    )


def _exit_for(outcomes: list[str]) -> None:
    if "fail" in outcomes:
        raise typer.Exit(1)


@app.command("file")
def file(
    key: str = typer.Argument(..., help="S3 key under the watched prefix, e.g. docs/en/index.md"),
    version_id: str | None = typer.Option(None, "--version-id"),
    family: str | None = FAMILY,
    profile: str | None = PROFILE,
    as_json: bool = JSON_OPTION,
) -> None:
    """Validate a page stored in the documents bucket. Exit code 1 when it fails."""
    result = call("validate_file", key=key, version_id=version_id, family=family, profile=profile)
    emit(result, as_json, _show_validation)
    _exit_for([result["outcome"]])


@app.command("content")
def content(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Local Markdown file whose text is sent"
    ),
    as_path: str | None = typer.Option(None, "--path", help="Document path to report (default: PATH)"),
    family: str | None = FAMILY,
    profile: str | None = PROFILE,
    as_json: bool = JSON_OPTION,
) -> None:
    """Send a local file's content for validation. Exit code 1 when it fails."""
    result = call(
        "validate_content", content=_read(path), path=as_path or _document_path(path), family=family, profile=profile
    )
    emit(result, as_json, _show_validation)
    _exit_for([result["outcome"]])


@app.command("folder")
def folder(
    target: str = typer.Argument(
        ..., help="A local folder (its *.md files are uploaded), or with --prefix an S3 prefix"
    ),
    prefix: bool = typer.Option(
        False, "--prefix", help="TARGET is an S3 prefix: run a validate_folder workflow and follow it until it is done"
    ),
    family: str | None = FAMILY,
    profile: str | None = PROFILE,
    as_json: bool = JSON_OPTION,
) -> None:
    """Validate every page of a folder, with a progress bar. Exit code 1 when any page fails."""
    if prefix:
        workflow = call("validate_folder", prefix=target, family=family, profile=profile)
        follow(workflow["workflow_id"], as_json)
        return
    root = Path(target)
    if not root.is_dir():
        fail(f"{target} is not a folder (for an S3 prefix add --prefix)", 2)
    files = sorted(p for p in root.rglob("*.md") if p.is_file())
    results = []
    from rich.progress import Progress

    with Progress(console=console(), transient=as_json) as progress:
        task = progress.add_task(f"validating {root}", total=len(files))
        for page in files:
            relative = page.relative_to(root).as_posix()
            result = call("validate_content", content=_read(page), path=relative, family=family, profile=profile)
            results.append(
                {
                    "path": relative,
                    "validation_id": result["validation_id"],
                    "outcome": result["outcome"],
                    "counts": result["counts"],
                }
            )
            progress.advance(task)
    emit(
        {"items": results},
        as_json,
        lambda data: table(
            ({**r, "issues": counts(r)} for r in data["items"]),
            ["path", "outcome", "issues", "validation_id"],
            empty=f"no .md files under {root}",
        ),
    )
    _exit_for([r["outcome"] for r in results])


def _document_path(path: Path) -> str:
    """The path relative to the working directory when the file is below it, else its name."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {path}: {error}", 2)
    raise AssertionError("unreachable")
