"""The `tbcv` console script: a typer app that only assembles command groups.

Each command lives in its own module; `check` (offline validation) imports nothing but the
engine, so `tbcv check` starts fast. Usage errors print one line on stderr and exit 2.
"""

from __future__ import annotations

import sys

import typer

from tbcv_cli.check import UsageError, check
from tbcv_cli.commands import register

app = typer.Typer(
    name="tbcv",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="TBCV: truth-based content validation for Markdown documentation.",
)
app.command("check")(check)


@app.callback()
def _root() -> None:
    """TBCV: truth-based content validation for Markdown documentation."""


def main(argv: list[str] | None = None) -> int:
    """Run the app and turn every failure into an exit code (0/1/2), never a traceback for usage."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["check"]:
        register(app)  # the API command groups (tbcv_cli/commands); `check` starts without them
    if not args:
        app(args=["--help"], prog_name="tbcv", standalone_mode=False)
        return 2
    try:
        # Without standalone mode the app returns the code of a typer.Exit raised by a command.
        code = app(args=args, prog_name="tbcv", standalone_mode=False)
    except UsageError as error:
        print(f"tbcv: error: {error}", file=sys.stderr)
        return 2
    except typer.TyperException as error:  # typer's usage errors (exit code 2)
        print(f"tbcv: error: {' '.join(error.format_message().split())}", file=sys.stderr)
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        print("tbcv: aborted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
