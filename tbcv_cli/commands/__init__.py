"""Command groups that call operations through the MCP endpoint (every command but `check`).

`register(app)` adds them to the root typer app; each module holds one group.
"""

from __future__ import annotations

import typer

_registered: set[int] = set()


def register(app: typer.Typer) -> None:
    """Idempotent: `main()` may run several times in one process (tests)."""
    if id(app) in _registered:
        return
    _registered.add(id(app))
    from tbcv_cli.commands import (
        admin,
        docs,
        enhance,
        export,
        query,
        recommendations,
        review,
        validate,
        validations,
        workflows,
    )

    app.add_typer(validate.app, name="validate")
    app.add_typer(validations.app, name="validations")
    app.command("approve")(review.approve)
    app.command("reject")(review.reject)
    app.add_typer(recommendations.app, name="recommendations")
    app.add_typer(enhance.app, name="enhance")
    app.add_typer(workflows.app, name="workflows")
    app.add_typer(admin.app, name="admin")
    app.add_typer(export.app, name="export")
    app.add_typer(docs.app, name="docs")
    app.command("stats")(query.stats)
    app.command("audit")(query.audit)
    app.command("history")(query.history)
