"""Issue 15, roles in the web app: each role (reader, reviewer, admin) x each category of the
catalogue, over real HTTP against the local stack started as `make run` starts it, with a
token per role in TBCV_API_TOKENS.

What is derived, not listed by hand: the categories (the catalogue's), the operations each
web page runs (the `page.invoke("...")` calls of its handler), and the operations whose
controls a page hides (the `can("...")` guards of the templates). For every category:

- every page that reads it answers 200 to every role;
- every form post that runs one of its operations is refused with a 403 page naming the
  operation, the role it needs and the principal (and the refusal is audited) when the
  role may not run it, and gets past authorisation when it may (the operation's own answer
  about the probe's unknown id or missing field, or its success);
- every control guarded by one of its operations is on the page exactly when the role may
  run the operation.

A browser (Debian's Chromium through Playwright) signs in as each role and uses the review
controls of one validation page: shown and working for a reviewer and an admin, absent for
a reader."""

from __future__ import annotations

import inspect
import json
import re
from functools import cache
from pathlib import Path

import boto3
import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from chalicelib.ops import CATALOGUE
from chalicelib.ops.catalogue import CATEGORIES, may_run
from chalicelib.settings import ROLES
from chalicelib.web import framework
from chalicelib.web import pages as web_pages
from tests.e2e.conftest import start_stack, stop_stack
from tests.e2e.test_web import CHROMIUM, CHROMIUM_ARGS, PAGE

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-web-roles")]

TOKENS = {
    "reader": ("web-reader-token", "rita"),
    "reviewer": ("web-reviewer-token", "rene"),
    "admin": ("web-admin-token", "ada"),
}
ZERO = "0" * 32
TEMPLATES = Path(framework.HERE) / "templates"

# How each web form post is probed: (path, form fields, status when the role may run it).
# Ids that do not exist: the operation answers 404 after authorisation, and nothing changes.
PROBES: dict[str, tuple[str, dict[str, str], int]] = {
    "update_validation": (f"/ui/validations/{ZERO}/notes", {"notes": "matrix"}, 404),
    "approve": (f"/ui/validations/{ZERO}/review", {"action": "approve"}, 404),
    "reject": (f"/ui/validations/{ZERO}/review", {"action": "reject", "reason": "matrix"}, 404),
    "bulk_approve": ("/ui/validations/review", {"action": "approve", "validation_id": ZERO}, 404),
    "bulk_reject": ("/ui/validations/review", {"action": "reject", "validation_id": ZERO, "reason": "matrix"}, 404),
    "generate_recommendations": (f"/ui/validations/{ZERO}/recommendations/generate", {}, 404),
    "bulk_review_recommendations": (
        f"/ui/validations/{ZERO}/recommendations/review",
        {"action": "approve", "recommendation_id": ZERO},
        404,
    ),
    "preview_enhancement": (f"/ui/validations/{ZERO}/recommendations/preview", {}, 404),
    "apply_enhancement": (f"/ui/validations/{ZERO}/recommendations/apply", {}, 404),
    "rollback_enhancement": (f"/ui/enhancements/{ZERO}/rollback", {"reason": "matrix"}, 404),
    "create_workflow": ("/ui/workflows", {"workflow_type": "validate_batch"}, 400),
    "control_workflow": (f"/ui/workflows/{ZERO}/control", {"action": "pause"}, 404),
    "enable_maintenance_mode": ("/ui/admin/maintenance", {"action": "on", "reason": ""}, 400),
    "disable_maintenance_mode": ("/ui/admin/maintenance", {"action": "off"}, 303),
    "clear_cache": ("/ui/admin/cache", {"reason": "role matrix"}, 303),
    "create_checkpoint": ("/ui/admin/checkpoints", {"notes": "role matrix"}, 303),
    "restore_checkpoint": ("/ui/admin/checkpoints/restore", {"checkpoint_id": ZERO, "reason": "matrix"}, 404),
}

# Where each guarded control is and the button that is the control: (page, button text).
# `{...}` names an id of the `entities` fixture; "POST preview" is the preview page.
CONTROLS: dict[str, tuple[str, str]] = {
    "approve": ("/ui/validations/{reviewed}", "Approve"),
    "update_validation": ("/ui/validations/{reviewed}", "Save notes"),
    "bulk_approve": ("/ui/validations", "Approve selected"),
    "generate_recommendations": ("/ui/validations/{fresh}/recommendations", "Generate recommendations"),
    "bulk_review_recommendations": ("/ui/validations/{reviewed}/recommendations", "Approve selected"),
    "apply_enhancement": ("POST preview", "Apply"),
    "rollback_enhancement": ("/ui/enhancements/{enhancement}", "Rollback"),
    "create_workflow": ("/ui/workflows", "Start workflow"),
    "control_workflow": ("/ui/workflows/{workflow}", "Pause"),
    "enable_maintenance_mode": ("/ui/admin", "Switch maintenance on"),
    "clear_cache": ("/ui/admin", "Clear the cache"),
    "create_checkpoint": ("/ui/admin", "Create a checkpoint"),
    "restore_checkpoint": ("/ui/admin", "Restore the checkpoint"),
}
PATH_IDS = {"validation_id": "reviewed", "enhancement_id": "enhancement", "workflow_id": "workflow"}


# --- what the web app declares --------------------------------------------------------------------


@cache
def web_routes() -> dict[tuple[str, str], frozenset[str]]:
    """(method, path) of every signed-in page -> the catalogue operations its handler runs
    (its own `page.invoke` calls and those of the page helpers it calls)."""
    helpers = {
        name: inspect.getsource(fn)
        for name, fn in vars(web_pages).items()
        if inspect.isfunction(fn) and fn.__module__ == web_pages.__name__
    }
    routes = {}
    for route in framework.ROUTES:
        if route.public:
            continue
        source = inspect.getsource(route.handler)
        called = [body for name, body in helpers.items() if re.search(rf"\b{name}\(", source)]
        ops = set(re.findall(r'invoke\(\s*"([a-z_]+)"', source + "".join(called)))
        routes[(route.method, route.path)] = frozenset(ops)
    return routes


@cache
def guarded_controls() -> frozenset[str]:
    """The operations the templates hide controls for (`{% if can("...") %}`)."""
    return frozenset(
        op for template in TEMPLATES.glob("*.html") for op in re.findall(r'can\("([a-z_]+)"\)', template.read_text())
    )


def test_the_matrix_covers_every_category_and_every_web_operation():
    routes = web_routes()
    used = set().union(*routes.values())
    assert used <= set(CATALOGUE), used - set(CATALOGUE)
    assert {CATALOGUE[op].category for op in used} == set(CATEGORIES)
    posted = set().union(*(ops for (method, _), ops in routes.items() if method == "POST"))
    assert set(PROBES) == posted, set(PROBES) ^ posted
    assert set(CONTROLS) == guarded_controls(), set(CONTROLS) ^ guarded_controls()
    reads = set().union(*(ops for (method, _), ops in routes.items() if method == "GET"))
    assert all(CATALOGUE[op].role == "reader" for op in reads)  # every page is readable by all


# --- the stack, the users and what they look at ---------------------------------------------------


@pytest.fixture(scope="module")
def stack():
    tokens = {token: {"principal": principal, "roles": [role]} for role, (token, principal) in TOKENS.items()}
    started = start_stack(settings={"TBCV_API_TOKENS": json.dumps(tokens)})
    yield started
    stop_stack(started)


class WebUser:
    """A signed-in user of the web app over HTTP: the session cookie and the CSRF token."""

    def __init__(self, url: str, token: str):
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=120)
        form = self.http.get("/ui/sign-in")
        answer = self.http.post("/ui/sign-in", data={"csrf_token": _csrf(form.text), "token": token})
        assert answer.status_code == 303, answer.text
        self.csrf = _csrf(self.http.get("/ui/validations").text)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, fields: dict[str, str]) -> httpx.Response:
        return self.http.post(path, data={**fields, "csrf_token": self.csrf})


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def users(stack):
    made = {role: WebUser(stack.url, token) for role, (token, _) in TOKENS.items()}
    yield made
    for user in made.values():
        user.http.close()


def _rest(stack, method, path, body=None):
    status, answer, _ = stack.request(method, path, body)
    assert status in (200, 201), (path, status, answer)
    return answer


@pytest.fixture(scope="module")
def entities(stack):
    """What the pages show, made through the REST API as the stack's admin: a validation with
    an approved fix ("reviewed"), one without recommendations ("fresh"), an enhancement and
    a workflow; and one validation per role for the browser test."""

    def validated(path):
        return _rest(stack, "POST", "/v1/validations", {"content": PAGE.format(spaces="   "), "path": path})

    def with_approved_fix(validation):
        recs = _rest(stack, "POST", f"/v1/validations/{validation['validation_id']}/recommendations")["items"]
        fix = next(r for r in recs if r["edits"])
        _rest(stack, "POST", f"/v1/recommendations/{fix['recommendation_id']}/review", {"action": "approve"})
        return validation

    reviewed = with_approved_fix(validated("roles/reviewed.md"))
    enhanced = with_approved_fix(validated("roles/enhanced.md"))
    enhancement = _rest(stack, "POST", f"/v1/validations/{enhanced['validation_id']}/enhancement")
    bucket = _rest(stack, "GET", "/v1/admin/status")["documents_bucket"]
    s3 = boto3.client(
        "s3", endpoint_url=stack.aws_url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    s3.put_object(Bucket=bucket, Key="docs/roles/page.md", Body=PAGE.format(spaces="").encode())
    workflow = _rest(
        stack, "POST", "/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": ["docs/roles/page.md"]}}
    )
    return {
        "reviewed": reviewed["validation_id"],
        "fresh": validated("roles/fresh.md")["validation_id"],
        "enhancement": enhancement["enhancement_id"],
        "workflow": workflow["workflow_id"],
        **{f"browser-{role}": validated(f"roles/browser-{role}.md")["validation_id"] for role in ROLES},
    }


def _denied_events(stack, principal: str, operation: str) -> list[dict]:
    log = _rest(stack, "GET", f"/v1/audit?actor={principal}&operation={operation}")["items"]
    return [event for event in log if (event.get("after") or {}).get("denied")]


# --- the matrix -----------------------------------------------------------------------------------


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_in_each_category_of_the_web_app(stack, users, entities, role, category):
    user, principal = users[role], TOKENS[role][1]
    in_category = {op for op in set().union(*web_routes().values()) if CATALOGUE[op].category == category}
    assert in_category, f"no page of the web app runs a {category} operation"

    for (method, path), ops in web_routes().items():
        if method == "GET" and ops & in_category:
            page = re.sub(r"\{([a-z_]+)\}", lambda m: entities[PATH_IDS[m.group(1)]], path)
            answer = user.get(page)
            assert answer.status_code == 200, (role, page, answer.status_code)

    for op in sorted(in_category & set(PROBES)):
        path, fields, allowed_status = PROBES[op]
        answer = user.post(path, fields)
        if may_run([role], op):
            assert answer.status_code == allowed_status, (role, op, answer.status_code, answer.text[-600:])
        else:
            assert answer.status_code == 403, (role, op, answer.status_code)
            message = re.search(r'id="error-message">([^<]*)<', answer.text).group(1)
            assert f"{op} needs the &#39;{CATALOGUE[op].role}&#39; role" in message, message
            assert f"&#39;{principal}&#39; has" in message, message
            assert _denied_events(stack, principal, op), (role, op)

    for op in sorted(in_category & set(CONTROLS)):
        where, button = CONTROLS[op]
        if where == "POST preview":
            page = user.post(f"/ui/validations/{entities['reviewed']}/recommendations/preview", {})
        else:
            page = user.get(where.format(**entities))
        assert page.status_code == 200, (role, op, where, page.status_code)
        shown = re.search(rf"<button[^>]*>{re.escape(button)}</button>", page.text) is not None
        assert shown == may_run([role], op), (role, op, "shown" if shown else "hidden")


# --- one page in a browser per role ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.mark.parametrize("role", ROLES)
def test_the_validation_page_in_a_browser_shows_each_role_its_controls(stack, browser, entities, role):
    token, principal = TOKENS[role]
    context = browser.new_context(base_url=stack.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/ui/sign-in")
        page.get_by_label("API token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(f"Signed in as {principal}.")).to_be_visible()
        page.goto(f"/ui/validations/{entities[f'browser-{role}']}")
        approve = page.get_by_role("button", name="Approve", exact=True)
        if may_run([role], "approve"):
            approve.click()
            expect(page.locator("#review-status")).to_have_text("approved")
        else:
            expect(page.locator("#review-status")).to_have_text("pending")
            expect(approve).to_have_count(0)
            expect(page.get_by_role("button", name="Save notes")).to_have_count(0)
        page.goto("/ui/admin")
        expect(page.get_by_role("button", name="Create a checkpoint")).to_have_count(
            1 if may_run([role], "create_checkpoint") else 0
        )
    finally:
        context.close()
