"""The pages of the web app (docs/web.md). Each handler reads its input, calls catalogue
operations through `Page.invoke` and renders one template; form posts redirect back
(post/redirect/get) with a one-time message, so reloading never submits twice."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib.ops.errors import InvalidInput, NotFound
from chalicelib.web import diffs
from chalicelib.web import session as sessions
from chalicelib.web.framework import HERE, Page, page

PAGE_SIZE = 25
_ID = re.compile(r"^[0-9a-f]{32}$")
STATIC = {p.name: p for p in (HERE / "static").iterdir() if p.is_file()}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
WORKFLOW_TYPES = ("validate_prefix", "validate_batch", "generate_recommendations", "enhance_batch", "full_audit")


def _id(value: str, kind: str) -> str:
    """A path id that cannot be one is a page that does not exist (404), not bad input."""
    if not _ID.match(value):
        raise NotFound(f"there is no {kind} {value!r}", field=f"{kind}_id")
    return value


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "", [])}


# --- signing in and out ---------------------------------------------------------------------


@page("/", public=True)
def root(page: Page):
    return page.redirect("/ui/validations")


@page("/ui", public=True)
def home(page: Page):
    return page.redirect("/ui/validations")


@page("/ui/sign-in", public=True)
def sign_in_form(page: Page):
    return page.sign_in_page()


@page("/ui/sign-in", method="POST", public=True)
def sign_in(page: Page):
    session, cookie = sessions.sign_in(page.field("token"), page.settings)
    page.set_cookie(sessions.SESSION_COOKIE, cookie, int(page.settings.session_hours * 3600))
    page.set_cookie(sessions.CSRF_COOKIE, "", 0)
    page.session = session
    page.flash(f"Signed in as {session.principal}.")
    return page.redirect("/ui/validations")


@page("/ui/sign-out", method="POST")
def sign_out(page: Page):
    page.set_cookie(sessions.SESSION_COOKIE, "", 0)
    page.session = None
    return page.sign_in_page(message="You are signed out.")


@page("/ui/static/{name}", public=True)
def static(page: Page, name: str):
    path: Path | None = STATIC.get(name)
    if path is None:
        raise NotFound(f"there is no static file {name!r}", field="name")
    return page.respond(
        path.read_text(encoding="utf-8"),
        200,
        STATIC_TYPES.get(path.suffix, "text/plain; charset=utf-8"),
        {"Cache-Control": "public, max-age=3600"},
    )


# --- validations --------------------------------------------------------------------------------

VALIDATION_FILTERS = ("outcome", "review_status", "family", "prefix")


@page("/ui/validations")
def validations(page: Page):
    filters = {name: page.query.get(name, "").strip() for name in VALIDATION_FILTERS}
    result = page.invoke(
        "list_validations", _present({**filters, "limit": PAGE_SIZE, "cursor": page.query.get("cursor")})
    )
    return page.render(
        "validations.html",
        items=result["items"],
        next_cursor=result["next_cursor"],
        filters=filters,
        paged=bool(page.query.get("cursor")),
    )


@page("/ui/validations/review", method="POST")
def review_validations(page: Page):
    ids, action = page.fields("validation_id"), page.field("action")
    back = {name: page.field(name) for name in VALIDATION_FILTERS}
    if not ids:
        raise InvalidInput("select at least one validation", field="validation_id")
    if action == "approve":
        result = page.invoke("bulk_approve", _present({"validation_ids": ids, "notes": page.field("reason")}))
    elif action == "reject":
        result = page.invoke("bulk_reject", {"validation_ids": ids, "reason": page.field("reason")})
    else:
        raise InvalidInput("action must be approve or reject", field="action")
    return _bulk_outcome(page, result, "validation_id", "/ui/validations", back)


def _bulk_outcome(page: Page, result: dict, id_field: str, back: str, query: dict | None = None):
    """Redirect with a message when every item changed; else a page listing each failure
    (409 when some were changed meanwhile or may not move, 404 when none exists)."""
    if not result["failed"]:
        page.flash(f"{result['changed']} changed.")
        return page.redirect(back, **(query or {}))
    failures = [item for item in result["items"] if item["result"] != "changed"]
    status = 404 if all(item["result"] == "not_found" for item in failures) else 409
    return page.render(
        "bulk_result.html", status, result=result, failures=failures, id_field=id_field, back=page.url(back)
    )


@page("/ui/validations/{validation_id}")
def validation(page: Page, validation_id: str):
    record = page.invoke("get_validation", {"validation_id": _id(validation_id, "validation"), "include_content": True})
    history = page.invoke("get_validation_history", {"key": record["document"]["key"], "limit": 10})
    lines = (record.pop("content") or "").splitlines()
    at_line: dict[int, list[dict]] = {}
    for issue in record["issues"]:
        at_line.setdefault(min(max(int(issue.get("line") or 1), 1), max(len(lines), 1)), []).append(issue)
    return page.render(
        "validation.html",
        v=record,
        lines=lines,
        at_line=at_line,
        history=history,
    )


@page("/ui/validations/{validation_id}/review", method="POST")
def review_validation(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    action = page.field("action")
    if action == "approve":
        page.invoke("approve", _present({"validation_id": validation_id, "notes": page.field("reason")}))
        page.flash("Validation approved.")
    elif action == "reject":
        page.invoke("reject", {"validation_id": validation_id, "reason": page.field("reason")})
        page.flash("Validation rejected.")
    else:
        raise InvalidInput("action must be approve or reject", field="action")
    return page.redirect(f"/ui/validations/{validation_id}")


@page("/ui/validations/{validation_id}/notes", method="POST")
def validation_notes(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    page.invoke("update_validation", {"validation_id": validation_id, "notes": page.field("notes")})
    page.flash("Notes saved.")
    return page.redirect(f"/ui/validations/{validation_id}")


# --- recommendations and enhancements -------------------------------------------------------------


@page("/ui/validations/{validation_id}/recommendations")
def recommendations(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    record = page.invoke("get_validation", {"validation_id": validation_id})
    result = page.invoke(
        "list_recommendations",
        _present({"validation_id": validation_id, "limit": 100, "cursor": page.query.get("cursor")}),
    )
    enhancements = page.invoke("list_enhancements", {"validation_id": validation_id, "limit": 10})
    return page.render(
        "recommendations.html",
        v=record,
        items=result["items"],
        next_cursor=result["next_cursor"],
        enhancements=enhancements["items"],
        edit_lines=diffs.edit_lines,
    )


@page("/ui/validations/{validation_id}/recommendations/generate", method="POST")
def generate(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    result = page.invoke("generate_recommendations", {"validation_id": validation_id})
    page.flash(f"{result['created']} recommendations drafted.")
    return page.redirect(f"/ui/validations/{validation_id}/recommendations")


@page("/ui/validations/{validation_id}/recommendations/review", method="POST")
def review_recommendations(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    ids, action = page.fields("recommendation_id"), page.field("action")
    if not ids:
        raise InvalidInput("select at least one recommendation", field="recommendation_id")
    if action not in ("approve", "reject"):
        raise InvalidInput("action must be approve or reject", field="action")
    result = page.invoke("bulk_review_recommendations", {"recommendation_ids": ids, "action": action})
    return _bulk_outcome(page, result, "recommendation_id", f"/ui/validations/{validation_id}/recommendations")


def _selected(page: Page) -> dict[str, Any]:
    """The checked recommendations, or none (= every approved one)."""
    return _present({"recommendation_ids": page.fields("recommendation_id")})


@page("/ui/validations/{validation_id}/recommendations/preview", method="POST")
def preview(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    result = page.invoke("preview_enhancement", {"validation_id": validation_id, **_selected(page)})
    return page.render("preview.html", p=result, diff=diffs.parse(result["diff"]), validation_id=validation_id)


@page("/ui/validations/{validation_id}/recommendations/apply", method="POST")
def apply(page: Page, validation_id: str):
    validation_id = _id(validation_id, "validation")
    result = page.invoke("apply_enhancement", {"validation_id": validation_id, **_selected(page)})
    page.flash(f"Applied {len(result['recommendation_ids'])} recommendations as a new document version.")
    return page.redirect(f"/ui/enhancements/{result['enhancement_id']}")


@page("/ui/enhancements/{enhancement_id}")
def enhancement(page: Page, enhancement_id: str):
    result = page.invoke("get_enhancement_comparison", {"enhancement_id": _id(enhancement_id, "enhancement")})
    return page.render("enhancement.html", c=result, e=result["enhancement"], diff=diffs.parse(result["diff"]))


@page("/ui/enhancements/{enhancement_id}/rollback", method="POST")
def rollback(page: Page, enhancement_id: str):
    enhancement_id = _id(enhancement_id, "enhancement")
    page.invoke("rollback_enhancement", {"enhancement_id": enhancement_id, "reason": page.field("reason")})
    page.flash("Rolled back: the base content is the document's newest version again.")
    return page.redirect(f"/ui/enhancements/{enhancement_id}")


# --- workflows ------------------------------------------------------------------------------------


@page("/ui/workflows")
def workflows(page: Page):
    state = page.query.get("state", "").strip()
    result = page.invoke(
        "list_workflows", _present({"limit": PAGE_SIZE, "cursor": page.query.get("cursor"), "state": state})
    )
    return page.render(
        "workflows.html",
        items=result["items"],
        next_cursor=result["next_cursor"],
        state=state,
        types=WORKFLOW_TYPES,
        paged=bool(page.query.get("cursor")),
    )


@page("/ui/workflows", method="POST")
def start_workflow(page: Page):
    params = _present(
        {
            "prefix": page.field("prefix"),
            "keys": [line.strip() for line in page.field("keys").splitlines() if line.strip()],
            "validation_ids": page.field("validation_ids").split(),
            "family": page.field("family"),
            "profile": page.field("profile"),
        }
    )
    result = page.invoke("create_workflow", {"workflow_type": page.field("workflow_type"), "params": params})
    page.flash(f"Workflow {result['workflow_type']} started.")
    return page.redirect(f"/ui/workflows/{result['workflow_id']}")


@page("/ui/workflows/{workflow_id}")
def workflow(page: Page, workflow_id: str):
    workflow_id = _id(workflow_id, "workflow")
    report = page.invoke(
        "get_workflow_report", _present({"workflow_id": workflow_id, "limit": 50, "cursor": page.query.get("cursor")})
    )
    summary = page.invoke("get_workflow_summary", {"workflow_id": workflow_id})
    return page.render(
        "workflow.html", w=report["workflow"], items=report["items"], next_cursor=report["next_cursor"], s=summary
    )


@page("/ui/workflows/{workflow_id}/progress")
def workflow_progress(page: Page, workflow_id: str):
    """The figures the progress module polls (JSON; the same fields a live event carries)."""
    w = page.invoke("get_workflow", {"workflow_id": _id(workflow_id, "workflow")})
    fields = ("workflow_id", "state", "total", "done", "failed", "processed", "progress_percent", "eta_seconds")
    return page.respond(json.dumps({k: w[k] for k in fields}), 200, "application/json")


@page("/ui/workflows/{workflow_id}/control", method="POST")
def control_workflow(page: Page, workflow_id: str):
    workflow_id = _id(workflow_id, "workflow")
    action = page.field("action")
    page.invoke(
        "control_workflow", _present({"workflow_id": workflow_id, "action": action, "reason": page.field("reason")})
    )
    page.flash(f"Workflow {action} requested.")
    return page.redirect(f"/ui/workflows/{workflow_id}")


# --- audit, rules, monitoring, admin ----------------------------------------------------------------

AUDIT_FILTERS = ("actor", "operation", "target_id")


@page("/ui/audit")
def audit(page: Page):
    filters = {name: page.query.get(name, "").strip() for name in AUDIT_FILTERS}
    result = page.invoke("get_audit_log", _present({**filters, "limit": PAGE_SIZE, "cursor": page.query.get("cursor")}))
    return page.render(
        "audit.html",
        items=result["items"],
        next_cursor=result["next_cursor"],
        filters=filters,
        paged=bool(page.query.get("cursor")),
    )


@page("/ui/rules")
def rules(page: Page):
    items, cursor = [], None
    while True:
        result = page.invoke("list_validators", _present({"limit": 100, "cursor": cursor}))
        items += result["items"]
        cursor = result["next_cursor"]
        if not cursor:
            break
    return page.render("rules.html", items=items)


def _window(page: Page) -> int:
    try:
        minutes = int(page.query.get("minutes", "60"))
    except ValueError:
        raise InvalidInput("minutes must be a whole number", field="minutes") from None
    if not 5 <= minutes <= 1440:
        raise InvalidInput("minutes must be between 5 and 1440", field="minutes")
    return minutes


def monitoring_figures(page: Page, minutes: int) -> dict[str, Any]:
    """Everything the monitoring page charts, from get_stats, get_performance_report and
    get_cache_stats (also what the JSON and CSV exports contain)."""
    bucket = max(1, minutes // 60)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    first = now - timedelta(minutes=minutes - bucket + (now.hour * 60 + now.minute) % bucket)
    since = first.strftime("%Y-%m-%dT%H:%M:%SZ")
    stats = page.invoke("get_stats", {"since": since, "bucket_minutes": bucket})
    performance = page.invoke("get_performance_report", {"hours": max(1, -(-minutes // 60))})
    cache = page.invoke("get_cache_stats")
    calls = sum(op["count"] for op in performance["operations"])
    errors = sum(op["errors"] for op in performance["operations"])
    return {
        "since": since,
        "minutes": minutes,
        "bucket_minutes": bucket,
        "validations": stats["validations"],
        "series": _every_bucket(stats["series"], first, now, bucket),
        "latency": performance["operations"],
        "calls": calls,
        "errors": errors,
        "error_rate": round(errors / calls, 4) if calls else 0.0,
        "cache_hit_rate": cache["hit_rate"],
        "cache": {"hits": cache["hits"], "misses": cache["misses"], "entries": cache["entries"]},
    }


def _every_bucket(series: list[dict], first: datetime, last: datetime, minutes: int) -> list[dict]:
    """The series with the empty buckets in it too (get_stats returns the busy ones), so a
    chart's x axis is time."""
    busy = {bucket["start"]: bucket for bucket in series}
    filled, moment = [], first
    while moment <= last:
        start = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        empty = {
            "start": start,
            "validations": 0,
            "by_outcome": {"pass": 0, "warning": 0, "fail": 0},
            "issues": {"error": 0, "warning": 0, "info": 0},
        }
        filled.append(busy.get(start, empty))
        moment += timedelta(minutes=minutes)
    return filled


@page("/ui/monitoring")
def monitoring(page: Page):
    minutes = _window(page)
    return page.render("monitoring.html", m=monitoring_figures(page, minutes))


@page("/ui/monitoring/panel")
def monitoring_panel(page: Page):
    """The charts alone, which the monitoring page fetches again every few seconds."""
    return page.render("monitoring_panel.html", m=monitoring_figures(page, _window(page)))


@page("/ui/monitoring/export.json")
def monitoring_json(page: Page):
    figures = monitoring_figures(page, _window(page))
    return page.respond(
        json.dumps({"schema_version": "tbcv.monitoring/1", **figures}, indent=2),
        200,
        "application/json",
        {"Content-Disposition": 'attachment; filename="tbcv-monitoring.json"'},
    )


@page("/ui/monitoring/export.csv")
def monitoring_csv(page: Page):
    figures = monitoring_figures(page, _window(page))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "name", "start", "validations", "pass", "warning", "fail", "errors", "warnings", "infos"])
    for b in figures["series"]:
        o, i = b["by_outcome"], b["issues"]
        writer.writerow(
            [
                "bucket",
                "",
                b["start"],
                b["validations"],
                o["pass"],
                o["warning"],
                o["fail"],
                i["error"],
                i["warning"],
                i["info"],
            ]
        )
    writer.writerow(["kind", "operation", "count", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms"])
    for op in figures["latency"]:
        writer.writerow(
            [
                "latency",
                op["operation"],
                op["count"],
                op["errors"],
                op["p50_ms"],
                op["p95_ms"],
                op["p99_ms"],
                op["max_ms"],
            ]
        )
    writer.writerow(["kind", "name", "value"])
    writer.writerow(["rate", "error_rate", figures["error_rate"]])
    writer.writerow(["rate", "cache_hit_rate", figures["cache_hit_rate"]])
    return page.respond(
        out.getvalue(),
        200,
        "text/csv; charset=utf-8",
        {"Content-Disposition": 'attachment; filename="tbcv-monitoring.csv"'},
    )


@page("/ui/admin")
def admin(page: Page):
    status = page.invoke("get_system_status")
    cache = page.invoke("get_cache_stats")
    checkpoints = page.invoke("get_audit_log", {"operation": "create_checkpoint", "limit": 10})
    return page.render("admin.html", system=status, cache=cache, checkpoints=checkpoints["items"])


@page("/ui/admin/maintenance", method="POST")
def maintenance(page: Page):
    if page.field("action") == "on":
        page.invoke("enable_maintenance_mode", {"reason": page.field("reason")})
        page.flash("Maintenance mode is on.")
    elif page.field("action") == "off":
        page.invoke("disable_maintenance_mode", _present({"reason": page.field("reason")}))
        page.flash("Maintenance mode is off.")
    else:
        raise InvalidInput("action must be on or off", field="action")
    return page.redirect("/ui/admin")


@page("/ui/admin/cache", method="POST")
def clear_cache(page: Page):
    result = page.invoke("clear_cache", _present({"reason": page.field("reason")}))
    page.flash(f"Cache cleared: {result['removed']} entries removed.")
    return page.redirect("/ui/admin")


@page("/ui/admin/checkpoints", method="POST")
def checkpoint(page: Page):
    result = page.invoke("create_checkpoint", {"notes": page.field("notes")})
    page.flash(f"Checkpoint {result['checkpoint_id']} created ({sum(result['tables'].values())} items).")
    return page.redirect("/ui/admin")


@page("/ui/admin/checkpoints/restore", method="POST")
def restore(page: Page):
    checkpoint_id = page.field("checkpoint_id")
    if not _ID.match(checkpoint_id):
        raise NotFound(f"there is no checkpoint {checkpoint_id!r}", field="checkpoint_id")
    result = page.invoke("restore_checkpoint", {"checkpoint_id": checkpoint_id, "reason": page.field("reason")})
    page.flash(f"Checkpoint {checkpoint_id} restored ({sum(result['restored'].values())} items).")
    return page.redirect("/ui/admin")
